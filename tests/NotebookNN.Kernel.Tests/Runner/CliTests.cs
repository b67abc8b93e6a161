using System.Diagnostics;
using System.Xml.Linq;
using NotebookNN.Kernel.Cli;
using NotebookNN.Kernel.Notebooks;
using NotebookNN.Kernel.Runner;
using NotebookNN.Kernel.Tests.Notebooks;
using static NotebookNN.Kernel.Tests.Runner.FixtureRuns;

namespace NotebookNN.Kernel.Tests.Runner;

/// <summary>`nnb run` as a user calls it: exit codes, messages, files written and left alone.</summary>
public class CliTests
{
    private sealed record Invocation(int ExitCode, string Output, string Error);

    /// <summary>The nnb command line as Program builds it, on captured writers.</summary>
    private static async Task<Invocation> NnbAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = new NnbConsole(output, error, isTerminal: false);
        var root = NnbCommandLine.CreateRoot();
        root.Subcommands.Add(RunCommand.Create(NewEngine, console));
        root.Subcommands.Add(WorkerCommand.Create(NewEngine, console));
        root.Subcommands.Add(SiteCommand.Create(console));
        var code = await NnbCommandLine.InvokeAsync(root, args, console);
        return new Invocation(code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData(new[] { "run" }, "Required argument missing")]
    [InlineData(new[] { "run", "no-such-notebook.ipynb" }, "no-such-notebook.ipynb does not exist")]
    [InlineData(new[] { "run", "FIXTURE", "--in-place", "--output-dir", "out" }, "--in-place and --output-dir exclude each other")]
    [InlineData(new[] { "run", "FIXTURE", "-p", "epochs" }, "Parameter 'epochs' is not name=value")]
    [InlineData(new[] { "run", "FIXTURE", "-p", "class=1" }, "Parameter name 'class' is not a C# identifier")]
    [InlineData(new[] { "run", "FIXTURE", "-p", "a=1", "-p", "a=2" }, "Parameter 'a' is given twice")]
    [InlineData(new[] { "run", "FIXTURE", "--timeout", "0" }, "--timeout must be a positive number of seconds")]
    [InlineData(new[] { "run", "FIXTURE", "--timeout", "soon" }, "soon")]
    [InlineData(new[] { "run", "FIXTURE", "--parallel", "0" }, "--parallel must be at least 1")]
    [InlineData(new[] { "run", "FIXTURE", "--no-such-option" }, "--no-such-option")]
    [InlineData(new[] { "frobnicate" }, "frobnicate")]
    [InlineData(new string[0], "Required command was not provided")]
    public async Task A_usage_error_exits_with_2_and_says_what_was_wrong(string[] args, string expected)
    {
        var fixture = CopyToScratch("tags.ipynb");
        var invocation = await NnbAsync(args.Select(a => a == "FIXTURE" ? fixture : a).ToArray());

        Assert.Equal(2, invocation.ExitCode);
        Assert.Contains(expected, invocation.Error);
        Assert.Contains("--help", invocation.Error);
        Assert.False(Directory.Exists(Path.Combine(Path.GetDirectoryName(fixture)!, "executed")));
    }

    [Fact]
    public async Task A_folder_without_notebooks_and_a_dib_in_place_are_usage_errors()
    {
        var empty = TestFiles.NewScratchFolder();
        var dib = CopyToScratch("notebook.dib");

        var noNotebooks = await NnbAsync("run", empty);
        var dibInPlace = await NnbAsync("run", dib, "--in-place");

        Assert.Equal((2, true), (noNotebooks.ExitCode, noNotebooks.Error.Contains("holds no notebooks")));
        Assert.Equal((2, true), (dibInPlace.ExitCode, dibInPlace.Error.Contains("--in-place cannot run it")));
    }

