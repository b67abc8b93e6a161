using System.CommandLine;
using NotebookNN.Kernel.Engine;
using NotebookNN.Kernel.Runner;

namespace NotebookNN.Kernel.Cli;

/// <summary>
/// <c>nnb worker JOBFILE</c> (hidden): runs one notebook for <c>nnb run --parallel</c> in its own process, printing
/// progress lines and writing the result file the job names.
/// </summary>
public static class WorkerCommand
{
    public static Command Create(EngineFactory executorFactory, NnbConsole console)
    {
        ArgumentNullException.ThrowIfNull(executorFactory);
        ArgumentNullException.ThrowIfNull(console);
        var jobFile = new Argument<string>("job") { Description = "The job file written by nnb run --parallel." };
        var command = new Command("worker", "Runs one notebook for nnb run --parallel (internal).") { jobFile };
        command.Hidden = true;
        command.SetAction((parse, cancellationToken) => ExecuteAsync(parse.GetValue(jobFile)!, executorFactory, console, cancellationToken));
        return command;
    }

    public static async Task<int> ExecuteAsync(string jobFile, EngineFactory executorFactory, NnbConsole console, CancellationToken cancellationToken = default)
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
        var options = new NotebookRunOptions { CellTimeout = TimeSpan.FromSeconds(job.TimeoutSeconds), Parameters = job.Parameters };
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
