using System.Reflection;
using System.Text.RegularExpressions;

namespace NotebookNN.Kernel.Html;

/// <summary>
/// plotly.js for offline pages: the minified copy Plotly.NET embeds in its assembly (the version its charts were
/// written for), so a page shows its plots without internet.
/// </summary>
public static partial class PlotlyJs
{
    public const string PlotlyAssemblyName = "Plotly.NET";

    private static readonly Lazy<(string Name, string Script)> Embedded = new(LoadEmbedded);

    /// <summary>The resource name of the embedded copy, e.g. <c>Plotly.NET.plotly-2.28.0.min.js</c>.</summary>
    public static string ResourceName => Embedded.Value.Name;

    /// <summary>The text of plotly.min.js, safe to place inside a &lt;script&gt; element.</summary>
    public static string Script => Embedded.Value.Script;

    /// <summary>Whether an HTML output draws a plotly chart (and so needs plotly.js on the page).</summary>
    public static bool IsNeededBy(string html) =>
        html.Contains("Plotly.newPlot", StringComparison.Ordinal) || html.Contains("Plotly.react", StringComparison.Ordinal);

    /// <summary>Removes <c>&lt;script src=...plotly...js&gt;&lt;/script&gt;</c> tags that load plotly.js from the
    /// internet; the page carries its own copy.</summary>
    public static string RemoveRemotePlotlyScripts(string html) => RemotePlotlyScript().Replace(html, "");

    /// <summary>
    /// Removes script elements that carry the plotly.js library itself (NotebookNN.Interactive's charts embed it in
    /// every output so each works alone in Jupyter); the page inlines it once instead of once per chart.
    /// </summary>
    public static string RemoveEmbeddedCopies(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var result = new System.Text.StringBuilder(html.Length);
        var position = 0;
        while (true)
        {
            var start = html.IndexOf("<script", position, StringComparison.OrdinalIgnoreCase);
            if (start < 0) break;
            var end = html.IndexOf("</script>", start, StringComparison.OrdinalIgnoreCase);
            if (end < 0) break;
            end += "</script>".Length;
            result.Append(html, position, start - position);
            // The library's licence header names it; chart-drawing scripts do not carry it.
            if (html.IndexOf(LibraryHeader, start, end - start, StringComparison.Ordinal) < 0)
                result.Append(html, start, end - start);
            position = end;
        }
        result.Append(html, position, html.Length - position);
        return result.ToString();
    }

    /// <summary>The start of plotly.min.js's licence comment, e.g. <c>* plotly.js v2.28.0</c>.</summary>
    private const string LibraryHeader = "* plotly.js v";

    [GeneratedRegex("""<script[^>]*\ssrc\s*=\s*["']https?://[^"']*plotly[^"']*\.js["'][^>]*>\s*</script>""", RegexOptions.IgnoreCase)]
    private static partial Regex RemotePlotlyScript();

    private static (string Name, string Script) LoadEmbedded()
    {
        Assembly assembly;
        try
        {
            assembly = Assembly.Load(new AssemblyName(PlotlyAssemblyName));
        }
        catch (FileNotFoundException e)
        {
            throw new InvalidOperationException(
                $"The HTML pages need plotly.js from the {PlotlyAssemblyName} assembly, which is not beside nnb ({e.Message}). Rebuild NotebookNN.Kernel.", e);
        }
        var name = assembly.GetManifestResourceNames()
                       .Where(n => n.Contains("plotly-", StringComparison.Ordinal) && n.EndsWith(".min.js", StringComparison.Ordinal))
                       .OrderBy(n => n, StringComparer.Ordinal)
                       .LastOrDefault()
                   ?? throw new InvalidOperationException($"{PlotlyAssemblyName} carries no embedded plotly-*.min.js resource; check its version (6.0.0 has one).");
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        // A literal "</script" would end the inline script element early; "<\/script" means the same in JavaScript.
        var script = reader.ReadToEnd().Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);
        return (name, script);
    }
}
