using Microsoft.CodeAnalysis;
using NotebookNN.Kernel.Engine;

namespace NotebookNN.Kernel.Tests.Engine;

public sealed class DirectiveTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private readonly NotebookEngine _engine = fixture.Engine;

    [Fact]
    public async Task Markdown_shows_the_rest_of_the_cell_as_markdown()
    {
        var sink = await _engine.RunOkAsync("#!markdown\n# Title\nSome *text*.");
        var shown = Assert.IsType<DisplayOutput>(Assert.Single(sink.Outputs));
        Assert.Equal("# Title\nSome *text*.", shown.Data["text/markdown"]);
    }

    [Fact]
    public async Task Csharp_marker_is_accepted_and_time_reports_the_wall_time_after_the_code()
    {
        var sink = await _engine.RunOkAsync("#!csharp\n#!c#\n#!time\nConsole.WriteLine(\"work\");");
        Assert.Matches(@"^work\nWall time: \d+ ms\n$", sink.Stream("stdout"));
    }

    [Fact]
    public async Task Directives_in_the_middle_of_a_cell_run_in_order()
    {
        using var engine = new NotebookEngine();
        var sink = await engine.RunOkAsync("var alpha = 1;\n#!who\nvar beta = \"two\";\n#!who");
        Assert.Equal("alpha\nalpha\tbeta\n", sink.Stream("stdout"));
    }

    [Fact]
    public async Task Whos_shows_name_type_and_value_as_text_and_html()
    {
        using var engine = new NotebookEngine();
        Assert.Equal("No variables are defined.\n", (await engine.RunOkAsync("#!who")).Stream("stdout"));
        await engine.RunOkAsync("var count = 3;\nvar names = new List<string> { \"a\" };");
        var sink = await engine.RunOkAsync("#!whos");
        var table = Assert.IsType<DisplayOutput>(Assert.Single(sink.Outputs)).Data;
        Assert.Equal(
            "Variable  Type          Value\n" +
            "--------  ------------  -----\n" +
            "count     int           3\n" +
            "names     List<string>  [ a ]",
            table["text/plain"]);
        Assert.Contains("<tr><td>names</td><td>List&lt;string&gt;</td><td>[ a ]</td></tr>", table["text/html"]);
    }

    [Fact]
    public async Task Lsmagic_lists_directives_and_magics_with_summaries()
    {
        var text = (await _engine.RunOkAsync("#!lsmagic")).Stream("stdout");
        Assert.Contains("#r \"nuget: Name[, Version]\"", text);
        Assert.Contains("#i \"nuget: source\"", text);
        foreach (var magic in new[] { "#!csharp", "#!markdown", "#!time", "#!who", "#!whos", "#!lsmagic" })
            Assert.Contains(magic, text);
        Assert.Contains("Runs the rest of the cell and prints its wall-clock time.", text);
    }

    [Fact]
    public async Task An_unknown_magic_is_an_error_that_lists_the_known_ones()
    {
        var (result, sink) = await _engine.RunAsync("#!nosuch\n1");
        Assert.Equal(CellStatus.Error, result.Status);
        Assert.Equal("UnknownMagicCommand", sink.Error.EName);
        Assert.StartsWith("Unknown magic command '#!nosuch'. Known magic commands: #!csharp, #!markdown, #!time, #!who, #!whos, #!lsmagic", sink.Error.EValue);
    }

    [Fact]
    public async Task An_extension_referenced_by_path_registers_a_magic_that_runs_with_help_and_errors()
    {
        var load = await _engine.RunOkAsync("#r \"NotebookNN.Kernel.Tests.dll\"\nvar who = \"notebook\";");
        Assert.Empty(load.Outputs);
        Assert.Contains(_engine.Magics, m => m.Name == "greet");

        var greet = await _engine.RunOkAsync("#!greet who --shout");
        Assert.Equal("HELLO, NOTEBOOK!\n", greet.Stream("stdout"));
        Assert.Equal("notebook", Assert.Single(greet.Outputs.OfType<DisplayOutput>()).Data["text/plain"]);

        var help = await _engine.RunOkAsync("#!greet --help");
        Assert.Equal("#!greet [VARIABLE] [--shout]\n  VARIABLE  the variable to greet\n  --shout   in capitals\n  Prints a greeting for the value of VARIABLE.\n", help.Stream("stdout"));

        var (failed, sink) = await _engine.RunAsync("#!greet");
        Assert.Equal(CellStatus.Error, failed.Status);
        Assert.Equal("MagicCommandError", sink.Error.EName);
        Assert.Equal("#!greet needs the name of a variable.", sink.Error.EValue);

        // Referencing the assembly again does not load the extension twice (that would be a duplicate magic).
        await _engine.RunOkAsync("#r \"NotebookNN.Kernel.Tests.dll\"");
        Assert.Single(_engine.Magics, m => m.Name == "greet");
    }

    [Fact]
    public async Task Each_cell_is_compiled_with_only_the_references_its_session_does_not_hold_yet()
    {
        // Roslyn adds every earlier submission's references to each new one; a cell that passed the whole list
        // again made the list, and the time to bind it, grow with every cell of a session.
        using var engine = new NotebookEngine();
        await engine.RunOkAsync("var a = 1;");
        await engine.RunOkAsync("var b = a + 1;");
        var plain = engine.CurrentState!.Script.GetCompilation();
        Assert.Empty(plain.References);
        Assert.Contains(plain.ReferencedAssemblyNames, name => name.Name == "System.Linq");

        await engine.RunOkAsync("#r \"NotebookNN.Kernel.Tests.dll\"\nvar c = b;");
        var added = Assert.Single(engine.CurrentState!.Script.GetCompilation().References);
        Assert.EndsWith("NotebookNN.Kernel.Tests.dll", ((PortableExecutableReference)added).FilePath);

        var sink = await engine.RunOkAsync("typeof(NotebookNN.Kernel.Tests.Engine.GreetingExtension).Name + c");
        Assert.Empty(engine.CurrentState!.Script.GetCompilation().References);
        Assert.Equal("GreetingExtension2", Assert.Single(sink.Outputs.OfType<ExecuteResultOutput>()).Data["text/plain"]);
    }

    [Fact]
    public async Task A_missing_assembly_file_is_a_directive_error()
    {
        var (result, sink) = await _engine.RunAsync("#r \"no/such.dll\"");
        Assert.Equal(CellStatus.Error, result.Status);
        Assert.Equal("DirectiveError", sink.Error.EName);
        Assert.Contains("no/such.dll", sink.Error.EValue);
        Assert.Contains("does not exist", sink.Error.EValue);
    }

    [Fact]
    public void The_engine_depends_on_the_extension_contract_and_not_on_the_library_behind_it()
    {
        var assembly = typeof(NotebookEngine).Assembly;
        var references = assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.Contains("NotebookNN.Extensibility", references);
        Assert.DoesNotContain("NotebookNN", references);
        Assert.DoesNotContain("TorchSharp", references);
        Assert.DoesNotContain("Microsoft.DotNet.Interactive", references);
        // The HTML pages of `nnb run --html` take plotly.js (and its loader) from the library's one copy; nothing else
        // of the library is used.
        Assert.Equal(["NotebookNN.Interactive.Plots.PlotlyHtml"], TypesUsedFrom(assembly.Location, "NotebookNN.Interactive"));
    }

    private static List<string> TypesUsedFrom(string path, string assemblyName)
    {
        using var stream = File.OpenRead(path);
        using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
        var metadata = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        var used = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var handle in metadata.TypeReferences)
        {
            var type = metadata.GetTypeReference(handle);
            if (type.ResolutionScope.Kind != System.Reflection.Metadata.HandleKind.AssemblyReference) continue;
            var scope = metadata.GetAssemblyReference((System.Reflection.Metadata.AssemblyReferenceHandle)type.ResolutionScope);
            if (metadata.GetString(scope.Name) == assemblyName)
                used.Add(metadata.GetString(type.Namespace) + "." + metadata.GetString(type.Name));
        }
        return used.ToList();
    }

    [Fact]
    public async Task Built_in_packages_come_from_the_engine_without_a_restore()
    {
        var sink = await _engine.RunOkAsync("#r \"nuget: TorchSharp-cpu, 0.107.0\"\nusing TorchSharp;\ntorch.ones(3).sum().item<float>()");
        var installed = Assert.IsType<DisplayOutput>(sink.Outputs[0]).Data["text/plain"];
        Assert.StartsWith("Installed Packages\n  - TorchSharp-cpu, 0.107", installed);
        Assert.Equal("3", sink.Result.Data["text/plain"]);

        var library = await _engine.RunOkAsync("#r \"nuget: NotebookNN.Interactive\"\ntypeof(NotebookNN.Interactive.NotebookNNExtension).Assembly.GetName().Name");
        Assert.Equal("NotebookNN.Interactive", library.Result.Data["text/plain"]);
    }

    [Fact]
    public async Task A_nuget_package_is_restored_from_an_added_source_and_usable()
    {
        var cache = Directory.CreateTempSubdirectory("nnb-nuget-test-");
        try
        {
            using var engine = new NotebookEngine(new EngineOptions { NuGetCacheDirectory = cache.FullName });
            var sink = await engine.RunOkAsync(
                "#i \"nuget: /opt/nuget/packages\"\n#r \"nuget: xunit.abstractions, 2.0.3\"\ntypeof(Xunit.Abstractions.ITestCase).Assembly.GetName().Name",
                TimeSpan.FromMinutes(3));
            Assert.Equal("Installed Packages\n  - xunit.abstractions, 2.0.3", Assert.IsType<DisplayOutput>(sink.Outputs[0]).Data["text/plain"]);
            Assert.Equal("xunit.abstractions", sink.Result.Data["text/plain"]);
            var assets = Assert.Single(Directory.GetFiles(cache.FullName, "project.assets.json", SearchOption.AllDirectories));
            Assert.Contains("xunit.abstractions/2.0.3", File.ReadAllText(assets));
        }
        finally
        {
            cache.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_package_that_does_not_exist_reports_the_restore_error()
    {
        var cache = Directory.CreateTempSubdirectory("nnb-nuget-test-");
        try
        {
            using var engine = new NotebookEngine(new EngineOptions { NuGetCacheDirectory = cache.FullName });
            var (result, sink) = await engine.RunAsync("#i \"nuget: /opt/nuget/packages\"\n#r \"nuget: NotebookNN.NoSuchPackage.Anywhere, 1.0.0\"", TimeSpan.FromMinutes(3));
            Assert.Equal(CellStatus.Error, result.Status);
            Assert.Equal("DirectiveError", sink.Error.EName);
            Assert.StartsWith("NuGet restore failed:", sink.Error.EValue);
            Assert.Contains("NotebookNN.NoSuchPackage.Anywhere", sink.Error.EValue);
        }
        finally
        {
            cache.Delete(recursive: true);
        }
    }
}
