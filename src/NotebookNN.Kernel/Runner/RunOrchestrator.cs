using System.Diagnostics;
using System.Text;
using NotebookNN.Kernel.Engine;

namespace NotebookNN.Kernel.Runner;

/// <summary>Hears about a run as it goes (the console display; may be called from several threads at once).</summary>
public interface IRunObserver
{
    void Started(NotebookJob job);
    void Progress(NotebookJob job, CellProgress progress);
    void Finished(NotebookJobResult result);
}

/// <summary>
/// Runs a set of notebook jobs: one after another in this process, or, with <paramref name="Parallel"/> above 1, in
/// up to that many separate <c>nnb worker</c> processes (each notebook gets a fresh process and engine).
/// </summary>
public sealed record RunPlan(IReadOnlyList<NotebookJob> Jobs, NotebookRunOptions Options, int Parallel = 1);

public static class RunOrchestrator
{
    /// <summary>Runs every job and returns the results in the jobs' order.</summary>
    public static async Task<IReadOnlyList<NotebookJobResult>> RunAllAsync(
        RunPlan plan, EngineFactory executorFactory, IRunObserver observer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(executorFactory);
        ArgumentNullException.ThrowIfNull(observer);
        if (plan.Parallel < 1) throw new ArgumentOutOfRangeException(nameof(plan), "Parallel must be at least 1.");
        return plan.Parallel == 1 || plan.Jobs.Count == 1
            ? await RunInProcessAsync(plan, executorFactory, observer, cancellationToken).ConfigureAwait(false)
            : await RunInWorkersAsync(plan, observer, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<NotebookJobResult>> RunInProcessAsync(
        RunPlan plan, EngineFactory executorFactory, IRunObserver observer, CancellationToken cancellationToken)
    {
        var results = new List<NotebookJobResult>();
        foreach (var job in plan.Jobs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            observer.Started(job);
            var progress = new InlineProgress(p => observer.Progress(job, p));
            var result = await NotebookJobs.RunAsync(job, executorFactory, plan.Options, progress, cancellationToken).ConfigureAwait(false);
            observer.Finished(result);
            results.Add(result);
        }
        return results;
    }

    private static async Task<IReadOnlyList<NotebookJobResult>> RunInWorkersAsync(
        RunPlan plan, IRunObserver observer, CancellationToken cancellationToken)
    {
        var workDirectory = Directory.CreateTempSubdirectory("nnb-run-");
        try
        {
            using var slots = new SemaphoreSlim(plan.Parallel);
            var tasks = plan.Jobs.Select(async (job, index) =>
            {
                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    return await RunWorkerAsync(job, index, plan, workDirectory.FullName, observer, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    slots.Release();
                }
            }).ToList();
            return await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        finally
        {
            workDirectory.Delete(recursive: true);
        }
    }

    private static async Task<NotebookJobResult> RunWorkerAsync(
        NotebookJob job, int index, RunPlan plan, string workDirectory, IRunObserver observer, CancellationToken cancellationToken)
    {
        var options = plan.Options;
        observer.Started(job);
        var jobFile = Path.Combine(workDirectory, $"job{index}.json");
        var resultFile = Path.Combine(workDirectory, $"result{index}.json");
        WorkerProtocol.WriteJob(jobFile, new WorkerProtocol.WorkerJob(job.InputPath, job.OutputPath, job.InPlace, job.DisplayName,
            options.CellTimeout.TotalSeconds, options.Parameters, resultFile));

        var info = WorkerProtocol.NnbStartInfo(["worker", jobFile]);
        foreach (var (key, value) in WorkerThreadEnvironment(plan.Parallel)) info.Environment[key] = value;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {info.FileName}.");
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (errors) errors.AppendLine(e.Data);
        };
        process.BeginErrorReadLine();
        var stdout = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
                if (WorkerProtocol.TryParseProgress(line, out var progress)) observer.Progress(job, progress);
        }, cancellationToken);

        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            await stdout.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        NotebookJobResult result;
        if (File.Exists(resultFile))
        {
            result = WorkerProtocol.ReadResult(resultFile, job);
        }
        else
        {
            string tail;
            lock (errors) tail = errors.ToString().Trim();
            result = new NotebookJobResult(job, NotebookRunStatus.Failed, 0, 0, clock.Elapsed, null, null,
                $"the worker process exited with code {process.ExitCode} without a result. {tail}".Trim());
        }
        observer.Finished(result);
        return result;
    }

    /// <summary>
    /// Each of <paramref name="parallel"/> workers gets its share of the cores for its math libraries (libtorch reads
    /// OMP_NUM_THREADS when it starts): N workers each using every core would slow all of them down. Settings the user
    /// made are kept.
    /// </summary>
    public static IReadOnlyDictionary<string, string> WorkerThreadEnvironment(int parallel)
    {
        var share = Math.Max(1, Environment.ProcessorCount / Math.Max(1, parallel)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var settings = new Dictionary<string, string>();
        foreach (var key in new[] { "OMP_NUM_THREADS", "MKL_NUM_THREADS" })
            if (Environment.GetEnvironmentVariable(key) is null) settings[key] = share;
        return settings;
    }

    /// <summary>Reports synchronously on the runner's thread (<see cref="Progress{T}"/> would post to a thread pool).</summary>
    private sealed class InlineProgress(Action<CellProgress> report) : IProgress<CellProgress>
    {
        public void Report(CellProgress value) => report(value);
    }
}
