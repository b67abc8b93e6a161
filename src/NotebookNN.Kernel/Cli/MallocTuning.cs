using System.Diagnostics;
using NotebookNN.Kernel.Runner;

namespace NotebookNN.Kernel.Cli;

/// <summary>
/// glibc reads its allocator settings (<see cref="WorkerProtocol.MallocEnvironment"/>) only when a process starts,
/// so <c>nnb run</c> started without them starts itself again with them set: TorchSharp training then runs at a
/// steady speed instead of re-faulting freed tensor memory. Worker processes get them from their parent.
/// </summary>
public static class MallocTuning
{
    /// <summary>Set to 0 to run without the restart (the allocator settings then apply only when set by the caller).</summary>
    public const string OptOutVariable = "NNB_MALLOC_TUNING";

    /// <summary>Whether this invocation should start again with the allocator settings.</summary>
    public static bool ShouldRestart(string[] args) =>
        OperatingSystem.IsLinux() &&
        args.Length > 0 && args[0] == "run" &&
        Environment.GetEnvironmentVariable(OptOutVariable) != "0" &&
        WorkerProtocol.MallocEnvironment.Keys.Any(key => Environment.GetEnvironmentVariable(key) is null);

    /// <summary>Runs nnb again with the same arguments and the settings, on the same console; returns its exit code.</summary>
    public static async Task<int> RestartAsync(string[] args)
    {
        var info = WorkerProtocol.NnbStartInfo(args);
        info.UseShellExecute = false;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {info.FileName}.");
        // Ctrl+C reaches both processes (same process group): the child stops its run and reports, this one waits.
        ConsoleCancelEventHandler keepWaiting = (_, e) => e.Cancel = true;
        Console.CancelKeyPress += keepWaiting;
        try
        {
            await process.WaitForExitAsync().ConfigureAwait(false);
            return process.ExitCode;
        }
        finally
        {
            Console.CancelKeyPress -= keepWaiting;
        }
    }
}
