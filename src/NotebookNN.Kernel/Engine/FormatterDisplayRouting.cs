using Microsoft.DotNet.Interactive.Formatting;

namespace NotebookNN.Kernel.Engine;

/// <summary>
/// Shows what notebooks display through the formatting package's own API, the one .NET Interactive notebooks call:
/// <c>x.Display()</c>, <c>"&lt;b&gt;hi&lt;/b&gt;".DisplayAs("text/html")</c>, <c>rows.DisplayTable()</c> and
/// <c>DisplayedValue.Update(...)</c>. The package reports each to <see cref="Formatter.SubscribeToDisplayedValues"/>
/// subscribers (without one it writes the value to the console). This
/// writes the value into the cell that is running, as a display output (or an update of the earlier one, by its
/// display id). A value is formatted with the engine's usual bundle (<see cref="MimeBundleBuilder"/>), so
/// <c>x.Display()</c> and <c>display(x)</c> show the same thing; <c>DisplayAs</c> keeps the MIME type it names.
/// </summary>
internal static class FormatterDisplayRouting
{
    private static int _installed;

    /// <summary>Whether displays made through the formatting package reach the running cell.</summary>
    public static bool Installed { get; private set; }

    public static void Install()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1) return;
        Formatter.SubscribeToDisplayedValues(Route);
        Installed = true;
    }

    private static void Route(DisplayedValue shown)
    {
        if (ConsoleRouting.Current is not { } channel) return; // nothing runs: there is no cell to show it in
        var bundle = BundleOf(shown);
        channel.Write(shown.IsUpdated ? new DisplayUpdateOutput(bundle, shown.DisplayId) : new DisplayOutput(bundle, shown.DisplayId));
    }

    internal static MimeBundle BundleOf(DisplayedValue shown)
    {
        // DisplayAs: the text is the content of exactly the MIME type it names.
        if (shown.Value is string text && shown.FormattedValues is [{ MimeType: var mime, Value: var formatted }] && formatted == text)
        {
            var bundle = new MimeBundle { [mime] = text };
            bundle.TryAdd(MimeBundleBuilder.PlainText, text);
            return bundle;
        }
        return MimeBundleBuilder.Build(shown.Value);
    }
}
