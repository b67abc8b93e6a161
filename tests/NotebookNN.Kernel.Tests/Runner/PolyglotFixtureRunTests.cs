using System.Text.Json.Nodes;
using NotebookNN.Kernel.Cli;
using NotebookNN.Kernel.Notebooks;
using NotebookNN.Kernel.Runner;
using NotebookNN.Kernel.Tests.Notebooks;

namespace NotebookNN.Kernel.Tests.Runner;

/// <summary>
/// The fixture of the .NET Interactive API that Polyglot notebooks call (tests/polyglot/fixtures, which CI also runs
/// in dotnet-interactive and through nnb's kernel) run by the headless runner: every cell ends as its metadata says
/// and shows the text it names.
/// </summary>
public sealed class PolyglotFixtureRunTests
{
    [Fact]
    public async Task The_dotnet_interactive_api_fixture_runs_headless_with_every_cell_as_its_metadata_expects()
    {
        var source = Path.Combine(TestFiles.RepoRoot, "tests", "polyglot", "fixtures", "dotnet_interactive_api.ipynb");
        var folder = TestFiles.NewScratchFolder();
        var input = Path.Combine(folder, Path.GetFileName(source));
        File.Copy(source, input);
        var plan = RunCommand.Validate(new RunArguments([input], TimeoutSeconds: 120, AllowErrors: true));
        var result = await NotebookJobs.RunAsync(plan.Jobs.Single(), FixtureRuns.NewEngine, plan.Options);
        var expected = NotebookFile.Load(source);
        var executed = NotebookFile.Load(result.SavedPath!);

        Assert.Equal(expected.Cells.Count, executed.Cells.Count);
        for (var i = 0; i < expected.Cells.Count; i++)
        {
            var metadata = expected.Cells[i].Metadata;
            var want = (string?)metadata["expect"] ?? "ok";
            var outputs = executed.Cells[i].Outputs;
            var failed = outputs.OfType<ErrorNotebookOutput>().Any();
            var text = string.Concat(outputs.Select(Text));
            Assert.True(want == (failed ? "error" : "ok"), $"cell {i} ({expected.Cells[i].Source.Split('\n')[^1]}): expected {want}, got: {text}");
            if (!failed && (string?)metadata["contains"] is { } contains)
                Assert.True(text.Contains(contains, StringComparison.Ordinal), $"cell {i}: expected '{contains}' in: {text}");
        }
    }

    private static string Text(NotebookOutput output) => output switch
    {
        StreamNotebookOutput s => s.Text,
        ErrorNotebookOutput e => $"{e.EName}: {e.EValue}",
        DisplayDataNotebookOutput d => string.Concat(d.Data.Values),
        ExecuteResultNotebookOutput r => string.Concat(r.Data.Values),
        _ => "",
    };
}
