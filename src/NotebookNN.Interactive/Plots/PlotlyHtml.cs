using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Plotly.NET;
using NotebookNN.Extensibility;

namespace NotebookNN.Interactive.Plots;

/// <summary>When chart HTML carries the plotly.js loader.</summary>
public enum PlotlyJsInclusion
{
    /// <summary>Only the first chart of the session (this process: one kernel session) carries the loader; later charts
    /// wait for the <c>window.Plotly</c> it defines. The default: a notebook holds one copy of plotly.js.</summary>
    FirstOutputOnly,
    /// <summary>Every chart output carries the loader (about 1.5 MB each), guarded so it runs once per page: each output
    /// works on its own, even when the first chart's output was cleared.</summary>
    EveryOutput,
}

/// <summary>
/// The formatter for Plotly.NET's <see cref="GenericChart"/> (Plotly.NET.Interactive is not used): HTML that draws
/// offline with the plotly.js 2.28 embedded in Plotly.NET's assembly, and the <c>application/vnd.plotly.v1+json</c>
/// figure for front ends that render Plotly natively (VS Code, JupyterLab's plotly renderer). This is the one place
/// that loads plotly.js: the kernel's pages and the runner take the library and its loaders from here.
/// </summary>
public static class PlotlyHtml
{
    /// <summary>The MIME type of a Plotly figure (data and layout) that JupyterLab and VS Code render natively.</summary>
    public const string PlotlyMimeType = "application/vnd.plotly.v1+json";

    /// <summary>The plotly.js version inlined (the one Plotly.NET 6.0.0 embeds).</summary>
    public const string PlotlyJsVersion = "2.28.0";

    /// <summary>The file name of a shared copy of plotly.js (an HTML site holds one beside its pages).</summary>
    public const string PlotlyJsFileName = "plotly-" + PlotlyJsVersion + ".min.js";

    /// <summary>The attribute that marks the loader's script element, so a notebook's outputs can be given exactly one.</summary>
    public const string LoaderAttribute = "data-nnb-plotly-loader";

    /// <summary>The attribute that marks a chart's drawing script.</summary>
    public const string ChartAttribute = "data-nnb-plotly-chart";

    /// <summary>What a chart says when the file loader (<see cref="FileLoaderHtml"/>) cannot load
    /// <see cref="PlotlyJsFileName"/>.</summary>
    public const string FileNotFoundMessage =
        "plotly.js was not found beside this notebook: keep the " + PlotlyJsFileName + " that `nnb run` writes into its " +
        "output folder next to the notebook, or run the notebook again with `nnb run`.";

    /// <summary>What a chart says when the packed loader cannot unpack plotly.js.</summary>
    public const string NoDecompressionMessage =
        "plotly.js could not be unpacked: this browser lacks DecompressionStream; open the notebook in Chrome 80, " +
        "Firefox 113, Safari 16.4 or later.";

    /// <summary>What a chart says when no loader defined <c>window.Plotly</c> within 30 seconds.</summary>
    public const string NotLoadedMessage =
        "plotly.js is not loaded: the first chart output of the notebook (or kernel session) brings it. Restart the " +
        "kernel and run the notebook again, or set PlotlyHtml.Inclusion = PlotlyJsInclusion.EveryOutput.";

    // The require.js module name the file loader gives plotly.js: its own, so it meets no path the page configured.
    const string RequireModule = "nnb-plotly-" + PlotlyJsVersion;
    const string ResourceName = "Plotly.NET." + PlotlyJsFileName;
    static readonly Lazy<string> _plotlyJs = new(LoadPlotlyJs);
    static readonly Lazy<string> _loader = new(BuildLoader);
    static readonly Lazy<string> _fileLoader = new(BuildFileLoader);
    static int _charts;

    /// <summary>How chart outputs carry plotly.js (default <see cref="PlotlyJsInclusion.FirstOutputOnly"/>).</summary>
    public static PlotlyJsInclusion Inclusion { get; set; } = PlotlyJsInclusion.FirstOutputOnly;

