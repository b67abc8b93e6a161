using NotebookNN.Kernel.Runner;

namespace NotebookNN.Notebooks.Tests;

/// <summary>Every notebook runs top to bottom as its own test case; a failure names the cell, its source and the error.</summary>
public class NotebookTests
{
    public static TheoryData<string> Notebooks => NotebookCases.Data();

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task Runs_to_the_end(string notebook)
    {
        var (result, _) = await HarnessRun.RunAsync(notebook);

        Assert.True(result.Status == NotebookRunStatus.Passed, HarnessRun.Explain(result));
        Assert.Equal(result.CodeCells, result.CellsRun + SkippedCells(result));
    }

    private static int SkippedCells(NotebookJobResult result) =>
        Kernel.Notebooks.NotebookFile.Load(result.SavedPath!).Cells.Count(c =>
            c.Kind == Kernel.Notebooks.CellKind.Code && c.ExecutionCount is null);
}
