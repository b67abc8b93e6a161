using System.Diagnostics;
using NotebookNN.Kernel.Engine;
using NotebookNN.Kernel.Html;
using NotebookNN.Kernel.Notebooks;

namespace NotebookNN.Kernel.Runner;

/// <summary>One notebook to run and where its executed copy goes.</summary>
/// <param name="InputPath">The notebook file (.ipynb or .dib).</param>
/// <param name="OutputPath">Where the executed copy is written (always .ipynb: a .dib cannot hold outputs).</param>
/// <param name="InPlace">The output replaces the input; on failure the copy goes to <see cref="FailureOutputPath"/> instead.</param>
/// <param name="DisplayName">The name shown in progress, the summary and reports (a path relative to what the user named).</param>
public sealed record NotebookJob(string InputPath, string OutputPath, bool InPlace, string DisplayName)
{
    /// <summary>Where the executed copy of a failed run goes: the output path, except in place, where the input must
    /// stay untouched, so the copy goes to the default <c>executed/</c> folder beside it.</summary>
    public string FailureOutputPath => InPlace ? RunPlanner.DefaultOutputPath(InputPath) : OutputPath;
}

/// <summary>The outcome of one <see cref="NotebookJob"/>.</summary>
/// <param name="SavedPath">Where the executed copy was written; null when the notebook could not be read.</param>
/// <param name="Failure">The failing cell, when a cell failed.</param>
/// <param name="Message">A one-line reason for a failure (the cell's error, or why the file could not be read).</param>
public sealed record NotebookJobResult(
    NotebookJob Job, NotebookRunStatus Status, int CellsRun, int CodeCells, TimeSpan Elapsed,
    string? SavedPath, CellFailure? Failure, string? Message);

/// <summary>Makes a fresh engine session whose relative paths resolve against <paramref name="workingDirectory"/>.</summary>
/// <param name="workingDirectory">The notebook's folder (Jupyter starts kernels there too).</param>
public delegate ICellExecutor EngineFactory(string workingDirectory);

/// <summary>Runs a <see cref="NotebookJob"/>: reads the file, runs it, saves the executed copy (also on failure).</summary>
public static class NotebookJobs
{
    private static readonly SemaphoreSlim CurrentDirectoryLock = new(1, 1);

    /// <summary>
    /// Runs the job in the notebook's folder, as Jupyter would: the engine resolves relative references there and the
    /// process's current directory is that folder while the notebook runs (jobs in one process therefore run one at
    /// a time).
    /// </summary>
    public static async Task<NotebookJobResult> RunAsync(
        NotebookJob job, EngineFactory engineFactory, NotebookRunOptions options,
        IProgress<CellProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(engineFactory);
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        Notebook notebook;
        try
        {
            notebook = NotebookFile.Load(job.InputPath);
        }
        catch (Exception e) when (e is NotebookFormatException or IOException or UnauthorizedAccessException)
        {
            return new NotebookJobResult(job, NotebookRunStatus.Failed, 0, 0, clock.Elapsed, null, null, e.Message);
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(job.InputPath))!;
        var runner = new NotebookRunner(() => engineFactory(folder));
        NotebookRunResult result;
        await CurrentDirectoryLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        var previousDirectory = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = folder;
            result = await runner.RunAsync(notebook, options, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // User code never gets here (the engine reports its errors as cell outputs); this is the engine failing
            // to start or the like. It fails this notebook, not the whole run, so the other results still count.
            return new NotebookJobResult(job, NotebookRunStatus.Failed, 0, 0, clock.Elapsed, null, null,
                $"nnb could not run the notebook: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            Environment.CurrentDirectory = previousDirectory;
            CurrentDirectoryLock.Release();
        }
        var target = result.Status == NotebookRunStatus.Passed ? job.OutputPath : job.FailureOutputPath;
        try
        {
            PlacePlotlyJs(result.Executed, job, target);
            NotebookFile.Save(result.Executed, target);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new NotebookJobResult(job, NotebookRunStatus.Failed, result.CellsRun, result.CodeCells, result.Elapsed, null, result.Failure,
                $"the executed copy could not be written to {target}: {e.Message}");
        }
        var message = result.Failure is null ? null : $"cell {result.Failure.CellIndex}: {result.Failure.Error.EName}: {result.Failure.Error.EValue}";
        return new NotebookJobResult(job, result.Status, result.CellsRun, result.CodeCells, result.Elapsed, target, result.Failure, message);
    }

    /// <summary>
    /// An executed copy written into an output folder (executed/ or --output-dir) loads plotly.js from the one shared
    /// <see cref="Interactive.Plots.PlotlyHtml.PlotlyJsFileName"/> written beside it first, instead of carrying 1.5 MB
    /// itself. A copy that replaces its source (--in-place) keeps the packed library the runner gave it, so nnb
    /// writes nothing else among the user's notebooks and the notebook still draws offline on its own.
    /// </summary>
    private static void PlacePlotlyJs(Notebook executed, NotebookJob job, string target)
    {
        var full = Path.GetFullPath(target);
        if (string.Equals(full, Path.GetFullPath(job.InputPath), StringComparison.Ordinal)) return;
        if (PlotlyJs.KeepOneLoader(executed, PlotlyLoader.SharedFile) == 0) return;
        PlotlyJs.WriteSharedFile(Path.GetDirectoryName(full)!);
    }
}