    [Fact]
    public async Task Passing_notebooks_exit_0_with_a_summary_table_and_copies_in_the_output_folder()
    {
        var folder = TestFiles.NewScratchFolder();
        CopyToScratch("tags.ipynb", folder);
        CopyToScratch("notebook.dib", folder);
        var output = Path.Combine(folder, "out");

        var invocation = await NnbAsync("run", folder, "--output-dir", output);

        Assert.Equal(0, invocation.ExitCode);
        Assert.True(File.Exists(Path.Combine(output, "tags.ipynb")));
        Assert.True(File.Exists(Path.Combine(output, "notebook.ipynb")));
        Assert.Contains("Notebook", invocation.Output);
        Assert.Contains("Seconds", invocation.Output);
        Assert.Contains("2/2", invocation.Output);
        Assert.Contains("2 of 2 notebooks passed", invocation.Output);
        Assert.Empty(invocation.Error);
    }

    [Fact]
    public async Task A_failing_notebook_exits_1_keeps_its_input_and_saves_the_copy_with_the_error()
    {
        var input = CopyToScratch("throws.ipynb");
        var before = File.ReadAllBytes(input);
        var modified = File.GetLastWriteTimeUtc(input);

        var invocation = await NnbAsync("run", input, "--in-place");

        Assert.Equal(1, invocation.ExitCode);
        Assert.Equal(before, File.ReadAllBytes(input));
        Assert.Equal(modified, File.GetLastWriteTimeUtc(input));
        var copy = RunPlanner.DefaultOutputPath(input);
        Assert.Contains(copy, invocation.Output.ReplaceLineEndings(""));
        var executed = NotebookFile.Load(copy);
        Assert.Equal("boom", Assert.IsType<ErrorNotebookOutput>(executed.Cells[2].Outputs.Single()).EValue);
        Assert.Contains("failed", invocation.Output);
        Assert.Contains("0 of 1 notebooks passed", invocation.Output);
    }

    [Fact]
    public async Task Allow_errors_runs_every_cell_in_worker_processes_too_and_still_exits_1()
    {
        var folder = TestFiles.NewScratchFolder();
        CopyToScratch("throws.ipynb", folder);
        CopyToScratch("outputs.ipynb", folder);

        var invocation = await NnbAsync("run", folder, "--allow-errors", "--parallel", "2");

        Assert.True(invocation.ExitCode == 1, invocation.Output + invocation.Error);
        var executed = NotebookFile.Load(Path.Combine(folder, "executed", "throws.ipynb"));
        Assert.Equal("boom", Assert.IsType<ErrorNotebookOutput>(executed.Cells[2].Outputs.Single()).EValue);
        Assert.Equal(["stdout: never runs\n"], executed.Cells[3].Outputs.Select(OutputText));
        Assert.Equal("failed", (string?)executed.Metadata["nnb"]!["status"]);
        Assert.Contains("1 of 2 notebooks passed", invocation.Output);
    }