    /// <summary>The plotly.js source embedded in Plotly.NET (about 3.6 MB).</summary>
    public static string PlotlyJs => _plotlyJs.Value;

    /// <summary>
    /// The script element that defines <c>window.Plotly</c> once per page: plotly.js gzip-compressed and base64-encoded
    /// (about 1.5 MB instead of 3.6 MB), unpacked by the browser's <c>DecompressionStream</c> and run with AMD and
    /// CommonJS hidden, so classic Jupyter's require.js does not capture it. A page that has plotly.js already, or
    /// is unpacking it, skips it.
    /// </summary>
    public static string LoaderHtml => _loader.Value;

    /// <summary>
    /// The small script element (marked like <see cref="LoaderHtml"/>) that defines <c>window.Plotly</c> once per page
    /// from the file <see cref="PlotlyJsFileName"/> beside the page or notebook, for executed copies that
    /// <c>nnb run</c> writes into an output folder together with that file. Under classic Jupyter's require.js
    /// (Notebook 6), which would capture plotly.js's UMD <c>define</c>, it loads the file as a require.js module by
    /// its absolute URL (Notebook 6 answers <c>/notebooks/dir/file.js</c> with a redirect to <c>/files/dir/file.js</c>);
    /// elsewhere with a script element. When the file cannot be loaded, the charts say so
    /// (<see cref="FileNotFoundMessage"/>) at once instead of waiting.
    /// </summary>
    public static string FileLoaderHtml => _fileLoader.Value;

    /// <summary>The figure as Plotly JSON: <c>{"data": [...], "layout": {...}}</c>.</summary>
    public static string ToPlotlyJson(GenericChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var figure = JsonNode.Parse(GenericChart.toFigureJson(chart))!.AsObject();
        var result = new JsonObject
        {
            ["data"] = figure["data"]?.DeepClone() ?? new JsonArray(),
            ["layout"] = figure["layout"]?.DeepClone() ?? new JsonObject(),
        };
        return result.ToJsonString();
    }

    /// <summary>An HTML fragment that draws the chart with no network access; the session's first chart carries the
    /// loader (see <see cref="Inclusion"/>).</summary>
    public static string ToHtml(GenericChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        bool first = Interlocked.Increment(ref _charts) == 1;
        return ChartHtml(ToPlotlyJson(chart), includeLoader: Inclusion == PlotlyJsInclusion.EveryOutput || first);
    }

    /// <summary>Starts a new session: the next chart carries the loader again.</summary>
    internal static void ResetSession() => Interlocked.Exchange(ref _charts, 0);

    /// <summary>The HTML of a chart for a Plotly figure (<c>{"data": [...], "layout": {...}}</c>).</summary>
    public static string ChartHtml(string figureJson, bool includeLoader)
    {
        ArgumentNullException.ThrowIfNull(figureJson);
        string id = "nnb-plot-" + Guid.NewGuid().ToString("N");
        var sb = new StringBuilder();
        sb.Append("<div class=\"nnb-out nnb-chart\"><div id=\"").Append(id).Append("\"></div>");
        if (includeLoader) sb.Append(LoaderHtml);
        // The chart waits for window.Plotly: the loader may sit in an earlier output, or still be unpacking.
        sb.Append("<script type=\"text/javascript\" ").Append(ChartAttribute).Append(">(function() {\n")
          .Append("  var figure = ").Append(HtmlText.EscapeScript(figureJson)).Append(";\n")
          .Append("  var tries = 0;\n")
          .Append("  (function draw() {\n")
          .Append("    if (window.Plotly) { window.Plotly.newPlot('").Append(id).Append("', figure.data, figure.layout, {responsive: true}); }\n")
          // A loader that failed says why (window.nnbPlotlyError); otherwise the chart waits up to 30 s.
          .Append("    else if (window.nnbPlotlyError) { document.getElementById('").Append(id).Append("').textContent = window.nnbPlotlyError; }\n")
          .Append("    else if (++tries <= 600) { setTimeout(draw, 50); }\n")
          .Append("    else { document.getElementById('").Append(id).Append("').textContent = ").Append(JsString(NotLoadedMessage)).Append("; }\n")
          .Append("  })();\n")
          .Append("})();</script></div>");
        return sb.ToString();
    }

