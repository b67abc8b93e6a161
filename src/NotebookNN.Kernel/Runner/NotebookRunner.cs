using System.Diagnostics;
using NotebookNN.Kernel.Engine;
using NotebookNN.Kernel.Html;
using NotebookNN.Kernel.Notebooks;

namespace NotebookNN.Kernel.Runner;

/// <summary>How a notebook run ends.</summary>
public enum NotebookRunStatus
{
    Passed,
    Failed,
}

/// <summary>Options for one notebook run.</summary>
public sealed record NotebookRunOptions
{
    /// <summary>The default per-cell timeout of <c>nnb run</c>.</summary>
    public static readonly TimeSpan DefaultCellTimeout = TimeSpan.FromSeconds(300);

    /// <summary>How long one cell may run before it is stopped and the notebook fails.</summary>
    public TimeSpan CellTimeout { get; init; } = DefaultCellTimeout;

    /// <summary>Papermill-style parameters, injected after the cell tagged <c>parameters</c>.</summary>
    public IReadOnlyList<NotebookParameter> Parameters { get; init; } = [];

    /// <summary>Run every cell even after one fails (the notebook still fails); papermill's and nbclient's
    /// <c>--allow-errors</c>. A timeout still ends the run.</summary>
    public bool AllowErrors { get; init; }
}

/// <summary>The cell that failed a notebook.</summary>
/// <param name="CellIndex">Zero-based index in the executed notebook (which includes an injected-parameters cell).</param>
/// <param name="Source">The cell's source.</param>
/// <param name="Error">What went wrong, as saved in the cell's outputs.</param>
public sealed record CellFailure(int CellIndex, string Source, ErrorNotebookOutput Error)
{
    /// <summary>A readable report: the cell, its source and the error with its traceback, as plain text (the
    /// traceback's ANSI colours are for notebook front ends; a JUnit XML file cannot even hold them).</summary>
    public string Describe()
    {
        var traceback = Error.Traceback.Count > 0 ? AnsiText.Strip(string.Join("\n", Error.Traceback)) : $"{Error.EName}: {Error.EValue}";
        return $"Cell {CellIndex} failed: {Error.EName}: {Error.EValue}\n--- source ---\n{Source}\n--- error ---\n{traceback}";
    }
}

/// <summary>What one notebook run produced.</summary>
/// <param name="Executed">The executed copy: inputs plus the outputs of every cell that ran, up to and including a failing one.</param>
/// <param name="CellsRun">Code cells that ran (skipped and empty cells not counted).</param>
/// <param name="CodeCells">Code cells in the executed notebook.</param>
public sealed record NotebookRunResult(
    Notebook Executed, NotebookRunStatus Status, int CellsRun, int CodeCells, TimeSpan Elapsed, CellFailure? Failure);

/// <summary>Progress of a run, reported before each cell starts and once at the end.</summary>
/// <param name="CellsDone">Code cells finished so far.</param>
/// <param name="CodeCells">Code cells in the notebook.</param>
public readonly record struct CellProgress(int CellsDone, int CodeCells);

/// <summary>
/// Runs a notebook top to bottom on one engine session, as papermill and nbclient do: cells tagged
/// <c>skip-execution</c> and empty cells are skipped, a cell tagged <c>raises-exception</c> must fail, and the run
/// stops at the first failing cell with its error saved in the executed copy (with
/// <see cref="NotebookRunOptions.AllowErrors"/>, it goes on and fails at the end).
/// </summary>
public sealed class NotebookRunner
{
    public const string SkipExecutionTag = "skip-execution";
    public const string RaisesExceptionTag = "raises-exception";

    private readonly Func<ICellExecutor> _executorFactory;

    /// <param name="executorFactory">Makes a fresh engine session; called once per notebook.</param>
    public NotebookRunner(Func<ICellExecutor> executorFactory)
    {
        ArgumentNullException.ThrowIfNull(executorFactory);
        _executorFactory = executorFactory;
    }

