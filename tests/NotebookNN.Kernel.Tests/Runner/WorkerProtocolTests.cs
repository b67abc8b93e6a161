using NotebookNN.Kernel.Notebooks;
using NotebookNN.Kernel.Runner;
using NotebookNN.Kernel.Tests.Notebooks;

namespace NotebookNN.Kernel.Tests.Runner;

public class WorkerProtocolTests
{
    [Fact]
    public void A_job_and_a_failed_result_cross_the_process_boundary_unchanged()
    {
        var folder = TestFiles.NewScratchFolder();
        var job = new WorkerProtocol.WorkerJob("/in/a.ipynb", "/out/a.ipynb", true, "a.ipynb", 12.5,
            [new NotebookParameter("epochs", "3"), new NotebookParameter("device", "cpu")], Path.Combine(folder, "result.json"));
        var jobFile = Path.Combine(folder, "job.json");

        WorkerProtocol.WriteJob(jobFile, job);
        var read = WorkerProtocol.ReadJob(jobFile);

        Assert.Equal(job with { Parameters = [] }, read with { Parameters = [] });
        Assert.Equal(job.Parameters, read.Parameters);

        var notebookJob = new NotebookJob(job.InputPath, job.OutputPath, job.InPlace, job.DisplayName);
        var failure = new CellFailure(4, "throw new X();", new ErrorNotebookOutput("X", "bad", ["X: bad", "   at cell 4"]));
        var result = new NotebookJobResult(notebookJob, NotebookRunStatus.Failed, 3, 7, TimeSpan.FromSeconds(2.5), "/in/executed/a.ipynb", failure, "cell 4: X: bad");

        WorkerProtocol.WriteResult(job.ResultPath, result);
        var back = WorkerProtocol.ReadResult(job.ResultPath, notebookJob);

        Assert.Equal(result with { Failure = null }, back with { Failure = null });
        Assert.Equal((failure.CellIndex, failure.Source, failure.Error), (back.Failure!.CellIndex, back.Failure.Source, back.Failure.Error));
    }

    [Theory]
    [InlineData("progress 3 9", true, 3, 9)]
    [InlineData("progress 3", false, 0, 0)]
    [InlineData("hello", false, 0, 0)]
    [InlineData("progress -1 9", false, 0, 0)]
    public void Progress_lines_are_read_back_and_other_lines_ignored(string line, bool parsed, int done, int total)
    {
        Assert.Equal(parsed, WorkerProtocol.TryParseProgress(line, out var progress));
        Assert.Equal(new CellProgress(done, total), progress);
    }

    [Fact]
    public void A_missing_job_file_is_explained()
    {
        var error = Assert.Throws<UsageException>(() => WorkerProtocol.ReadJob("/no/such/job.json"));
        Assert.Contains("started by `nnb run --parallel`", error.Message);
    }
}
