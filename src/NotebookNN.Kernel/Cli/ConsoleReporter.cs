using System.Collections.Concurrent;
using System.Globalization;
using NotebookNN.Kernel.Runner;
using Spectre.Console;

namespace NotebookNN.Kernel.Cli;

/// <summary>
/// Shows a run on the console: a live progress display (one bar per notebook, cells done) on a terminal, one line
/// per started and finished notebook elsewhere (CI logs), and the closing summary table.
/// </summary>
public sealed class ConsoleReporter(IAnsiConsole console) : IRunObserver
{
    private readonly ConcurrentDictionary<NotebookJob, ProgressTask> _tasks = new();
    private ProgressContext? _context;

    /// <summary>Runs <paramref name="run"/> under the live display when the console is interactive.</summary>
    public async Task<T> ShowAsync<T>(Func<Task<T>> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (!console.Profile.Capabilities.Interactive) return await run().ConfigureAwait(false);
        return await console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                _context = context;
                try
                {
                    return await run().ConfigureAwait(false);
                }
                finally
                {
                    _context = null;
                }
            }).ConfigureAwait(false);
    }

    public void Started(NotebookJob job)
    {
        if (_context is { } context)
            _tasks[job] = context.AddTask(Markup.Escape(job.DisplayName), autoStart: true, maxValue: 1);
        else
            console.MarkupLine($"[grey]▶[/] {Markup.Escape(job.DisplayName)}");
    }

    public void Progress(NotebookJob job, CellProgress progress)
    {
        if (!_tasks.TryGetValue(job, out var task)) return;
        task.MaxValue = Math.Max(1, progress.CodeCells);
        task.Value = progress.CellsDone;
        task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{job.DisplayName} ({progress.CellsDone}/{progress.CodeCells} cells)"));
    }

    public void Finished(NotebookJobResult result)
    {
        var line = $"{Mark(result.Status)} {Markup.Escape(result.Job.DisplayName)} [grey]{Markup.Escape(Counts(result))}[/]";
        if (_tasks.TryGetValue(result.Job, out var task))
        {
            task.Value = task.MaxValue;
            task.Description = line;
            task.StopTask();
        }
        else
        {
            console.MarkupLine(result.Message is null ? line : $"{line} {Markup.Escape(result.Message)}");
        }
    }

    /// <summary>The closing table (notebook, cells, seconds, status), then each failure with where its copy went.</summary>
    public void Summary(IReadOnlyList<NotebookJobResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var table = new Table().Title("nnb run").AddColumn("Notebook").AddColumn(new TableColumn("Cells").RightAligned())
            .AddColumn(new TableColumn("Seconds").RightAligned()).AddColumn("Status");
        foreach (var result in results)
        {
            table.AddRow(
                Markup.Escape(result.Job.DisplayName),
                string.Create(CultureInfo.InvariantCulture, $"{result.CellsRun}/{result.CodeCells}"),
                result.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture),
                result.Status == NotebookRunStatus.Passed ? "[green]passed[/]" : "[red]failed[/]");
        }
        console.Write(table);

        foreach (var result in results.Where(r => r.Status == NotebookRunStatus.Failed))
        {
            console.MarkupLine($"[red]✘ {Markup.Escape(result.Job.DisplayName)}[/]: {Markup.Escape(result.Message ?? "failed")}");
            if (result.SavedPath is not null)
                console.MarkupLine($"  executed copy with the error: {Markup.Escape(result.SavedPath)}");
        }
        var passed = results.Count(r => r.Status == NotebookRunStatus.Passed);
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"{(passed == results.Count ? "[green]" : "[red]")}{passed} of {results.Count} notebooks passed[/]"));
    }

    private static string Mark(NotebookRunStatus status) => status == NotebookRunStatus.Passed ? "[green]✔[/]" : "[red]✘[/]";

    private static string Counts(NotebookJobResult result) => string.Create(CultureInfo.InvariantCulture,
        $"({result.CellsRun}/{result.CodeCells} cells, {result.Elapsed.TotalSeconds:0.0} s)");
}