    /// <summary>Runs a copy of <paramref name="notebook"/>; the notebook passed in is not changed. The executed copy
    /// carries plotly.js once, in its first chart output, and the run record (see <see cref="RunRecord"/>).</summary>
    public async Task<NotebookRunResult> RunAsync(
        Notebook notebook, NotebookRunOptions options, IProgress<CellProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        ArgumentNullException.ThrowIfNull(options);
        if (options.CellTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), "The cell timeout must be positive.");
        var record = new RunRecord(options, DateTimeOffset.UtcNow);
        var result = await RunCellsAsync(notebook, options, record, progress, cancellationToken).ConfigureAwait(false);
        PlotlyJs.KeepOneLoader(result.Executed);
        record.Finish(result, DateTimeOffset.UtcNow);
        return result;
    }

    private async Task<NotebookRunResult> RunCellsAsync(
        Notebook notebook, NotebookRunOptions options, RunRecord record, IProgress<CellProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var executed = notebook.Clone();
        foreach (var cell in executed.Cells.Where(c => c.Kind == CellKind.Code && !c.HasTag(SkipExecutionTag)))
        {
            cell.Outputs.Clear();
            cell.ExecutionCount = null;
        }

        try
        {
            NotebookParameters.Inject(executed, options.Parameters);
        }
        catch (ArgumentException e)
        {
            return Fail(executed, 0, 0, clock, FailAt(executed, executed.Cells.FindIndex(c => c.HasTag(NotebookParameters.ParametersTag)), "ParameterError", e.Message));
        }

        var codeCells = executed.Cells.Count(c => c.Kind == CellKind.Code);
        var declared = executed.DeclaredLanguage;
        if (declared is not null && declared != Notebook.CSharp)
            return Fail(executed, 0, codeCells, clock, FailAt(executed, -1, "UnsupportedLanguage",
                $"The notebook's kernelspec says its language is '{declared}'; nnb runs C# notebooks only."));

        var collector = new NotebookOutputCollector(executed);
        var cellsRun = 0;
        var executionCount = 0;
        CellFailure? firstFailure = null;
        using var executor = _executorFactory();
        for (var index = 0; index < executed.Cells.Count; index++)
        {
            var cell = executed.Cells[index];
            if (cell.Kind != CellKind.Code) continue;
            if (cell.HasTag(SkipExecutionTag)) { RunRecord.Skipped(cell, "tagged " + SkipExecutionTag); continue; }
            if (string.IsNullOrWhiteSpace(cell.Source)) { RunRecord.Skipped(cell, "empty"); continue; }
            var language = executed.LanguageOf(cell);
            if (language == "markdown") { RunRecord.Skipped(cell, "markdown"); continue; }
            if (language != Notebook.CSharp)
            {
                var unsupported = FailAt(executed, index, "UnsupportedLanguage",
                    $"Cell {index} is in language '{language}'; nnb runs C# cells (and shows markdown ones). Rewrite the cell in C# or tag it skip-execution.");
                RunRecord.Errored(cell, DateTimeOffset.UtcNow, TimeSpan.Zero, unsupported.Error.EName, expected: false);
                firstFailure ??= unsupported;
                if (options.AllowErrors) continue;
                return Fail(executed, cellsRun, codeCells, clock, unsupported);
            }

            progress?.Report(new CellProgress(cellsRun, codeCells));
            cell.ExecutionCount = ++executionCount;
            collector.BeginCell(cell, executionCount);
            var cellStart = DateTimeOffset.UtcNow;
            var cellClock = Stopwatch.StartNew();
            CellResult result;
            try
            {
                result = await executor.ExecuteAsync(cell.Source, collector, options.CellTimeout, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                collector.EndCell();
            }
            cellsRun++;

            var failure = Judge(cell, index, result);
            if (result.Status == CellStatus.Ok && failure is null)
                RunRecord.Ran(cell, cellStart, cellClock.Elapsed);
            else
                RunRecord.Errored(cell, cellStart, cellClock.Elapsed, failure?.Error.EName ?? result.Error?.EName ?? result.Status.ToString(), expected: failure is null);
            if (failure is null) continue;
            firstFailure ??= failure;
            // A timeout or an interrupt ends the run even with --allow-errors: the engine session may be stuck.
            if (!options.AllowErrors || result.Status is not (CellStatus.Ok or CellStatus.Error))
                return Fail(executed, cellsRun, codeCells, clock, failure);
        }

        progress?.Report(new CellProgress(cellsRun, codeCells));
        return firstFailure is null
            ? new NotebookRunResult(executed, NotebookRunStatus.Passed, cellsRun, codeCells, clock.Elapsed, null)
            : Fail(executed, cellsRun, codeCells, clock, firstFailure);
    }

    /// <summary>Whether a finished cell fails the notebook, and how.</summary>
    private static CellFailure? Judge(NotebookCell cell, int index, CellResult result)
    {
        var expectsError = cell.HasTag(RaisesExceptionTag);
        switch (result.Status)
        {
            case CellStatus.Ok when expectsError:
                var error = new ErrorNotebookOutput("CellDidNotRaise",
                    $"Cell {index} is tagged {RaisesExceptionTag} but ran without an error.",
                    [$"CellDidNotRaise: cell {index} is tagged {RaisesExceptionTag} but ran without an error; remove the tag or make the cell fail."]);
                cell.Outputs.Add(error);
                return new CellFailure(index, cell.Source, error);
            case CellStatus.Ok:
                return null;
            case CellStatus.Error when expectsError:
                return null;
            default:
                // Timeouts and interrupts fail the notebook even in a raises-exception cell: they are not the
                // exception the author expected.
                var saved = result.Error is null ? null : ToNotebookError(result.Error);
                if (saved is null)
                {
                    saved = new ErrorNotebookOutput(result.Status.ToString(), $"Cell {index} ended with status {result.Status}.", []);
                    cell.Outputs.Add(saved);
                }
                return new CellFailure(index, cell.Source, saved);
        }
    }

    private static ErrorNotebookOutput ToNotebookError(ErrorOutput error) => new(error.EName, error.EValue, error.Traceback.ToArray());

    /// <summary>A failure not raised by the engine (bad parameter, unsupported language): saved in the cell when there is one.</summary>
    private static CellFailure FailAt(Notebook executed, int index, string name, string message)
    {
        var error = new ErrorNotebookOutput(name, message, [$"{name}: {message}"]);
        if (index >= 0 && executed.Cells[index].Kind == CellKind.Code) executed.Cells[index].Outputs.Add(error);
        return new CellFailure(index, index >= 0 ? executed.Cells[index].Source : "", error);
    }

    private static NotebookRunResult Fail(Notebook executed, int cellsRun, int codeCells, Stopwatch clock, CellFailure failure) =>
        new(executed, NotebookRunStatus.Failed, cellsRun, codeCells, clock.Elapsed, failure);
}