    [Fact]
    public async Task Each_shard_runs_its_part_and_writes_its_own_junit_and_executed_copies()
    {
        var folder = TestFiles.NewScratchFolder();
        foreach (var name in new[] { "a.ipynb", "b.ipynb", "c.ipynb" })
        {
            var notebook = new Notebook();
            notebook.Cells.Add(new NotebookCell(CellKind.Code, "Console.WriteLine(1);"));
            NotebookFile.Save(notebook, Path.Combine(folder, name));
        }
        var ran = new List<string>();
        var results = TestFiles.NewScratchFolder();
        for (var shard = 1; shard <= 4; shard++)
        {
            var output = Path.Combine(results, $"out{shard}");
            var junit = Path.Combine(results, $"junit{shard}.xml");

            var invocation = await NnbAsync("run", folder, "--shard", $"{shard}/4", "--output-dir", output, "--junit", junit);

            Assert.True(invocation.ExitCode == 0, invocation.Output + invocation.Error);
            var names = XDocument.Load(junit).Descendants("testcase").Select(t => (string)t.Attribute("name")!).ToList();
            var copies = Directory.Exists(output) ? Directory.GetFiles(output).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList() : [];
            Assert.Equal(names, copies);
            Assert.True(invocation.Output.Contains($"Shard {shard}/4: {names.Count} of 3 notebooks.", StringComparison.Ordinal), invocation.Output);
            ran.AddRange(names);
        }
        Assert.Equal(["a.ipynb", "b.ipynb", "c.ipynb"], ran.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Nnb_site_puts_the_executed_copies_of_several_shards_on_one_site_with_their_recorded_status()
    {
        var folder = TestFiles.NewScratchFolder();
        CopyToScratch("throws.ipynb", folder);
        CopyToScratch("outputs.ipynb", folder);
        var results = TestFiles.NewScratchFolder();
        foreach (var shard in new[] { 1, 2 })
            await NnbAsync("run", folder, "--shard", $"{shard}/2", "--output-dir", Path.Combine(results, "executed"));

        var invocation = await NnbAsync("site", Path.Combine(results, "executed"), "--html", Path.Combine(results, "site"));

        Assert.True(invocation.ExitCode == 1, invocation.Output + invocation.Error);   // one notebook failed
        var index = File.ReadAllText(Path.Combine(results, "site", "index.html"));
        Assert.Contains("<a href=\"outputs.html\">outputs.ipynb</a>", index);
        Assert.Contains("<a href=\"throws.html\">throws.ipynb</a>", index);
        Assert.Contains("<td class=\"run failed\">failed</td><td>2/3</td>", index);
        Assert.Contains("1 of 2 passed", index);
        Assert.Contains("failed · 2/3 cells", File.ReadAllText(Path.Combine(results, "site", "throws.html")));
        Assert.Equal(2, (await NnbAsync("site", Path.Combine(results, "nothing-here"), "--html", Path.Combine(results, "site2"))).ExitCode);
    }

    [Fact]
    public async Task A_notebook_that_cannot_be_read_fails_alone_and_the_others_still_run()
    {
        var folder = TestFiles.NewScratchFolder();
        CopyToScratch("tags.ipynb", folder);
        File.WriteAllText(Path.Combine(folder, "broken.ipynb"), "{ not json");

        var invocation = await NnbAsync("run", folder);

        Assert.Equal(1, invocation.ExitCode);
        Assert.Contains("broken.ipynb is not valid JSON", invocation.Output);
        Assert.Contains("1 of 2 notebooks passed", invocation.Output);
        Assert.True(File.Exists(Path.Combine(folder, "executed", "tags.ipynb")));
        Assert.False(File.Exists(Path.Combine(folder, "executed", "broken.ipynb")));
    }

    [Fact]
    public async Task In_place_replaces_the_notebook_in_one_rename()
    {
        var input = CopyToScratch("tags.ipynb");
        var original = File.ReadAllText(input);
        // A reader that opened the file before the run keeps reading the old file: the new one was renamed over it,
        // not written into it.
        using var reader = new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

        var invocation = await NnbAsync("run", input, "--in-place");

        Assert.Equal(0, invocation.ExitCode);
        Assert.Equal(original, new StreamReader(reader).ReadToEnd());
        var replaced = NotebookFile.Load(input);
        Assert.Equal("after the expected error\n", Assert.IsType<StreamNotebookOutput>(replaced.Cells[2].Outputs.Single()).Text);
        Assert.Equal([Path.GetFileName(input)], Directory.GetFiles(Path.GetDirectoryName(input)!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task The_junit_report_has_a_test_case_per_notebook_and_the_failure_with_cell_and_error()
    {
        var folder = TestFiles.NewScratchFolder();
        CopyToScratch("tags.ipynb", folder);
        CopyToScratch("throws.ipynb", folder);
        var report = Path.Combine(folder, "reports", "junit.xml");

        var invocation = await NnbAsync("run", folder, "--junit", report);

        Assert.Equal(1, invocation.ExitCode);
        var suites = XDocument.Load(report).Root!;
        Assert.Equal(("testsuites", "2", "1"), (suites.Name.LocalName, (string?)suites.Attribute("tests"), (string?)suites.Attribute("failures")));
        var cases = suites.Descendants("testcase").ToList();
        Assert.Equal(["tags.ipynb", "throws.ipynb"], cases.Select(c => (string?)c.Attribute("name")));
        Assert.Null(cases[0].Element("failure"));
        var failure = cases[1].Element("failure")!;
        Assert.Contains("cell 2", (string?)failure.Attribute("message"));
        Assert.Contains("boom", (string?)failure.Attribute("message"));
        Assert.Contains("InvalidOperationException", (string?)failure.Attribute("type"));
        Assert.Contains("throw new InvalidOperationException(\"boom\");", failure.Value);
    }

    [Fact]
    public async Task Parallel_2_runs_two_notebooks_in_two_worker_processes_with_the_allocator_settings_and_a_share_of_the_cores()
    {
        var folder = TestFiles.NewScratchFolder();
        foreach (var name in new[] { "first.ipynb", "second.ipynb" })
        {
            var notebook = new Notebook();
            notebook.Cells.Add(new NotebookCell(CellKind.Code,
                "Console.WriteLine(Environment.ProcessId);\nConsole.WriteLine(Environment.GetEnvironmentVariable(\"MALLOC_MMAP_THRESHOLD_\"));\n" +
                "Console.WriteLine(Environment.GetEnvironmentVariable(\"OMP_NUM_THREADS\"));"));
            NotebookFile.Save(notebook, Path.Combine(folder, name));
        }

        var invocation = await NnbAsync("run", folder, "--parallel", "2");

        Assert.True(invocation.ExitCode == 0, invocation.Output + invocation.Error);
        var lines = new[] { "first", "second" }
            .Select(n => Assert.IsType<StreamNotebookOutput>(NotebookFile.Load(Path.Combine(folder, "executed", n + ".ipynb")).Cells[0].Outputs.Single()).Text.Split('\n'))
            .ToList();
        var pids = lines.Select(l => int.Parse(l[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.NotEqual(pids[0], pids[1]);
        Assert.DoesNotContain(Environment.ProcessId, pids);
        Assert.All(lines, l => Assert.Equal("33554432", l[1]));
        // Two workers share the cores.
        var share = Environment.GetEnvironmentVariable("OMP_NUM_THREADS") ?? Math.Max(1, Environment.ProcessorCount / 2).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.All(lines, l => Assert.Equal(share, l[2]));
        Assert.Contains("2 of 2 notebooks passed", invocation.Output);
    }

    [Fact]
    public async Task Parallel_workers_each_run_several_notebooks_with_a_fresh_engine_for_each()
    {
        var folder = TestFiles.NewScratchFolder();
        var names = new[] { "a.ipynb", "b.ipynb", "c.ipynb", "d.ipynb" };
        foreach (var name in names)
        {
            var notebook = new Notebook();
            notebook.Cells.Add(new NotebookCell(CellKind.Code, "#!who\nConsole.WriteLine(Environment.ProcessId);\nvar mine = 1;"));
            NotebookFile.Save(notebook, Path.Combine(folder, name));
        }

        var invocation = await NnbAsync("run", folder, "--parallel", "2");

        Assert.True(invocation.ExitCode == 0, invocation.Output + invocation.Error);
        var lines = names
            .Select(n => Assert.IsType<StreamNotebookOutput>(NotebookFile.Load(Path.Combine(folder, "executed", n)).Cells[0].Outputs.Single()).Text.Split('\n'))
            .ToList();
        // Nothing of an earlier notebook is left in the engine of the next one in the same worker.
        Assert.All(lines, l => Assert.Equal("No variables are defined.", l[0]));
        var pids = lines.Select(l => int.Parse(l[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(2, pids.Distinct().Count());
        Assert.DoesNotContain(Environment.ProcessId, pids);
        Assert.Contains("4 of 4 notebooks passed", invocation.Output);
    }

    [Fact]
    public async Task A_notebook_that_ends_its_worker_fails_and_a_new_worker_runs_the_rest()
    {
        var folder = TestFiles.NewScratchFolder();
        var cells = new Dictionary<string, string>
        {
            ["a.ipynb"] = "Console.Error.WriteLine(\"leaving now\");\nEnvironment.Exit(3);",
            ["b.ipynb"] = "Console.WriteLine(Environment.ProcessId);",
            ["c.ipynb"] = "Console.WriteLine(Environment.ProcessId);",
        };
        foreach (var (name, code) in cells)
        {
            var notebook = new Notebook();
            notebook.Cells.Add(new NotebookCell(CellKind.Code, code));
            NotebookFile.Save(notebook, Path.Combine(folder, name));
        }
        var report = Path.Combine(folder, "junit.xml");

        var invocation = await NnbAsync("run", folder, "--parallel", "2", "--junit", report);

        Assert.Equal(1, invocation.ExitCode);
        Assert.Contains("2 of 3 notebooks passed", invocation.Output);
        var failure = XDocument.Load(report).Descendants("testcase")
            .Single(c => ((string?)c.Attribute("name"))!.StartsWith("a", StringComparison.Ordinal)).Element("failure")!;
        Assert.Contains("the worker process exited with code 3 without a result", failure.ToString());
        foreach (var name in new[] { "b.ipynb", "c.ipynb" })
            Assert.Single(NotebookFile.Load(Path.Combine(folder, "executed", name)).Cells[0].Outputs);
    }

    [Fact]
    public async Task Html_writes_a_page_per_notebook_and_an_index()
    {
        var folder = TestFiles.NewScratchFolder();
        CopyToScratch("outputs.ipynb", folder);
        CopyToScratch("throws.ipynb", folder);
        var site = Path.Combine(folder, "site");

        var invocation = await NnbAsync("run", folder, "--html", site);

        Assert.Equal(1, invocation.ExitCode);
        var index = File.ReadAllText(Path.Combine(site, "index.html"));
        Assert.Contains("<a href=\"outputs.html\">outputs.ipynb</a>", index);
        Assert.Contains("<a href=\"throws.html\">throws.ipynb</a>", index);
        Assert.Contains("1 of 2 passed", index);
        var page = File.ReadAllText(Path.Combine(site, "outputs.html"));
        Assert.Contains("<h1 id=\"outputs-fixture\">Outputs fixture</h1>", page);
        Assert.Contains("<pre class=\"output stream stderr\">to stderr\n</pre>", page);
        Assert.Contains("the answer is 42", page);
        var failed = File.ReadAllText(Path.Combine(site, "throws.html"));
        Assert.Contains("<pre class=\"output error\">", failed);
        Assert.Contains("throw new InvalidOperationException(&quot;boom&quot;);", failed);
    }

    [Fact]
    public async Task The_nnb_executable_exits_2_on_a_usage_error_and_1_on_a_failed_notebook()
    {
        var input = CopyToScratch("throws.ipynb");

        var usage = await RunNnbProcessAsync(false, "run", "--timeout", "0", input);
        var failed = await RunNnbProcessAsync(false, "run", input);

        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("--timeout must be a positive number of seconds", usage.Error);
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("0 of 1 notebooks passed", failed.Output);
    }

    [Fact]
    public async Task Nnb_run_started_without_the_allocator_settings_runs_its_notebooks_with_them()
    {
        var folder = TestFiles.NewScratchFolder();
        var notebook = new Notebook();
        notebook.Cells.Add(new NotebookCell(CellKind.Code,
            "Console.WriteLine(Environment.GetEnvironmentVariable(\"MALLOC_MMAP_THRESHOLD_\") + \" \" + Environment.GetEnvironmentVariable(\"MALLOC_TRIM_THRESHOLD_\"));"));
        var input = Path.Combine(folder, "env.ipynb");
        NotebookFile.Save(notebook, input);

        var invocation = await RunNnbProcessAsync(true, "run", input);

        Assert.True(invocation.ExitCode == 0, invocation.Output + invocation.Error);
        var executed = NotebookFile.Load(RunPlanner.DefaultOutputPath(input));
        Assert.Equal("33554432 8589934592\n", Assert.IsType<StreamNotebookOutput>(executed.Cells[0].Outputs.Single()).Text);
    }

    /// <summary>Runs the built nnb executable; <paramref name="withoutAllocatorSettings"/> starts it as a user
    /// would, without the glibc settings in its environment.</summary>
    private static async Task<Invocation> RunNnbProcessAsync(bool withoutAllocatorSettings, params string[] args)
    {
        var info = WorkerProtocol.NnbStartInfo(args);
        if (withoutAllocatorSettings)
            foreach (var key in WorkerProtocol.MallocEnvironment.Keys) info.Environment.Remove(key);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new Invocation(process.ExitCode, await output, await error);
    }
}
