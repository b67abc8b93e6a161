using System.CommandLine;
using NotebookNN.Kernel.Html;
using NotebookNN.Kernel.Notebooks;
using NotebookNN.Kernel.Runner;
using Spectre.Console;

namespace NotebookNN.Kernel.Cli;

/// <summary>
/// <c>nnb site &lt;executed notebooks or folders&gt; --html DIR</c>: the HTML site of executed copies that already exist,
/// e.g. those of several <c>nnb run --shard</c> runs put together. Each page's status, cells and time come from the
/// run record the copy carries (<see cref="RunRecord"/>).
/// </summary>
public static class SiteCommand
{
    public static Command Create(NnbConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        var paths = new Argument<string[]>("notebooks")
        {
            Description = "Executed notebooks (.ipynb) or folders of them.",
            Arity = ArgumentArity.OneOrMore,
        };
        var html = new Option<string>("--html")
        {
            Description = "Write an HTML page per notebook, an index.html and the shared plotly.js here.",
            HelpName = "DIR",
            Required = true,
        };
        var command = new Command("site", "Write the HTML site of executed notebooks (for example the copies of several shards).") { paths, html };
        command.SetAction(parse =>
        {
            try
            {
                var entries = Entries(parse.GetValue(paths) ?? []);
                var index = HtmlSite.Write(parse.GetValue(html)!, entries);
                console.Out.MarkupLine(Markup.Escape($"HTML pages: {entries.Count} notebooks, {Path.GetFullPath(index)}"));
                return entries.All(e => e.Run.Status == "passed") ? RunCommand.ExitPassed : RunCommand.ExitFailed;
            }
            catch (Exception e) when (e is UsageException or NotebookFormatException)
            {
                console.Error.WriteLine($"nnb site: {e.Message}");
                return RunCommand.ExitUsage;
            }
        });
        return command;
    }

    /// <summary>The site's entries for the executed copies <paramref name="paths"/> name.</summary>
    public static IReadOnlyList<SiteEntry> Entries(IReadOnlyList<string> paths)
    {
        var entries = new List<SiteEntry>();
        foreach (var job in RunPlanner.Plan(paths, outputDirectory: null, inPlace: false))
        {
            var notebook = NotebookFile.Load(job.InputPath);
            entries.Add(new SiteEntry(job.DisplayName, notebook, RunInfo(notebook)));
        }
        return entries;
    }

    /// <summary>What the run record says about the run: status, cells that ran, code cells and time.</summary>
    public static PageRunInfo RunInfo(Notebook notebook)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        var codeCells = notebook.Cells.Where(c => c.Kind == CellKind.Code).ToList();
        var record = notebook.Metadata[RunRecord.Key];
        var status = (string?)record?["status"] ?? "not run by nnb";
        var ran = codeCells.Count(c => (string?)c.Metadata[RunRecord.Key]?["status"] is RunRecord.StatusOk or RunRecord.StatusError);
        var seconds = record?["duration"] is { } duration ? (double)duration : 0;
        return new PageRunInfo(status, ran, codeCells.Count, TimeSpan.FromSeconds(seconds));
    }
}
