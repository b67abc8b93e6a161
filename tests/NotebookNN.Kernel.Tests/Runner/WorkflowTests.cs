using System.Diagnostics;
using System.Text.Json.Nodes;
using NotebookNN.Kernel.Tests.Notebooks;

namespace NotebookNN.Kernel.Tests.Runner;

/// <summary>The CI workflow as GitHub would read it (parsed by PyYAML): shards, caches, uploads, results, the README's commands.</summary>
public class WorkflowTests
{
    private static readonly string WorkflowPath = Path.Combine(TestFiles.RepoRoot, ".github", "workflows", "notebooks.yml");

    /// <summary>The workflow parsed by python3-yaml, as JSON.</summary>
    private static JsonObject Workflow()
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        // YAML 1.1 reads the key `on` as true; the workflow's keys are strings to GitHub.
        start.ArgumentList.Add("import json, sys, yaml; d = yaml.safe_load(open(sys.argv[1])); print(json.dumps({('on' if k is True else k): v for k, v in d.items()}))");
        start.ArgumentList.Add(WorkflowPath);
        using var python = Process.Start(start)!;
        var output = python.StandardOutput.ReadToEnd();
        var error = python.StandardError.ReadToEnd();
        python.WaitForExit();
        Assert.True(python.ExitCode == 0, $"python3-yaml could not parse {WorkflowPath}: {error}");
        return JsonNode.Parse(output)!.AsObject();
    }

    /// <summary>The README's commands: the lines of its first bash block, without their comments.</summary>
    private static List<string> ReadmeCommands()
    {
        var readme = File.ReadAllLines(Path.Combine(TestFiles.RepoRoot, "README.md"));
        return readme.SkipWhile(l => l != "```bash").Skip(1).TakeWhile(l => l != "```")
            .Select(l => (l.Contains('#') ? l[..l.IndexOf('#')] : l).Trim()).ToList();
    }

    private static IEnumerable<JsonObject> Steps(JsonObject workflow, string job) =>
        workflow["jobs"]![job]!["steps"]!.AsArray().Select(s => s!.AsObject());

    private static string Run(JsonObject step) => (string?)step["run"] ?? "";

    [Fact]
    public void The_workflow_runs_the_readmes_test_command_and_ci_run_calls_exactly_it()
    {
        var workflow = Workflow();
        var test = ReadmeCommands()[1];

        Assert.Equal("build/test", test);
        Assert.Contains(Steps(workflow, "tests"), s => Run(s).StartsWith(test + " ", StringComparison.Ordinal) || Run(s) == test);
        Assert.Contains($"\n{test} 2>&1 | tee", File.ReadAllText(Path.Combine(TestFiles.RepoRoot, ".ci", "run")));
        Assert.Equal(["push", "pull_request", "workflow_dispatch"], workflow["on"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public void The_notebooks_run_as_a_matrix_of_shards_with_a_nuget_cache_uploads_and_published_junit()
    {
        var workflow = Workflow();
        var notebooks = workflow["jobs"]!["notebooks"]!.AsObject();
        var shards = notebooks["strategy"]!["matrix"]!["shard"]!.AsArray().Select(n => (int)n!).ToList();
        Assert.Equal(Enumerable.Range(1, shards.Count), shards);
        Assert.True(shards.Count >= 2);

        var run = Steps(workflow, "notebooks").Select(Run).Single(r => r.Contains("--shard", StringComparison.Ordinal));
        // The README's first command, with the shard's part, its own JUnit and executed copies.
        Assert.Contains("dotnet run --project src/NotebookNN.Kernel -c Release -- run notebooks", run);
        Assert.Contains("--shard ${{ matrix.shard }}/${{ strategy.job-total }}", run);
        Assert.Contains("--junit artifacts/junit/notebooks-${{ matrix.shard }}.xml", run);
        Assert.Contains("--output-dir artifacts/executed", run);
        Assert.Contains("--durations", run);

        foreach (var job in new[] { "tests", "notebooks", "report" })
            Assert.Contains(Steps(workflow, job), s => (string?)s["uses"] == "actions/cache@v4" && (string?)s["with"]!["path"] == ".nuget/packages");
        var uploads = Steps(workflow, "report").Where(s => ((string?)s["uses"])?.StartsWith("actions/upload-artifact", StringComparison.Ordinal) == true)
            .Select(s => (string?)s["with"]!["name"]).ToList();
        Assert.Equal(["executed-notebooks", "site"], uploads);
        Assert.Contains(Steps(workflow, "report"), s => (string?)s["with"]?["reporter"] == "java-junit" && (string?)s["with"]!["path"] == "durations/*.xml");
        Assert.Contains(Steps(workflow, "report"), s => Run(s).Contains("-- site executed --html site", StringComparison.Ordinal));
        // The merged executed copies and the site are checked as a reader sees them offline, sizes included.
        Assert.Contains(Steps(workflow, "report"), s => Run(s).Contains("tests/render/check_executed_folder.sh executed site", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(TestFiles.RepoRoot, "tests", "render", "check_executed_folder.sh")));
        Assert.Equal("always()", (string?)workflow["jobs"]!["report"]!["if"]);
    }
}
