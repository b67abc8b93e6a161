using Microsoft.CodeAnalysis.CSharp;
using NotebookNN.Kernel.Engine;

namespace NotebookNN.Kernel.Tests.Engine;

/// <summary>What notebooks written for .NET Interactive expect of package references and of the C# version.</summary>
public sealed class PolyglotCompatibilityTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private readonly NotebookEngine _engine = fixture.Engine;

    [Fact]
    public async Task An_identifier_that_newer_csharp_makes_a_keyword_still_compiles()
    {
        var sink = await _engine.RunOkAsync("var union = new HashSet<int> { 1 };\nunion.UnionWith(new[] { 2, 3 });\nunion.Count");
        Assert.Equal("3", sink.Result.Data["text/plain"]);
    }

    [Fact]
    public void The_language_version_is_csharp_14_unless_chosen()
    {
        Assert.Equal(LanguageVersion.CSharp14, CSharpLanguage.Parse(null));
        Assert.Equal(LanguageVersion.CSharp13, CSharpLanguage.Parse("13"));
        Assert.Equal(LanguageVersion.Preview, CSharpLanguage.Parse("preview"));
        var e = Assert.Throws<ArgumentException>(() => CSharpLanguage.Parse("fourteen"));
        Assert.Equal("NNB_LANGVERSION='fourteen' is not a C# language version. Use a number such as 13 or 14, 'latest' or 'preview', or unset it for C# 14.0.", e.Message);
    }

    [Fact]
    public async Task A_built_in_package_brings_its_dependencies()
    {
        using var engine = new NotebookEngine();
        var sink = await engine.RunOkAsync("#r \"nuget: NotebookNN.Interactive\"\ntypeof(Plotly.NET.GenericChart).Assembly.GetName().Name");
        Assert.Equal("Plotly.NET", sink.Result.Data["text/plain"]);
    }

    [Fact]
    public async Task The_formatting_package_without_a_version_is_the_engines_own()
    {
        using var engine = new NotebookEngine();
        var sink = await engine.RunOkAsync("#r \"nuget: Microsoft.DotNet.Interactive.Formatting\"\ntypeof(Microsoft.DotNet.Interactive.Formatting.Formatter).Assembly.GetName().Name");
        Assert.StartsWith("Installed Packages\n  - Microsoft.DotNet.Interactive.Formatting, 1.0.0-beta.26120.1 (from the engine)",
            Assert.IsType<DisplayOutput>(sink.Outputs[0]).Data["text/plain"]);
    }

    [Fact]
    public async Task Another_torchsharp_backend_maps_onto_the_one_the_engine_carries()
    {
        using var engine = new NotebookEngine();
        var sink = await engine.RunOkAsync("#r \"nuget: TorchSharp-cuda-linux, 0.107.0\"\nTorchSharp.torch.ones(2).sum().item<float>()");
        Assert.StartsWith("Installed Packages\n  - TorchSharp-cuda-linux, 0.107.0 (from the engine)",
            Assert.IsType<DisplayOutput>(sink.Outputs[0]).Data["text/plain"]);
        Assert.Equal("2", sink.Result.Data["text/plain"]);
    }

    [Fact]
    public async Task A_package_the_engine_carries_in_a_newer_version_is_the_engines_copy()
    {
        using var engine = new NotebookEngine();
        var sink = await engine.RunOkAsync("#r \"nuget: Microsoft.Bcl.AsyncInterfaces, 9.0.0\"\nAppDomain.CurrentDomain.GetAssemblies().Count(a => a.GetName().Name == \"Microsoft.Bcl.AsyncInterfaces\")");
        var engineVersion = BuiltInPackages.Engine.VersionOf("Microsoft.Bcl.AsyncInterfaces");
        Assert.StartsWith("10.", engineVersion);
        Assert.Equal($"Installed Packages\n  - Microsoft.Bcl.AsyncInterfaces, {engineVersion} (from the engine)", Assert.IsType<DisplayOutput>(sink.Outputs[0]).Data["text/plain"]);
        Assert.Equal("1", sink.Result.Data["text/plain"]);
    }

    [Fact]
    public async Task DisplayAs_shows_the_text_under_the_mime_type_it_names()
    {
        var sink = await _engine.RunOkAsync("\"<b>bold</b>\".DisplayAs(\"text/html\");");
        var shown = Assert.IsType<DisplayOutput>(Assert.Single(sink.Outputs));
        Assert.Equal("<b>bold</b>", shown.Data["text/html"]);
    }

    [Fact]
    public async Task A_value_displayed_with_the_formatting_api_is_shown_and_its_update_sent()
    {
        // Formatting 1.0.0-beta.26120.1 raises the first display with one display id and returns a DisplayedValue with
        // another, so its Update names an id no front end has seen (dotnet-interactive behaves the same); display(x)'s
        // handle is the one whose Update replaces the output.
        var sink = await _engine.RunOkAsync("var shown = 41.Display();\nshown.Update(42);");
        var first = Assert.IsType<DisplayOutput>(sink.Outputs[0]);
        var update = Assert.IsType<DisplayUpdateOutput>(sink.Outputs[1]);
        Assert.Equal("41", first.Data["text/plain"]);
        Assert.Equal("42", update.Data["text/plain"]);
        Assert.True(FormatterDisplayRouting.Installed);
    }

    [Fact]
    public async Task DisplayTable_shows_the_rows_as_a_table()
    {
        var sink = await _engine.RunOkAsync("new[] { new { Name = \"a\", Score = 1 }, new { Name = \"b\", Score = 2 } }.DisplayTable();");
        var shown = Assert.IsType<DisplayOutput>(Assert.Single(sink.Outputs));
        Assert.Contains(shown.Data.Values, text => text.Contains("Score", StringComparison.Ordinal) && text.Contains('b'));
    }

    [Fact]
    public async Task A_windows_style_relative_path_references_the_assembly()
    {
        // Its own working directory: the runner's tests change the process's current directory while they run.
        using var engine = new NotebookEngine(new EngineOptions { WorkingDirectory = AppContext.BaseDirectory });
        var sink = await engine.RunOkAsync("#r \".\\NotebookNN.Kernel.Tests.dll\"\ntypeof(NotebookNN.Kernel.Tests.Engine.GreetingExtension).Name");
        Assert.Equal("GreetingExtension", sink.Result.Data["text/plain"]);
    }

    [Fact]
    public async Task A_package_with_only_prerelease_versions_restores_without_a_version()
    {
        var cache = Directory.CreateTempSubdirectory("nnb-nuget-prerelease-");
        try
        {
            using var engine = new NotebookEngine(new EngineOptions { NuGetCacheDirectory = cache.FullName });
            var sink = await engine.RunOkAsync(
                "#r \"nuget: Microsoft.DotNet.Interactive.Documents\"\ntypeof(Microsoft.DotNet.Interactive.Documents.InteractiveDocument).Name",
                TimeSpan.FromMinutes(4));
            Assert.StartsWith("Installed Packages\n  - Microsoft.DotNet.Interactive.Documents, 1.0.0-beta.", Assert.IsType<DisplayOutput>(sink.Outputs[0]).Data["text/plain"]);
            Assert.Equal("InteractiveDocument", sink.Result.Data["text/plain"]);
        }
        finally
        {
            cache.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task An_html_cell_shows_its_text_as_html()
    {
        var sink = await _engine.RunOkAsync("#!html\n<b>bold</b>");
        Assert.Equal("<b>bold</b>", Assert.IsType<DisplayOutput>(Assert.Single(sink.Outputs)).Data["text/html"]);
    }

    [Fact]
    public async Task A_value_cell_becomes_a_string_variable_that_set_and_share_pass_on()
    {
        using var engine = new NotebookEngine();
        await engine.RunOkAsync("#!value --name greeting\nHello \"world\"\nsecond line");
        Assert.Equal("Hello \"world\"\nsecond line", (await engine.RunOkAsync("greeting")).Result.Data["text/plain"]);
        await engine.RunOkAsync("#!set --name answer --value 42\n#!set --name copy --value @csharp:greeting");
        Assert.Equal("42 True", (await engine.RunOkAsync("answer + \" \" + (copy == greeting)")).Result.Data["text/plain"]);
        await engine.RunOkAsync("#!share --from value greeting --as shared");
        Assert.Equal("True", (await engine.RunOkAsync("shared == greeting")).Result.Data["text/plain"]);
    }

    [Fact]
    public async Task Sharing_a_variable_that_does_not_exist_says_which_exist()
    {
        using var engine = new NotebookEngine();
        await engine.RunOkAsync("var present = 1;");
        var (result, sink) = await engine.RunAsync("#!share --from csharp absent");
        Assert.Equal(CellStatus.Error, result.Status);
        Assert.Equal("#!share: there is no variable 'absent' (variables: present). See #!share --help.", sink.Error.EValue);
    }

    [Fact]
    public async Task A_value_from_another_kernel_is_refused_with_the_kernel_named()
    {
        var (result, sink) = await _engine.RunAsync("#!set --name maxNum --value @fsharp:maxNum");
        Assert.Equal(CellStatus.Error, result.Status);
        Assert.Contains("'@fsharp:maxNum' is a value of .NET Interactive's F# kernel, which nnb does not have", sink.Error.EValue);
        (result, sink) = await _engine.RunAsync("#!share --from pwsh list");
        Assert.Equal(CellStatus.Error, result.Status);
        Assert.Contains("'list' would come from .NET Interactive's PowerShell kernel, which nnb does not have", sink.Error.EValue);
    }

    [Fact]
    public async Task A_cell_for_another_kernel_fails_with_one_line_naming_it()
    {
        var (result, sink) = await _engine.RunAsync("#!fsharp\nlet x = 1");
        Assert.Equal(CellStatus.Error, result.Status);
        Assert.Equal(NotebookEngine.OtherKernelErrorName, sink.Error.EName);
        Assert.StartsWith("This cell is for .NET Interactive's F# kernel (#!fsharp); nnb runs C# only", sink.Error.EValue);
        Assert.Single(sink.Error.Traceback);
    }

    [Fact]
    public async Task About_names_the_language_and_runtime_versions()
    {
        var sink = await _engine.RunOkAsync("#!about");
        var text = sink.Stream("stdout");
        Assert.Contains("C# 14.0", text);
        Assert.Contains($".NET {Environment.Version}", text);
        Assert.Contains("NotebookNN.Polyglot.KernelExtensionHosting", text);
    }

    [Fact]
    public async Task Import_runs_a_csharp_file_and_the_csharp_cells_of_a_notebook_in_the_session()
    {
        var folder = Directory.CreateTempSubdirectory("nnb-import-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "helpers.cs"), "static int Twice(int x) => 2 * x;\nvar fromFile = Twice(21);");
            File.WriteAllText(Path.Combine(folder.FullName, "setup.dib"),
                "#!meta\n\n{\"kernelInfo\":{\"defaultKernelName\":\"csharp\",\"items\":[{\"name\":\"csharp\"},{\"name\":\"fsharp\"}]}}\n\n"
                + "#!csharp\n\nvar fromDib = fromFile + 1;\n\n#!fsharp\n\nlet ignored = 1\n");
            using var engine = new NotebookEngine(new EngineOptions { WorkingDirectory = folder.FullName });
            var import = await engine.RunOkAsync("#!import helpers.cs\n#!import setup.dib");
            Assert.Equal("#!import: 1 cell(s) of setup.dib are for other kernels and were not run.\n", import.Stream("stdout"));
            Assert.Equal("42 43", (await engine.RunOkAsync("$\"{fromFile} {fromDib}\"")).Result.Data["text/plain"]);

            var (missing, sink) = await engine.RunAsync("#!import nothing.cs");
            Assert.Equal(CellStatus.Error, missing.Status);
            Assert.StartsWith("#!import: the file '", sink.Error.EValue);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Load_reads_a_csharp_file_relative_to_the_notebook_folder()
    {
        var folder = Directory.CreateTempSubdirectory("nnb-load-");
        try
        {
            Directory.CreateDirectory(Path.Combine(folder.FullName, "examples"));
            File.WriteAllText(Path.Combine(folder.FullName, "examples", "Greeter.cs"),
                "public class Greeter { public string Hi() => \"hi from a loaded file\"; }");
            using var engine = new NotebookEngine(new EngineOptions { WorkingDirectory = folder.FullName });
            var sink = await engine.RunOkAsync("#load \"examples/Greeter.cs\"\nnew Greeter().Hi()");
            Assert.Equal("hi from a loaded file", sink.Result.Data["text/plain"]);

            var (missing, error) = await engine.RunAsync("#load \"examples/Missing.cs\"");
            Assert.Equal(CellStatus.Error, missing.Status);
            Assert.Contains("CS1504", error.Error.EValue);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Built_in_packages_are_read_from_a_published_deps_file_with_a_runtime_specific_target()
    {
        var folder = Directory.CreateTempSubdirectory("nnb-deps-");
        try
        {
            foreach (var file in new[] { "Lib.dll", "Dep.dll" }) File.WriteAllText(Path.Combine(folder.FullName, file), "");
            File.WriteAllText(Path.Combine(folder.FullName, "app.deps.json"), """
                {"targets": {
                  ".NETCoreApp,Version=v10.0": {},
                  ".NETCoreApp,Version=v10.0/linux-x64": {
                    "Lib/1.2.0": { "dependencies": { "Dep": "3.0.0" }, "runtime": { "Lib.dll": {} } },
                    "Dep/3.0.0": { "runtime": { "lib/net8.0/Dep.dll": {} } }
                  }
                }}
                """);
            var packages = BuiltInPackages.Read(folder.FullName, "app");
            Assert.Equal("1.2.0", packages.VersionOf("Lib"));
            Assert.Equal(["Lib.dll", "Dep.dll"], packages.Assemblies("Lib")!.Select(Path.GetFileName));
            Assert.True(packages.Serves("Lib", "1.0"));
            Assert.False(packages.Serves("Lib", "2.0"));
            Assert.Null(packages.Assemblies("Other"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
