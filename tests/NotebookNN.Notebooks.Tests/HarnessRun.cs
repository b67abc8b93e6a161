using NotebookNN.Kernel.Engine;
using NotebookNN.Kernel.Notebooks;
using NotebookNN.Kernel.Runner;

namespace NotebookNN.Notebooks.Tests;

/// <summary>Runs a notebook the way `nnb run` does (same runner, same engine), in this process.</summary>
public static class HarnessRun
{
    /// <summary>Executed copies go here (beside the test assembly) so a failure can be opened and read.</summary>
    public static string ExecutedFolder => Path.Combine(AppContext.BaseDirectory, "executed-notebooks");

    public static async Task<(NotebookJobResult Result, Notebook Executed)> RunAsync(string relativePath)
    {
        var input = NotebookCases.FullPath(relativePath);
        var output = Path.Combine(ExecutedFolder, Path.ChangeExtension(relativePath, NotebookFile.IpynbExtension));
        var job = new NotebookJob(input, output, InPlace: false, relativePath);
        var result = await NotebookJobs.RunAsync(job,
            folder => new NotebookEngine(new EngineOptions { WorkingDirectory = folder }),
            new NotebookRunOptions());
        var executed = result.SavedPath is null ? new Notebook() : NotebookFile.Load(result.SavedPath);
        return (result, executed);
    }

    /// <summary>What a failed run says in the test report: the failing cell, its source and the error.</summary>
    public static string Explain(NotebookJobResult result) =>
        $"{result.Job.DisplayName} failed. " +
        (result.Failure?.Describe() ?? result.Message ?? "no details") +
        (result.SavedPath is null ? "" : $"\nExecuted copy: {result.SavedPath}");
}