    static string BuildLoader()
    {
        var library = Encoding.UTF8.GetBytes(PlotlyJs);
        using var packed = new MemoryStream();
        using (var gzip = new GZipStream(packed, CompressionLevel.SmallestSize, leaveOpen: true))
            gzip.Write(library);
        string base64 = Convert.ToBase64String(packed.GetBuffer(), 0, (int)packed.Length);
        // The unpacked text runs as a script element (not eval), so a page that allows inline scripts runs it.
        return "<script type=\"text/javascript\" " + LoaderAttribute + "=\"" + PlotlyJsVersion + "\">(function() {\n" +
               "  if (window.Plotly || window.nnbPlotlyLoading) return;\n" +
               "  if (typeof DecompressionStream === 'undefined') { window.nnbPlotlyError = " + JsString(NoDecompressionMessage) + "; return; }\n" +
               // A file loader that failed earlier on the page (an opened executed copy) no longer speaks for the charts.
               "  window.nnbPlotlyError = undefined;\n" +
               "  var packed = atob('" + base64 + "');\n" +
               "  var bytes = new Uint8Array(packed.length);\n" +
               "  for (var i = 0; i < packed.length; i++) bytes[i] = packed.charCodeAt(i);\n" +
               "  window.nnbPlotlyLoading = new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text().then(function(text) {\n" +
               "    if (window.Plotly) return;\n" +
               "    var script = document.createElement('script');\n" +
               "    script.text = '(function(define, module, exports) {\\n' + text + '\\n}).call(window, undefined, undefined, undefined);';\n" +
               "    document.head.appendChild(script);\n" +
               "  });\n" +
               "})();</script>";
    }

    static string BuildFileLoader() =>
        "<script type=\"text/javascript\" " + LoaderAttribute + "=\"" + PlotlyJsVersion + "\">(function() {\n" +
        "  if (window.Plotly || window.nnbPlotlyLoading) return;\n" +
        "  var url = new URL(" + JsString(PlotlyJsFileName) + ", document.baseURI).href;\n" +
        "  var missing = function() {\n" +
        "    if (window.Plotly) return;\n" +
        "    console.error('plotly.js: could not load ' + url);\n" +
        // A live kernel's first chart, carrying the packed library, may still bring it.
        "    window.nnbPlotlyLoading = false;\n" +
        "    window.nnbPlotlyError = " + JsString(FileNotFoundMessage) + ";\n" +
        "  };\n" +
        "  window.nnbPlotlyLoading = true;\n" +
        "  if (typeof window.require === 'function' && typeof window.define === 'function' && window.define.amd) {\n" +
        "    var paths = {};\n" +
        "    paths[" + JsString(RequireModule) + "] = url.replace(/\\.js$/, '');\n" +
        "    window.require.config({paths: paths});\n" +
        "    window.require([" + JsString(RequireModule) + "], function(plotly) { window.Plotly = window.Plotly || plotly; }, missing);\n" +
        "  } else {\n" +
        "    var script = document.createElement('script');\n" +
        "    script.src = url;\n" +
        // A server may answer with a page instead of the file (a single-page app's route): loaded, yet no Plotly.
        "    script.onload = function() { if (!window.Plotly) missing(); };\n" +
        "    script.onerror = missing;\n" +
        "    document.head.appendChild(script);\n" +
        "  }\n" +
        "})();</script>";

    /// <summary>A JavaScript string literal of <paramref name="text"/> (JSON's quoting, safe inside a script element).</summary>
    static string JsString(string text) => HtmlText.EscapeScript(System.Text.Json.JsonSerializer.Serialize(text));

    static string LoadPlotlyJs()
    {
        var assembly = typeof(GenericChart).Assembly;
        using var stream = assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Plotly.NET ({assembly.GetName().Version}) does not embed {ResourceName}; NotebookNN.Interactive needs Plotly.NET 6.0.0.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
