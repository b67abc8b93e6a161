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
/// that many <c>nnb worker</c> processes, each running notebooks from a shared queue (every notebook gets a fresh
/// engine; a worker that dies is replaced for the next notebook).
/// </summary>
public sealed record RunPlan(IReadOnlyList<NotebookJob> Jobs, NotebookRunOptions Options, int Parallel = 1)
{
    /// <summary>The shard these jobs are (null: the whole run).</summary>
    public Shard? Shard { get; init; }

    /// <summary>The notebooks of the whole run, before sharding (set with <see cref="Shard"/>).</summary>
    public int TotalJobs { get; init; }
}

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
            var queue = new System.Collections.Concurrent.ConcurrentQueue<int>(Enumerable.Range(0, plan.Jobs.Count));
            var results = new NotebookJobResult[plan.Jobs.Count];
            // Each lane keeps one worker process for as many notebooks as it can take from the queue: a process per
            // notebook paid .NET's start-up and the compiler's warm-up (~2 s) every time, which on 2 cores made
            // --parallel 2 slower than running the curriculum in one process.
            var lanes = Enumerable.Range(0, Math.Min(plan.Parallel, plan.Jobs.Count))
                .Select(_ => RunLaneAsync(queue, results, plan, workDirectory.FullName, observer, cancellationToken))
                .ToList();
            await Task.WhenAll(lanes).ConfigureAwait(false);
            return results;
        }
        finally
        {
            workDirectory.Delete(recursive: true);
        }
    }

    private static async Task RunLaneAsync(System.Collections.Concurrent.ConcurrentQueue<int> queue, NotebookJobResult[] results,
        RunPlan plan, string workDirectory, IRunObserver observer, CancellationToken cancellationToken)
    {
        WorkerProcess? worker = null;
        try
        {
            while (queue.TryDequeue(out var index))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var job = plan.Jobs[index];
                observer.Started(job);
                var jobFile = Path.Combine(workDirectory, $"job{index}.json");
                var resultFile = Path.Combine(workDirectory, $"result{index}.json");
                WorkerProtocol.WriteJob(jobFile, new WorkerProtocol.WorkerJob(job.InputPath, job.OutputPath, job.InPlace, job.DisplayName,
                    plan.Options.CellTimeout.TotalSeconds, plan.Options.Parameters, resultFile, plan.Options.AllowErrors));
                var clock = Stopwatch.StartNew();
                worker ??= WorkerProcess.Start(plan.Parallel);
                var finished = await worker.RunAsync(jobFile, progress => observer.Progress(job, progress), cancellationToken).ConfigureAwait(false);
                NotebookJobResult result;
                if (finished && File.Exists(resultFile))
                {
                    result = WorkerProtocol.ReadResult(resultFile, job);
                }
                else
                {
                    // The worker died with the notebook (a cell that exited the process, a native crash): the
                    // notebook fails with what the worker said last, and the next notebook gets a fresh worker.
                    result = new NotebookJobResult(job, NotebookRunStatus.Failed, 0, 0, clock.Elapsed, null, null,
                        await worker.FailureMessageAsync().ConfigureAwait(false));
                    worker.Dispose();
                    worker = null;
                }
                observer.Finished(result);
                results[index] = result;
            }
            if (worker is not null) await worker.FinishAsync().ConfigureAwait(false);
        }
        finally
        {
            worker?.Dispose();
        }
    }

    /// <summary>One <c>nnb worker</c> process serving jobs sent on its standard input.</summary>
    private sealed class WorkerProcess : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _errors = new();

        private WorkerProcess(Process process)
        {
            _process = process;
            _process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                lock (_errors) _errors.AppendLine(e.Data);
            };
            _process.BeginErrorReadLine();
        }

        public static WorkerProcess Start(int parallel)
        {
            var info = WorkerProtocol.NnbStartInfo(["worker"]);
            foreach (var (key, value) in WorkerThreadEnvironment(parallel)) info.Environment[key] = value;
            info.RedirectStandardInput = true;
            info.RedirectStandardOutput = true;
            info.RedirectStandardError = true;
            info.UseShellExecute = false;
            return new WorkerProcess(Process.Start(info) ?? throw new InvalidOperationException($"Could not start {info.FileName}."));
        }

        /// <summary>Sends one job and reads progress until the worker says it is done (true) or its output ends (false).</summary>
        public async Task<bool> RunAsync(string jobFile, Action<CellProgress> progress, CancellationToken cancellationToken)
        {
            lock (_errors) _errors.Clear();
            try
            {
                await _process.StandardInput.WriteLineAsync(jobFile.AsMemory(), cancellationToken).ConfigureAwait(false);
                await _process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
                while (await _process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
                {
                    if (line == WorkerProtocol.DoneLine) return true;
                    if (WorkerProtocol.TryParseProgress(line, out var cell)) progress(cell);
                }
                return false;
            }
            catch (IOException)
            {
                return false; // the worker is gone: its input pipe broke
            }
            catch (OperationCanceledException)
            {
                Kill();
                throw;
            }
        }

        /// <summary>Why the worker stopped without a result: its exit code and what it wrote to stderr meanwhile.</summary>
        public async Task<string> FailureMessageAsync()
        {
            using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
            {
                try
                {
                    await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    Kill(); // it closed its output but kept running
                }
            }
            _process.WaitForExit(); // also drains the redirected stderr
            string tail;
            lock (_errors) tail = _errors.ToString().Trim();
            return $"the worker process exited with code {_process.ExitCode} without a result. {tail}".Trim();
        }

        /// <summary>Closes the worker's input, which ends it, and waits for it.</summary>
        public async Task FinishAsync()
        {
            _process.StandardInput.Close();
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        private void Kill()
        {
            try
            {
                if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // it exited meanwhile
            }
        }

        public void Dispose()
        {
            Kill();
            _process.Dispose();
        }
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
