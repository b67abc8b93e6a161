using NotebookNN.Kernel.Notebooks;
using NotebookNN.Kernel.Runner;
using static NotebookNN.Kernel.Tests.Runner.FixtureRuns;

namespace NotebookNN.Kernel.Tests.Runner;

/// <summary>The fixture notebooks run through the runner on the real engine; saved outputs are asserted exactly.</summary>
public class FixtureRunTests
{
    [Fact]
    public async Task Outputs_of_every_kind_are_saved_in_order_and_a_display_update_replaces_the_earlier_output()
    {
        var run = await RunAsync("outputs.ipynb");

        Assert.Equal(NotebookRunStatus.Passed, run.Result.Status);
        Assert.Equal(10, run.Result.CellsRun);
        var cells = run.Executed.Cells;
        Assert.Equal(["stdout: to stdout\n", "stderr: to stderr\n", "stdout: stdout again\n"], cells[1].Outputs.Select(OutputText));
        // The update in cell 3 replaced what cell 2 displayed; cell 3 itself shows only its result.
        Assert.Equal(["display: second"], cells[2].Outputs.Select(OutputText));
        Assert.Equal(["result[3]: the answer is 42"], cells[3].Outputs.Select(OutputText));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (int?)i), cells.Skip(1).Select(c => c.ExecutionCount));
        Assert.Contains(cells[5].Outputs, o => o is ExecuteResultNotebookOutput { ExecutionCount: 5 } r && r.Data["text/plain"] == "55");
        Assert.Equal(["stdout: after await 55\n"], cells[6].Outputs.Select(OutputText));
        AssertMatchesExpected(run, "outputs.ipynb");
    }

    [Fact]
    public async Task A_package_restored_from_a_local_folder_is_usable()
    {
        var run = await RunAsync("nuget.ipynb", timeoutSeconds: 240);

        Assert.True(run.Result.Status == NotebookRunStatus.Passed, run.Result.Failure?.Describe());
        Assert.Equal("Xunit.Abstractions.ITestCase",
            Assert.IsType<ExecuteResultNotebookOutput>(run.Executed.Cells[2].Outputs.Single()).Data["text/plain"]);
        AssertMatchesExpected(run, "nuget.ipynb");
    }

    [Fact]
    public async Task A_throwing_cell_stops_the_run_and_its_error_is_saved()
    {
        var run = await RunAsync("throws.ipynb");

        Assert.Equal(NotebookRunStatus.Failed, run.Result.Status);
        Assert.Equal(2, run.Result.Failure!.CellIndex);
        Assert.Equal("throw new InvalidOperationException(\"boom\");", run.Result.Failure.Source);
        var error = Assert.IsType<ErrorNotebookOutput>(run.Executed.Cells[2].Outputs.Single());
        Assert.Equal("boom", error.EValue);
        Assert.Contains("InvalidOperationException", error.EName);
        Assert.Empty(run.Executed.Cells[3].Outputs);
        Assert.Null(run.Executed.Cells[3].ExecutionCount);
        Assert.Equal(run.InputText, File.ReadAllText(run.InputPath));
        AssertMatchesExpected(run, "throws.ipynb");
    }

    [Fact]
    public async Task A_compile_error_is_saved_with_its_diagnostic_and_stops_the_run()
    {
        var run = await RunAsync("compile-error.ipynb");

        Assert.Equal(NotebookRunStatus.Failed, run.Result.Status);
        Assert.Equal(1, run.Result.Failure!.CellIndex);
        var error = Assert.IsType<ErrorNotebookOutput>(run.Executed.Cells[1].Outputs.Single());
        Assert.Contains("CS0029", error.EValue + string.Join("\n", error.Traceback));
        Assert.Null(run.Executed.Cells[2].ExecutionCount);
        AssertMatchesExpected(run, "compile-error.ipynb");
    }

    [Fact]
    public async Task An_endless_loop_is_stopped_by_the_timeout_and_reported()
    {
        // Long enough for a cold engine's first compile on a busy machine, short for a test.
        var run = await RunAsync("timeout.ipynb", timeoutSeconds: 15);

        Assert.Equal(NotebookRunStatus.Failed, run.Result.Status);
        Assert.Equal(1, run.Result.Failure!.CellIndex);
        Assert.Empty(run.Executed.Cells[0].Outputs);
        Assert.Equal("TimeoutError", Assert.IsType<ErrorNotebookOutput>(run.Executed.Cells[1].Outputs.Single()).EName);
        Assert.Empty(run.Executed.Cells[2].Outputs);
        AssertMatchesExpected(run, "timeout.ipynb");
    }

    [Fact]
    public async Task Parameters_are_injected_after_the_parameters_cell_with_inferred_and_declared_types()
    {
        var run = await RunAsync("parameters.ipynb", 60, "epochs=7", "rate=0.25", "seed=42", "device=cuda");

        Assert.Equal(NotebookRunStatus.Passed, run.Result.Status);
        var injected = run.Executed.Cells[2];
        Assert.Equal([NotebookParameters.InjectedTag], injected.Tags);
        Assert.Equal("// Parameters\nint epochs = 7;\ndouble rate = 0.25;\nvar seed = 42;\nstring device = \"cuda\";", injected.Source);
        Assert.Equal(["stdout: epochs=7 rate=0.25 device=cuda\n"], run.Executed.Cells[3].Outputs.Select(OutputText));
        AssertMatchesExpected(run, "parameters.ipynb");
    }

    [Fact]
    public async Task A_raises_exception_cell_may_fail_and_a_skip_execution_cell_does_not_run()
    {
        var run = await RunAsync("tags.ipynb");

        Assert.True(run.Result.Status == NotebookRunStatus.Passed, run.Result.Failure?.Describe());
        Assert.Equal("expected by the author", Assert.IsType<ErrorNotebookOutput>(run.Executed.Cells[0].Outputs.Single()).EValue);
        Assert.Empty(run.Executed.Cells[1].Outputs);
        Assert.Null(run.Executed.Cells[1].ExecutionCount);
        Assert.Equal(["stdout: after the expected error\n"], run.Executed.Cells[2].Outputs.Select(OutputText));
        Assert.Equal(2, run.Result.CellsRun);
        AssertMatchesExpected(run, "tags.ipynb");
    }

    [Fact]
    public async Task A_raises_exception_cell_that_does_not_raise_fails_the_notebook()
    {
        var run = await RunAsync("does-not-raise.ipynb");

        Assert.Equal(NotebookRunStatus.Failed, run.Result.Status);
        Assert.Equal("CellDidNotRaise", run.Result.Failure!.Error.EName);
        Assert.Null(run.Executed.Cells[1].ExecutionCount);
        AssertMatchesExpected(run, "does-not-raise.ipynb");
    }

    [Fact]
    public async Task A_dib_notebook_runs_and_its_executed_copy_is_an_ipynb()
    {
        var run = await RunAsync("notebook.dib");

        Assert.Equal(NotebookRunStatus.Passed, run.Result.Status);
        Assert.EndsWith(Path.Combine("executed", "notebook.ipynb"), run.Result.SavedPath);
        Assert.Equal(["stdout: dib cells run\n"], run.Executed.Cells[1].Outputs.Select(OutputText));
        Assert.Equal(["result[2]: 3"], run.Executed.Cells[2].Outputs.Select(OutputText));
        AssertMatchesExpected(run, "notebook.dib");
    }

    [Fact]
    public async Task A_notebook_saved_by_Polyglot_runs_and_keeps_its_metadata()
    {
        var run = await RunAsync("polyglot-run.ipynb");

        Assert.Equal(NotebookRunStatus.Passed, run.Result.Status);
        Assert.Equal(".net-csharp", run.Executed.Metadata["kernelspec"]!["name"]!.GetValue<string>());
        Assert.Equal(["result[1]: 42"], run.Executed.Cells[1].Outputs.Select(OutputText));
        AssertMatchesExpected(run, "polyglot-run.ipynb");
    }

    [Fact]
    public async Task A_cell_in_a_language_nnb_cannot_run_fails_with_a_clear_error()
    {
        var run = await RunAsync(Path.Combine("Formats", "polyglot.ipynb"));

        Assert.Equal(NotebookRunStatus.Failed, run.Result.Status);
        Assert.Equal(2, run.Result.Failure!.CellIndex);
        Assert.Equal("UnsupportedLanguage", run.Result.Failure.Error.EName);
        Assert.Contains("'fsharp'", run.Result.Failure.Error.EValue);
    }

    [Fact]
    public async Task With_allow_errors_every_cell_runs_and_the_notebook_still_fails()
    {
        var run = await RunAsync("throws.ipynb", allowErrors: true);

        Assert.Equal(NotebookRunStatus.Failed, run.Result.Status);
        Assert.Equal(2, run.Result.Failure!.CellIndex);
        Assert.Equal(3, run.Result.CellsRun);
        Assert.Equal(["stdout: never runs\n"], run.Executed.Cells[3].Outputs.Select(OutputText));
        Assert.Equal(3, run.Executed.Cells[3].ExecutionCount);
        Assert.Equal(["ok", "error", "ok"], run.Executed.Cells.Skip(1).Select(c => (string?)c.Metadata["nnb"]!["status"]));
        var record = run.Executed.Metadata["nnb"]!;
        Assert.Equal("failed", (string?)record["status"]);
        Assert.True((bool)record["allow_errors"]!);
        Assert.Equal([2], record["failed_cells"]!.AsArray().Select(v => (int)v!));
    }

    [Fact]
    public async Task The_executed_copy_records_version_parameters_and_each_cells_time_and_status()
    {
        var before = DateTimeOffset.UtcNow;
        var run = await RunAsync("parameters.ipynb", 60, "epochs=7", "device=cuda");
        var tags = await RunAsync("tags.ipynb");
        var failed = await RunAsync("throws.ipynb");

        var record = run.Executed.Metadata["nnb"]!.AsObject();
        Assert.Equal(RunRecord.NnbVersion, (string?)record["version"]);
        Assert.StartsWith("0.", RunRecord.NnbVersion);
        // Saved with sorted keys, as every metadata object nnb writes.
        Assert.Equal("""{"device":"cuda","epochs":"7"}""", record["parameters"]!.ToJsonString());
        Assert.Equal("passed", (string?)record["status"]);
        var start = DateTimeOffset.Parse((string)record["start_time"]!, System.Globalization.CultureInfo.InvariantCulture);
        var end = DateTimeOffset.Parse((string)record["end_time"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(start, before.AddSeconds(-1), end);
        Assert.InRange((double)record["duration"]!, 0.001, (end - start).TotalSeconds + 0.01);
        foreach (var cell in run.Executed.Cells.Where(c => c.Kind == CellKind.Code))
        {
            var entry = cell.Metadata["nnb"]!;
            Assert.Equal("ok", (string?)entry["status"]);
            var cellStart = DateTimeOffset.Parse((string)entry["start_time"]!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(cellStart, start, end);
            Assert.InRange((double)entry["duration"]!, 0, (end - start).TotalSeconds);
        }
        // The injected-parameters cell is recorded like any other.
        Assert.Contains(run.Executed.Cells, c => c.HasTag(NotebookParameters.InjectedTag) && (string?)c.Metadata["nnb"]!["status"] == "ok");

        Assert.Equal("""{"ename":"ArgumentException","expected":true,"status":"error"}""", Without(tags.Executed.Cells[0].Metadata["nnb"]!, "start_time", "duration"));
        Assert.Equal("""{"reason":"tagged skip-execution","status":"skipped"}""", tags.Executed.Cells[1].Metadata["nnb"]!.ToJsonString());
        Assert.Equal("passed", (string?)tags.Executed.Metadata["nnb"]!["status"]);
        Assert.Null(tags.Executed.Metadata["nnb"]!["failed_cells"]);

        Assert.Equal("""{"reason":"not reached","status":"skipped"}""", failed.Executed.Cells[3].Metadata["nnb"]!.ToJsonString());
        Assert.Equal([2], failed.Executed.Metadata["nnb"]!["failed_cells"]!.AsArray().Select(v => (int)v!));
    }

    private static string Without(System.Text.Json.Nodes.JsonNode node, params string[] keys)
    {
        var copy = node.DeepClone().AsObject();
        foreach (var key in keys) Assert.True(copy.Remove(key), $"the record lacks {key}");
        return copy.ToJsonString();
    }
}
