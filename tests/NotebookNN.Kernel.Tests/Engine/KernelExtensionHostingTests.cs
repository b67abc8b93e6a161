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
    public void Only_the_csharp_cells_of_an_extension_script_run()
    {
        const string dib = "#!meta\n\n{\"kernelInfo\":{}}\n\n#!csharp\n\nvar a = 1;\n#!nn-seed 1\n\n#!fsharp\n\nlet b = 2\n\n#!csharp\n\nConsole.WriteLine(a);\n";
        Assert.Equal(["var a = 1;\n#!nn-seed 1", "Console.WriteLine(a);"], KernelExtensionHosting.CSharpCells(dib));
    }
}
