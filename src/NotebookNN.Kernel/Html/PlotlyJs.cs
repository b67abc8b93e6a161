using System.Text.RegularExpressions;
using NotebookNN.Interactive;
using NotebookNN.Interactive.Plots;
using NotebookNN.Kernel.Notebooks;
using NotebookNN.Extensibility;

namespace NotebookNN.Kernel.Html;

/// <summary>Which plotly.js loader an executed notebook's first chart output carries.</summary>
public enum PlotlyLoader
{
    /// <summary>plotly.js itself, packed (about 1.5 MB, <see cref="PlotlyHtml.LoaderHtml"/>): the notebook draws
    /// its charts on its own, wherever it is copied.</summary>
    Packed,
    /// <summary>A small loader of the shared file <see cref="PlotlyHtml.PlotlyJsFileName"/> beside the notebook
    /// (<see cref="PlotlyHtml.FileLoaderHtml"/>), which the writer of the notebook puts there
    /// (<see cref="PlotlyJs.WriteSharedFile"/>).</summary>
    SharedFile,
}

/// <summary>
/// Where plotly.js goes in what nnb writes: one loader per executed notebook (in its first chart output, packed or
/// loading the one shared file of its output folder), one copy per HTML page or one shared file per HTML site. The
/// library and its loaders come from <see cref="PlotlyHtml"/>, the one place that loads plotly.js.
/// </summary>
public static partial class PlotlyJs
{
    /// <summary>The text of plotly.min.js, safe to place inside a &lt;script&gt; element.</summary>
    public static string Script => InlineScript.Value;

    private static readonly Lazy<string> InlineScript = new(() => HtmlText.EscapeScript(PlotlyHtml.PlotlyJs));

    /// <summary>Whether an HTML output draws a plotly chart (and so needs plotly.js on the page).</summary>
    public static bool IsNeededBy(string html) =>
        html.Contains("Plotly.newPlot", StringComparison.Ordinal) || html.Contains("Plotly.react", StringComparison.Ordinal);

    /// <summary>Removes <c>&lt;script src=...plotly...js&gt;&lt;/script&gt;</c> tags that load plotly.js from the
    /// internet; the page carries its own copy.</summary>
    public static string RemoveRemotePlotlyScripts(string html) => RemotePlotlyScript().Replace(html, "");

    /// <summary>
    /// Removes script elements that bring the plotly.js library: NotebookNN's loader (marked with
    /// <see cref="PlotlyHtml.LoaderAttribute"/>) and the inline copies of older outputs (they carry plotly.js's licence
    /// header). Chart-drawing scripts stay.
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
            var tagEnd = html.IndexOf('>', start);
            var isLoader = html.IndexOf(PlotlyHtml.LoaderAttribute, start, tagEnd - start, StringComparison.Ordinal) >= 0
                           || html.IndexOf(LibraryHeader, start, end - start, StringComparison.Ordinal) >= 0;
            if (!isLoader)
                result.Append(html, start, end - start);
            position = end;
        }
        result.Append(html, position, html.Length - position);
        return result.ToString();
    }

    /// <summary>
    /// Gives an executed notebook exactly one plotly.js loader, in its first chart output (in cell order), and none
    /// elsewhere: a chart drawn later in the notebook waits for the <c>window.Plotly</c> the first one defines. The
    /// engine's own choice (one loader per process, and a worker process runs many notebooks) does not matter.
    /// Returns the number of chart outputs.
    /// </summary>
    /// <param name="loader">The loader to keep: the packed library, or the loader of the shared file, which the
    /// caller must write beside the notebook (<see cref="WriteSharedFile"/>).</param>
    public static int KeepOneLoader(Notebook notebook, PlotlyLoader loader = PlotlyLoader.Packed)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        // Chosen, not built: the packed loader gzips 3.6 MB of plotly.js (a quarter of a second), which a notebook
        // without charts must not pay.
        Func<string> loaderHtml = loader switch
        {
            PlotlyLoader.Packed => () => PlotlyHtml.LoaderHtml,
            PlotlyLoader.SharedFile => () => PlotlyHtml.FileLoaderHtml,
            _ => throw new ArgumentOutOfRangeException(nameof(loader), loader, "Choose PlotlyLoader.Packed or PlotlyLoader.SharedFile."),
        };
        var charts = 0;
        foreach (var cell in notebook.Cells)
        {
            for (var i = 0; i < cell.Outputs.Count; i++)
            {
                var data = cell.Outputs[i] switch
                {
                    DisplayDataNotebookOutput d => d.Data,
                    ExecuteResultNotebookOutput r => r.Data,
                    _ => null,
                };
                if (data is null || !data.TryGetValue("text/html", out var html) || !IsNeededBy(html)) continue;
                var stripped = RemoveEmbeddedCopies(html);
                data["text/html"] = charts++ == 0 ? WithLoader(stripped, loaderHtml()) : stripped;
            }
        }
        return charts;
    }

    /// <summary>The chart with the loader where <see cref="PlotlyHtml.ChartHtml"/> puts it (before the drawing script),
    /// so the first chart of an executed copy reads the same as the kernel's; other chart HTML gets it in front.</summary>
    private static string WithLoader(string chart, string loader)
    {
        var drawing = chart.IndexOf("<script type=\"text/javascript\" " + PlotlyHtml.ChartAttribute, StringComparison.Ordinal);
        return drawing < 0 ? loader + chart : chart.Insert(drawing, loader);
    }

    /// <summary>
    /// Makes <paramref name="directory"/> hold the shared <see cref="PlotlyHtml.PlotlyJsFileName"/> (created when
    /// missing) and returns its path. A file that already holds plotly.js is left alone; otherwise it is written
    /// through a uniquely named temporary file and a rename, so notebooks finishing at once in several worker
    /// processes or shards, writing the same bytes, never leave a half-written file for a reader.
    /// </summary>
    public static string WriteSharedFile(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var path = Path.Combine(Path.GetFullPath(directory), PlotlyHtml.PlotlyJsFileName);
        if (!HoldsPlotlyJs(path))
            NotebookFile.WriteAtomically(path, PlotlyHtml.PlotlyJs);
        return path;
    }

    private static bool HoldsPlotlyJs(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists || file.Length != LibraryBytes.Value.Length) return false;
        return File.ReadAllBytes(path).AsSpan().SequenceEqual(LibraryBytes.Value);
    }

    private static readonly Lazy<byte[]> LibraryBytes = new(() => System.Text.Encoding.UTF8.GetBytes(PlotlyHtml.PlotlyJs));

    /// <summary>The start of plotly.min.js's licence comment, e.g. <c>* plotly.js v2.28.0</c>.</summary>
    private const string LibraryHeader = "* plotly.js v";

    [GeneratedRegex("""<script[^>]*\ssrc\s*=\s*["']https?://[^"']*plotly[^"']*\.js["'][^>]*>\s*</script>""", RegexOptions.IgnoreCase)]
    private static partial Regex RemotePlotlyScript();
}
