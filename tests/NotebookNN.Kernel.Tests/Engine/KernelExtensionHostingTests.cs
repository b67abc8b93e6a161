using NotebookNN.Kernel.Engine;
using NotebookNN.Polyglot;

namespace NotebookNN.Kernel.Tests.Engine;

/// <summary>Packages that carry .NET Interactive extensions, in nnb (through the compatibility layer it loads).</summary>
public sealed class KernelExtensionHostingTests
{
    private const string PlotlyInteractive = "#r \"nuget: Plotly.NET.Interactive, 6.0.0\"";
    private const string Chart = "Plotly.NET.GenericChart.ofTraceObject(true, new Plotly.NET.Trace(\"scatter\"))";

    [Fact]
    public async Task A_package_extension_is_loaded_and_its_formatter_shows_the_value()
    {
        using var engine = new NotebookEngine();
        var load = await engine.RunOkAsync(PlotlyInteractive, TimeSpan.FromMinutes(4));
        Assert.Equal("Loaded the .NET Interactive extension Plotly.NET.Interactive.FormatterKernelExtension from Plotly.NET.Interactive 6.0.0.\n",
            load.Stream("stdout"));
        var chart = await engine.RunOkAsync(Chart);
        Assert.Contains("Plotly.newPlot", chart.Result.Data["text/html"]);
        // The kernel the extension was given does not echo displays to the console.
        var shown = await engine.RunOkAsync("42.Display();");
        Assert.IsType<DisplayOutput>(Assert.Single(shown.Outputs));
    }

    [Fact]
    public async Task Without_the_compatibility_layer_the_engine_still_references_the_package()
    {
        using var engine = new NotebookEngine(new EngineOptions { StartupExtensions = [] });
        var load = await engine.RunOkAsync(PlotlyInteractive, TimeSpan.FromMinutes(4));
        Assert.Equal("", load.Stream("stdout"));
        var chart = await engine.RunOkAsync("typeof(Plotly.NET.GenericChart).Name");
        Assert.Equal("GenericChart", chart.Result.Data["text/plain"]);
    }

    [Fact]
    public void The_build_declares_the_compatibility_layer_as_a_startup_extension()
    {
        Assert.Equal(["NotebookNN.Polyglot"], EngineOptions.DeclaredStartupExtensions());
    }

    [Fact]
    public void Adapters_of_native_extensions_are_told_from_foreign_extensions_by_their_metadata()
    {
        var folder = AppContext.BaseDirectory;
        Assert.True(KernelExtensionHosting.ReferencesContract(Path.Combine(folder, "NotebookNN.Polyglot.dll")));
        Assert.False(KernelExtensionHosting.ReferencesContract(Path.Combine(folder, "Microsoft.DotNet.Interactive.dll")));
    }

    [Fact]
    public async Task The_csharp_cells_of_a_packages_extension_script_run_in_the_session()
    {
        // A real package in a local folder: its interactive-extensions/dotnet/extension.dib declares a variable in one
        // C# cell, uses it in another, runs a magic, and has an F# cell nnb skips.
        const string id = "NnbTest.DibExtension";
        var version = "1.0.0-t" + DateTime.UtcNow.Ticks;
        var packagesRoot = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                           ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var cached = Path.Combine(packagesRoot, id.ToLowerInvariant());
        if (Directory.Exists(cached)) Directory.Delete(cached, recursive: true); // earlier runs' versions
        var feed = Directory.CreateTempSubdirectory("nnb-dib-feed-").FullName;
        using (var package = System.IO.Compression.ZipFile.Open(Path.Combine(feed, $"{id}.{version}.nupkg"), System.IO.Compression.ZipArchiveMode.Create))
        {
            void Add(string name, string text)
            {
                using var writer = new StreamWriter(package.CreateEntry(name).Open());
                writer.Write(text);
            }
            Add(id + ".nuspec", $"<?xml version=\"1.0\"?><package xmlns=\"http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd\"><metadata>"
                                + $"<id>{id}</id><version>{version}</version><authors>nnb</authors><description>A test extension script.</description></metadata></package>");
            Add("interactive-extensions/dotnet/extension.dib",
                "#!meta\n\n{\"kernelInfo\":{}}\n\n#!csharp\n\nvar fromScript = 41;\n#!who\n\n#!fsharp\n\nlet b = 2\n\n#!csharp\n\nfromScript += 1;\n");
        }
        using var engine = new NotebookEngine();
        var load = await engine.RunOkAsync($"#i \"nuget: {feed}\"\n#r \"nuget: {id}, {version}\"", TimeSpan.FromMinutes(4));
        var stdout = load.Stream("stdout");
        Assert.Contains("fromScript", stdout); // #!who ran inside the script
        Assert.Contains("#!import: 1 cell(s) of extension.dib are for other kernels and were not run.", stdout);
        Assert.EndsWith($"Ran the .NET Interactive extension script extension.dib from {id} {version}.\n", stdout);
        Assert.Equal("42", (await engine.RunOkAsync("fromScript")).Result.Data["text/plain"]);
        Directory.Delete(cached, recursive: true);
    }
}
