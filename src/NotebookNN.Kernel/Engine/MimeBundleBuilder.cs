using System.Numerics;
using Microsoft.DotNet.Interactive.Formatting;

namespace NotebookNN.Kernel.Engine;

/// <summary>
/// The one place that turns a value into a <see cref="MimeBundle"/> through
/// <see cref="Formatter"/> (Microsoft.DotNet.Interactive.Formatting), shared by the engine, the kernel and the
/// runner. The bundle always has <c>text/plain</c>; it adds every MIME type the registry prefers for the value's
/// type, except that <c>text/html</c> is only added when an HTML formatter specific to the type exists (one that was
/// registered, or a built-in one for HTML content such as PocketView): the registry's generic object and sequence
/// tables and its HTML wrapping of scalars (strings, numbers, dates) would only repeat the plain text.
/// </summary>
public static class MimeBundleBuilder
{
    public const string PlainText = "text/plain";
    public const string Html = "text/html";
    public const string Markdown = "text/markdown";

    /// <summary>Formats <paramref name="value"/> for every MIME type its type calls for.</summary>
    /// <param name="mimeTypes">When given and not empty, exactly these MIME types (plus text/plain) are produced,
    /// as <c>display(x, "text/html")</c> asks.</param>
    public static MimeBundle Build(object? value, IReadOnlyCollection<string>? mimeTypes = null)
    {
        var bundle = new MimeBundle();
        if (mimeTypes is { Count: > 0 })
        {
            foreach (var mime in mimeTypes)
            {
                if (string.IsNullOrWhiteSpace(mime))
                    throw new ArgumentException("A MIME type passed to display must not be empty; use e.g. \"text/html\" or \"text/plain\".", nameof(mimeTypes));
                bundle[mime] = Formatter.ToDisplayString(value, mime);
            }
            if (!bundle.ContainsKey(PlainText))
                bundle[PlainText] = Formatter.ToDisplayString(value, PlainText);
            return bundle;
        }

        bundle[PlainText] = Formatter.ToDisplayString(value, PlainText);
        if (value is null) return bundle;

        var type = value.GetType();
        foreach (var mime in Formatter.GetPreferredMimeTypesFor(type))
        {
            if (bundle.ContainsKey(mime)) continue;
            if (mime == Html && !HasSpecificHtmlFormatter(type)) continue;
            bundle[mime] = Formatter.ToDisplayString(value, mime);
        }
        if (!bundle.ContainsKey(Html) && HasSpecificHtmlFormatter(type))
            bundle[Html] = Formatter.ToDisplayString(value, Html);
        return bundle;
    }

    /// <summary>A bundle holding markdown text (the <c>#!markdown</c> magic).</summary>
    public static MimeBundle FromMarkdown(string markdown) => new() { [Markdown] = markdown };

    /// <summary>A bundle of text shown as is in every MIME type given (e.g. a table built as text and as HTML).</summary>
    public static MimeBundle FromText(string plainText, string? html = null)
    {
        var bundle = new MimeBundle { [PlainText] = plainText };
        if (html is not null) bundle[Html] = html;
        return bundle;
    }

    /// <summary>Whether an HTML formatter made for <paramref name="type"/> exists, as opposed to the registry's
    /// catch-all formatters for any object, which wrap plain text in a table.</summary>
    public static bool HasSpecificHtmlFormatter(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var formatter = Formatter.GetPreferredFormatterFor(type, Html);
        if (Formatter.RegisteredFormatters(false).Contains(formatter))
            return true;
        if (formatter.Type == typeof(object) || IsScalar(type))
            return false;
        return !IsGenericSequenceFormatter(formatter.Type);
    }

    private static bool IsGenericSequenceFormatter(Type formatterType) =>
        formatterType == typeof(System.Collections.IEnumerable) || formatterType == typeof(object);

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(BigInteger)
        || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(TimeSpan) || type == typeof(Guid)
        || type == typeof(DateOnly) || type == typeof(TimeOnly) || type == typeof(ReadOnlyMemory<char>)
        || typeof(Type).IsAssignableFrom(type);
}
