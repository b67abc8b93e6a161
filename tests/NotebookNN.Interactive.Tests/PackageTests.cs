using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using NotebookNN.Interactive.Extensibility;
using NotebookNN.Interactive.Magics;

namespace NotebookNN.Interactive.Tests;

/// <summary>Packs NotebookNN.Interactive (from the build the tests already use) and checks the layout a legacy
/// .NET Interactive host relies on.</summary>
public class PackageTests
{
#if DEBUG
    const string Configuration = "Debug";
#else
    const string Configuration = "Release";
#endif

    static readonly Lazy<string> _package = new(Pack);

    static string Pack()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "NotebookNN.sln")))
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("NotebookNN.sln not found above the test output folder.");
        string output = Path.Combine(Path.GetTempPath(), "nnb-pack-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet", ["pack", Path.Combine(root, "src", "NotebookNN.Interactive"), "--no-build", "-c", Configuration, "-o", output, "-v", "q"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        string log = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "dotnet pack failed:\n" + log);
        return Directory.GetFiles(output, "NotebookNN.Interactive.*.nupkg").Single();
    }

    [Fact]
    public void PackageHoldsTheLibraryAndTheExtensionScript()
    {
        using var zip = ZipFile.OpenRead(_package.Value);
        var names = zip.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("interactive-extensions/dotnet/extension.dib", names);
        Assert.Contains("lib/net10.0/NotebookNN.Interactive.dll", names);

        var nuspec = XDocument.Load(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var dependencies = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).ToList();
        Assert.Contains("Microsoft.DotNet.Interactive.Formatting", dependencies);
        Assert.Contains("Plotly.NET", dependencies);
        Assert.Contains("NotebookNN", dependencies);
    }

    [Fact]
    public void ExtensionScriptRegistersFormattersAndEveryMagic()
    {
        using var zip = ZipFile.OpenRead(_package.Value);
        using var reader = new StreamReader(zip.GetEntry("interactive-extensions/dotnet/extension.dib")!.Open());
        string dib = reader.ReadToEnd();
        Assert.StartsWith("#!meta", dib);
        Assert.Contains("\n#!csharp\n", dib);
        Assert.Contains("NotebookNN.Interactive.Formatters.Register();", dib);
        Assert.Contains("KernelInvocationContext.Current.HandlingKernel.RootKernel", dib);
        foreach (var magic in NotebookNNMagics.All)
        {
            Assert.Contains($"Directive(\"{magic.Name}\"", dib);
            Assert.Contains($"RunAsync(\"{magic.Name}\"", dib);
        }
        Assert.Contains("NotebookNN.Interactive.Magics.LegacyHostBridge.InvokeAsync", dib);
    }

    [Fact]
    public async Task BridgeRunsMagicsWithTheHostsDelegates()
    {
        Assert.Equal(["--precision", "3", "--reset", "cpu"],
            LegacyHostBridge.Arguments(("precision", "3"), ("edgeitems", null), ("reset", true), ("sci-mode", ""), ("", "cpu")));
        var lines = new List<string>();
        await LegacyHostBridge.InvokeAsync("nn-device", ["cpu"], _ => { }, lines.Add, _ => Task.FromResult<object?>(null));
        Assert.StartsWith("Default device: cpu", Assert.Single(lines));
        await Assert.ThrowsAsync<MagicCommandException>(() => LegacyHostBridge.InvokeAsync("nn-nothing", [], _ => { }, _ => { }, _ => Task.FromResult<object?>(null)));
    }
}
