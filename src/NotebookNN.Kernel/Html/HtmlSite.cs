using System.Globalization;
using System.Text;
using NotebookNN.Interactive;
using NotebookNN.Interactive.Plots;
using NotebookNN.Kernel.Notebooks;
using NotebookNN.Extensibility;

namespace NotebookNN.Kernel.Html;

/// <summary>One notebook on the site.</summary>
/// <param name="Name">The notebook's name as the run showed it (a path relative to what was given).</param>
public sealed record SiteEntry(string Name, Notebook Executed, PageRunInfo Run);

/// <summary>Writes the HTML site of a run: a page per executed notebook, an <c>index.html</c> that lists them, and one
/// shared copy of plotly.js (<see cref="PlotlyHtml.PlotlyJsFileName"/>) that the pages with charts load.</summary>
public static class HtmlSite
{
    public const string IndexFileName = "index.html";

    /// <summary>The page file name for a notebook name: its path with separators turned into dashes, .html.</summary>
    public static string PageFileName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var flat = name.Replace('/', '-').Replace('\\', '-');
        return Path.ChangeExtension(flat, ".html");
    }

    /// <summary>Writes the pages and the index into <paramref name="directory"/> (created when missing); returns the index path.</summary>
    public static string Write(string directory, IReadOnlyList<SiteEntry> entries)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(entries);
        Directory.CreateDirectory(directory);
        var anyCharts = false;
        foreach (var entry in entries)
        {
            var title = NotebookHtml.TitleOf(entry.Executed, entry.Name);
            var page = NotebookHtml.RenderPage(entry.Executed, title, entry.Run, plotlyJsHref: PlotlyHtml.PlotlyJsFileName);
            anyCharts |= page.Contains(PlotlyHtml.PlotlyJsFileName, StringComparison.Ordinal);
            NotebookFile.WriteAtomically(Path.Combine(directory, PageFileName(entry.Name)), page);
        }
        var library = Path.Combine(directory, PlotlyHtml.PlotlyJsFileName);
        if (anyCharts)
            PlotlyJs.WriteSharedFile(directory);
        else if (File.Exists(library))
            File.Delete(library);
        var index = Path.Combine(directory, IndexFileName);
        NotebookFile.WriteAtomically(index, RenderIndex(entries));
        return index;
    }

    /// <summary>The index page: one row per notebook with its title, status, cells and time.</summary>
    public static string RenderIndex(IReadOnlyList<SiteEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var rows = new StringBuilder();
        foreach (var entry in entries)
        {
            var title = NotebookHtml.TitleOf(entry.Executed, entry.Name);
            rows.Append("<tr><td><a href=\"").Append(HtmlText.Escape(PageFileName(entry.Name))).Append("\">")
                .Append(HtmlText.Escape(entry.Name)).Append("</a></td><td>").Append(HtmlText.Escape(title))
                .Append("</td><td class=\"run ").Append(HtmlText.Escape(entry.Run.Status)).Append("\">")
                .Append(HtmlText.Escape(entry.Run.Status)).Append("</td><td>")
                .Append(entry.Run.CellsRun.ToString(CultureInfo.InvariantCulture)).Append('/')
                .Append(entry.Run.CodeCells.ToString(CultureInfo.InvariantCulture)).Append("</td><td>")
                .Append(entry.Run.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)).Append("</td></tr>\n");
        }
        var passed = entries.Count(e => e.Run.Status == "passed");
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n" +
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n" +
               "<title>NotebookNN notebooks</title>\n<style>" + NotebookHtml.Style + "</style>\n</head>\n<body>\n" +
               "<header><h1 class=\"page-title\">NotebookNN notebooks</h1><p class=\"run\">" +
               string.Create(CultureInfo.InvariantCulture, $"{passed} of {entries.Count} passed") + "</p></header>\n<main>\n" +
               "<table>\n<thead><tr><th>Notebook</th><th>Title</th><th>Status</th><th>Cells</th><th>Seconds</th></tr></thead>\n<tbody>\n" +
               rows + "</tbody>\n</table>\n</main>\n</body>\n</html>\n";
    }
}
