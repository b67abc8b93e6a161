using NotebookNN.Kernel.Engine;
using NotebookNN.Kernel.Notebooks;
using NotebookNN.Kernel.Runner;

namespace NotebookNN.Notebooks.Tests;

/// <summary>The harness's own sample notebook, with its outputs asserted: proof the harness really runs notebooks.</summary>
public class SampleNotebookTests
{
    [Fact]
    public async Task The_sample_notebook_runs_and_shows_its_evidence_and_its_proven_claim()
    {
        var (result, executed) = await HarnessRun.RunAsync("tests/NotebookNN.Notebooks.Tests/Samples/harness-sample.ipynb");

        Assert.True(result.Status == NotebookRunStatus.Passed, HarnessRun.Explain(result));
        Assert.Equal((4, 4), (result.CellsRun, result.CodeCells));
        Assert.Empty(executed.Cells[1].Outputs);
        Assert.Equal([new StreamNotebookOutput("stdout", "sum of the first 10 squares: 385\n")], executed.Cells[2].Outputs);
        Assert.Equal([new StreamNotebookOutput("stdout", "✔ the sum of squares is n(n+1)(2n+1)/6: measured 385 = formula 385\n")], executed.Cells[3].Outputs);
        var count = Assert.IsType<ExecuteResultNotebookOutput>(Assert.Single(executed.Cells[4].Outputs));
        Assert.Equal((4, "10"), (count.ExecutionCount!.Value, count.Data["text/plain"]));
    }

    [Fact]
    public async Task A_failing_notebook_is_reported_with_its_cell_source_and_error()
    {
        var folder = Directory.CreateTempSubdirectory("nnb-harness-").FullName;
        var notebook = NotebookFile.Load(NotebookCases.SamplePath);
        // Break the claim: the check cell must throw its ✘ line, and the report must say which cell and why.
        notebook.Cells[3].Source = notebook.Cells[3].Source.Replace("/ 6", "/ 5", StringComparison.Ordinal);
        var broken = Path.Combine(folder, "broken.ipynb");
        NotebookFile.Save(notebook, broken);
        var job = new NotebookJob(broken, Path.Combine(folder, "executed", "broken.ipynb"), InPlace: false, "broken.ipynb");

        var result = await NotebookJobs.RunAsync(job, dir => new NotebookEngine(new EngineOptions { WorkingDirectory = dir }), new NotebookRunOptions());
        var report = HarnessRun.Explain(result);

        Assert.Equal(NotebookRunStatus.Failed, result.Status);
        Assert.Contains("Cell 3 failed", report);
        Assert.Contains("var expected = n * (n + 1) * (2 * n + 1) / 5;", report);
        Assert.Contains("✘ the sum of squares is n(n+1)(2n+1)/6: measured 385, formula 462", report);
    }
}
