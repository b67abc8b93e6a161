using System.Text;
using System.Text.Json.Nodes;
using Plotly.NET;

namespace NotebookNN.Interactive.Plots;

/// <summary>When chart HTML carries the plotly.js library.</summary>
public enum PlotlyJsInclusion
{
    /// <summary>Every chart output carries plotly.js (about 3.5 MB), guarded so it runs once per page: each output
    /// works on its own, offline, even when earlier outputs were cleared. The default.</summary>
    EveryOutput,
    /// <summary>Only the first chart of this process carries plotly.js; later charts wait for it. Smaller notebooks,
    /// but a later chart stays blank if the first chart's output is removed.</summary>
    FirstOutputOnly,
}

/// <summary>
/// The formatter for Plotly.NET's <see cref="GenericChart"/> (Plotly.NET.Interactive is not used): HTML that draws
/// offline with the plotly.js 2.28 embedded in Plotly.NET's assembly, and the <c>application/vnd.plotly.v1+json</c>
/// figure for front ends that render Plotly natively.
/// </summary>
public static class PlotlyHtml
{
    /// <summary>The MIME type of a Plotly figure (data and layout) that JupyterLab and VS Code render natively.</summary>
    public const string PlotlyMimeType = "application/vnd.plotly.v1+json";

    const string ResourceName = "Plotly.NET.plotly-2.28.0.min.js";
    static readonly Lazy<string> _plotlyJs = new(LoadPlotlyJs);
    static int _charts;

    /// <summary>How chart outputs carry plotly.js (default <see cref="PlotlyJsInclusion.EveryOutput"/>).</summary>
    public static PlotlyJsInclusion Inclusion { get; set; } = PlotlyJsInclusion.EveryOutput;

    /// <summary>The plotly.js source embedded in Plotly.NET.</summary>
    public static string PlotlyJs => _plotlyJs.Value;

    /// <summary>The plotly.js version inlined (the one Plotly.NET 6.0.0 embeds).</summary>
    public const string PlotlyJsVersion = "2.28.0";

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

    /// <summary>An HTML fragment that draws the chart with no network access.</summary>
    public static string ToHtml(GenericChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        bool first = Interlocked.Increment(ref _charts) == 1;
        bool inline = Inclusion == PlotlyJsInclusion.EveryOutput || first;
        string id = "nnb-plot-" + Guid.NewGuid().ToString("N");
        string figure = EscapeForScript(ToPlotlyJson(chart));
        var sb = new StringBuilder();
        sb.Append("<div class=\"nnb-out nnb-chart\"><div id=\"").Append(id).Append("\"></div>");
        if (inline)
        {
            // The library is wrapped so that an AMD loader on the page (classic Jupyter's require.js) does not capture
            // it: with define/module/exports hidden, plotly.js's UMD header sets window.Plotly. The guard keeps a page
            // with many charts from evaluating the library more than once.
            sb.Append("<script type=\"text/javascript\">if (typeof window.Plotly === 'undefined') { (function(define, module, exports) {\n")
              .Append(EscapeForScript(PlotlyJs))
              .Append("\n}).call(window, undefined, undefined, undefined); }</script>");
        }
        sb.Append("<script type=\"text/javascript\">(function() {\n")
          .Append("  var figure = ").Append(figure).Append(";\n")
          .Append("  function draw() { window.Plotly.newPlot('").Append(id).Append("', figure.data, figure.layout, {responsive: true}); }\n")
          .Append("  if (window.Plotly) { draw(); } else { var tries = 0; var timer = setInterval(function() {\n")
          .Append("    if (window.Plotly) { clearInterval(timer); draw(); } else if (++tries > 100) { clearInterval(timer);\n")
          .Append("      document.getElementById('").Append(id).Append("').textContent = 'plotly.js is not loaded: re-run the first chart cell, or set PlotlyHtml.Inclusion = PlotlyJsInclusion.EveryOutput.'; } }, 100); }\n")
          .Append("})();</script></div>");
        return sb.ToString();
    }

    /// <summary>Keeps text from closing the surrounding script element.</summary>
    static string EscapeForScript(string text) =>
        text.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase).Replace("<!--", "<\\!--", StringComparison.Ordinal);

    static string LoadPlotlyJs()
    {
        var assembly = typeof(GenericChart).Assembly;
        using var stream = assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Plotly.NET ({assembly.GetName().Version}) does not embed {ResourceName}; NotebookNN.Interactive needs Plotly.NET 6.0.0.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
