using System.CommandLine;
using NotebookNN.Kernel.Engine;
using NotebookNN.Kernel.Runner;

namespace NotebookNN.Kernel.Cli;

/// <summary>
/// <c>nnb worker</c> (hidden): runs notebooks for <c>nnb run --parallel</c> in a process of its own. It reads job file
/// paths from standard input, one per line, and runs each with a fresh engine until the input ends (see
/// <see cref="WorkerProtocol"/>).
/// </summary>
public static class WorkerCommand
{
    public static Command Create(EngineFactory executorFactory, NnbConsole console)
    {
        ArgumentNullException.ThrowIfNull(executorFactory);
        ArgumentNullException.ThrowIfNull(console);
        var command = new Command("worker", "Runs notebooks for nnb run --parallel (internal).");
        command.Hidden = true;
        command.SetAction((_, cancellationToken) => ServeAsync(Console.In, executorFactory, console, cancellationToken));
        return command;
    }

    /// <summary>Runs the jobs whose file paths arrive on <paramref name="input"/>, one per line, until it ends.</summary>
    public static async Task<int> ServeAsync(TextReader input, EngineFactory executorFactory, NnbConsole console, CancellationToken cancellationToken = default)
    {
        int exit = RunCommand.ExitPassed;
        while (await input.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            int status = await ExecuteAsync(line.Trim(), executorFactory, console, cancellationToken).ConfigureAwait(false);
            if (status == RunCommand.ExitUsage) return status;
            if (status != RunCommand.ExitPassed) exit = status;
            lock (console.Output)
            {
                console.Output.WriteLine(WorkerProtocol.DoneLine);
                console.Output.Flush();
            }
        }
        return exit;
    }

    private static async Task<int> ExecuteAsync(string jobFile, EngineFactory executorFactory, NnbConsole console, CancellationToken cancellationToken)
    {
        WorkerProtocol.WorkerJob job;
        try
        {
            job = WorkerProtocol.ReadJob(jobFile);
        }
        catch (UsageException e)
        {
            console.Error.WriteLine($"nnb worker: {e.Message}");
            return RunCommand.ExitUsage;
        }
        var options = new NotebookRunOptions
        {
            CellTimeout = TimeSpan.FromSeconds(job.TimeoutSeconds), Parameters = job.Parameters, AllowErrors = job.AllowErrors,
        };
        var notebookJob = new NotebookJob(job.InputPath, job.OutputPath, job.InPlace, job.DisplayName);
        var output = console.Output;
        var progress = new LineProgress(output);
        var result = await NotebookJobs.RunAsync(notebookJob, executorFactory, options, progress, cancellationToken)
            .ConfigureAwait(false);
        WorkerProtocol.WriteResult(job.ResultPath, result);
        return result.Status == NotebookRunStatus.Passed ? RunCommand.ExitPassed : RunCommand.ExitFailed;
    }

    private sealed class LineProgress(TextWriter output) : IProgress<CellProgress>
    {
        public void Report(CellProgress value)
        {
            lock (output)
            {
                output.WriteLine(WorkerProtocol.FormatProgress(value));
                output.Flush();
            }
        }
    }
}
