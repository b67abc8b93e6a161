using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Markdig;
using NotebookNN.Interactive;
using NotebookNN.Interactive.Plots;
using NotebookNN.Kernel.Engine;
using NotebookNN.Kernel.Notebooks;
using NotebookNN.Extensibility;

namespace NotebookNN.Kernel.Html;

/// <summary>What a page says about the run that produced the notebook.</summary>
/// <param name="Status">e.g. <c>passed</c> or <c>failed</c>.</param>
public sealed record PageRunInfo(string Status, int CellsRun, int CodeCells, TimeSpan Elapsed);

/// <summary>
/// Renders an executed notebook as an HTML page: markdown through Markdig, code with its outputs (HTML as is, images
/// inline, text escaped), and plotly.js once when a chart needs it: inlined (a self-contained page) or, on a site,
/// from the site's one shared file. Opens offline.
/// </summary>
public static partial class NotebookHtml
{
    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    // The richest representation the page can show, first.
    private static readonly string[] MimePreference =
    [
        "text/html", "image/svg+xml", "image/png", "image/jpeg", "image/gif", "text/markdown", "text/latex",
        "application/json", "text/plain",
    ];

    /// <summary>The page for <paramref name="notebook"/>; <paramref name="indexHref"/> links back to the index (null: no link).
    /// <paramref name="plotlyJsHref"/> is where a page with charts loads plotly.js from (a file beside it, e.g.
    /// <see cref="PlotlyHtml.PlotlyJsFileName"/>); null inlines the library so the page stands alone.</summary>
    public static string RenderPage(Notebook notebook, string title, PageRunInfo? run, string? indexHref = "index.html", string? plotlyJsHref = null)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        ArgumentNullException.ThrowIfNull(title);
        var body = new StringBuilder();
        var needsPlotly = false;
        foreach (var cell in notebook.Cells)
        {
            switch (cell.Kind)
            {
                case CellKind.Markdown:
                    body.Append("<div class=\"cell markdown\">").Append(RenderMarkdown(cell.Source, cell.Attachments)).Append("</div>\n");
                    break;
                case CellKind.Raw:
                    body.Append("<div class=\"cell raw\"><pre>").Append(HtmlText.Escape(cell.Source)).Append("</pre></div>\n");
                    break;
                default:
                    body.Append(RenderCodeCell(notebook, cell, ref needsPlotly));
                    break;
            }
        }

        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(HtmlText.Escape(title)).Append("</title>\n<style>").Append(Style).Append("</style>\n");
        if (needsPlotly && plotlyJsHref is not null)
            page.Append("<script type=\"text/javascript\" src=\"").Append(HtmlText.Escape(plotlyJsHref)).Append("\"></script>\n");
        else if (needsPlotly)
            page.Append("<script type=\"text/javascript\">").Append(PlotlyJs.Script).Append("</script>\n");
        page.Append("</head>\n<body>\n");
        if (indexHref is not null)
            page.Append("<nav><a href=\"").Append(HtmlText.Escape(indexHref)).Append("\">&larr; all notebooks</a></nav>\n");
        page.Append("<header><h1 class=\"page-title\">").Append(HtmlText.Escape(title)).Append("</h1>");
        if (run is not null) page.Append("<p class=\"run ").Append(HtmlText.Escape(run.Status)).Append("\">").Append(HtmlText.Escape(Describe(run))).Append("</p>");
        page.Append("</header>\n<main>\n").Append(body).Append("</main>\n</body>\n</html>\n");
        return page.ToString();
    }

    /// <summary>e.g. <c>passed · 7/7 cells · 3.2 s</c>.</summary>
    public static string Describe(PageRunInfo run) =>
        string.Create(CultureInfo.InvariantCulture, $"{run.Status} · {run.CellsRun}/{run.CodeCells} cells · {run.Elapsed.TotalSeconds:0.0} s");

    /// <summary>The notebook's title: its first markdown heading, else <paramref name="fallback"/>.</summary>
    public static string TitleOf(Notebook notebook, string fallback)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        foreach (var cell in notebook.Cells.Where(c => c.Kind == CellKind.Markdown))
        {
            var heading = cell.Source.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith('#'));
            if (heading is not null) return heading.TrimStart('#').Trim();
        }
        return fallback;
    }

    /// <summary>Markdown as HTML (Markdig's advanced extensions; <c>attachment:</c> images inlined).</summary>
    public static string RenderMarkdown(string markdown, JsonObject? attachments = null)
    {
        var html = Markdig.Markdown.ToHtml(markdown, Markdown);
        if (attachments is null) return html;
        return AttachmentReference().Replace(html, match =>
        {
            var name = System.Net.WebUtility.HtmlDecode(match.Groups["name"].Value);
            if (attachments[name] is not JsonObject bundle) return match.Value;
            var (mime, data) = bundle.Select(p => (p.Key, Text: p.Value is JsonValue v && v.TryGetValue(out string? s) ? s : null))
                .FirstOrDefault(p => p.Key.StartsWith("image/", StringComparison.Ordinal) && p.Text is not null);
            return data is null ? match.Value : $"src=\"data:{mime};base64,{WhitespaceFree(data)}\"";
        });
    }

    private static string RenderCodeCell(Notebook notebook, NotebookCell cell, ref bool needsPlotly)
    {
        var html = new StringBuilder("<div class=\"cell code\">");
        var prompt = cell.ExecutionCount?.ToString(CultureInfo.InvariantCulture) ?? " ";
        var language = notebook.LanguageOf(cell);
        html.Append("<div class=\"input\"><span class=\"prompt\">In [").Append(prompt).Append("]:</span>")
            .Append("<pre class=\"source\"><code class=\"language-").Append(HtmlText.Escape(language)).Append("\">")
            .Append(HtmlText.Escape(cell.Source)).Append("</code></pre></div>");
        if (cell.Outputs.Count > 0)
        {
            html.Append("<div class=\"outputs\">");
            foreach (var output in cell.Outputs) html.Append(RenderOutput(output, ref needsPlotly));
            html.Append("</div>");
        }
        return html.Append("</div>\n").ToString();
    }

    /// <summary>One output as HTML. Sets <paramref name="needsPlotly"/> when it draws a plotly chart.</summary>
    public static string RenderOutput(NotebookOutput output, ref bool needsPlotly) => output switch
    {
        StreamNotebookOutput s => $"<pre class=\"output stream {HtmlText.Escape(s.Name)}\">{HtmlText.Escape(s.Text)}</pre>",
        DisplayDataNotebookOutput d => $"<div class=\"output display\">{RenderData(d.Data, ref needsPlotly)}</div>",
        ExecuteResultNotebookOutput r => $"<div class=\"output result\">{RenderData(r.Data, ref needsPlotly)}</div>",
        ErrorNotebookOutput e => $"<pre class=\"output error\">{AnsiToHtml(ErrorText(e))}</pre>",
        _ => "",
    };

    private static string RenderData(MimeBundle data, ref bool needsPlotly)
    {
        var mime = MimePreference.FirstOrDefault(data.ContainsKey) ?? data.Keys.FirstOrDefault();
        if (mime is null) return "";
        var value = data[mime];
        switch (mime)
        {
            case "text/html":
                if (PlotlyJs.IsNeededBy(value))
                {
                    needsPlotly = true;
                    value = PlotlyJs.RemoveEmbeddedCopies(PlotlyJs.RemoveRemotePlotlyScripts(value));
                }
                return value;
            case "image/svg+xml":
                return value;
            case "image/png" or "image/jpeg" or "image/gif":
                return $"<img src=\"data:{mime};base64,{WhitespaceFree(value)}\" alt=\"{mime} output\">";
            case "text/markdown":
                return RenderMarkdown(value);
            case "application/json":
                return $"<pre class=\"json\">{HtmlText.Escape(PrettyJson(value))}</pre>";
            default:
                return $"<pre>{HtmlText.Escape(value)}</pre>";
        }
    }

    private static string ErrorText(ErrorNotebookOutput error) =>
        error.Traceback.Count > 0 ? string.Join("\n", error.Traceback) : $"{error.EName}: {error.EValue}";

    /// <summary>The classic terminal palette of Jupyter's own stylesheet, by SGR foreground code.</summary>
    private static readonly Dictionary<int, string> AnsiColours = new()
    {
        [30] = "#3e424d", [31] = "#e75c58", [32] = "#00a250", [33] = "#ddb62b",
        [34] = "#208ffb", [35] = "#d160c4", [36] = "#60c6c8", [37] = "#c5c1b4",
    };

    /// <summary>Text with ANSI colour codes (a traceback), escaped, its colours as spans as Jupyter shows them.</summary>
    public static string AnsiToHtml(string text)
    {
        var html = new StringBuilder(text.Length + 64);
        foreach (var segment in AnsiText.Segments(text))
        {
            if (segment.Colour is null && !segment.Bold)
            {
                html.Append(HtmlText.Escape(segment.Text));
                continue;
            }
            html.Append("<span style=\"");
            if (segment.Colour is { } colour)
                html.Append("color:").Append(AnsiColours[colour]).Append(';');
            if (segment.Bold)
                html.Append("font-weight:bold;");
            html.Append("\">").Append(HtmlText.Escape(segment.Text)).Append("</span>");
        }
        return html.ToString();
    }

    private static string PrettyJson(string json)
    {
        try
        {
            return JsonNode.Parse(json)?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? json;
        }
        catch (JsonException)
        {
            return json;
        }
    }

    private static string WhitespaceFree(string base64) => Whitespace().Replace(base64, "");

    [GeneratedRegex("src=\"attachment:(?<name>[^\"]+)\"")]
    private static partial Regex AttachmentReference();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    internal const string Style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:72rem;margin:0 auto;padding:1rem 2rem;color:#1f2328;line-height:1.5}
        nav{margin-bottom:1rem}a{color:#0969da}
        header{border-bottom:1px solid #d0d7de;margin-bottom:1rem}
        .run{font-weight:600}.run.passed{color:#1a7f37}.run.failed{color:#cf222e}
        .cell{margin:0.75rem 0}
        .input{display:flex;gap:0.5rem;align-items:flex-start}
        .prompt{color:#57606a;font-family:ui-monospace,monospace;font-size:0.85rem;min-width:4.5rem;padding-top:0.5rem}
        pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:0.85rem;overflow-x:auto;margin:0}
        pre.source{flex:1;background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:0.5rem}
        .outputs{margin-left:5rem;overflow-x:auto}
        .output{margin:0.25rem 0;padding:0.25rem 0.5rem}
        .output.stderr{background:#fff8c5}
        .output.error{background:#ffebe9;color:#24292f;white-space:pre-wrap}
        table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:0.2rem 0.5rem}
        img{max-width:100%}
        """;
}
