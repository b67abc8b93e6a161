using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

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
    public void Package_holds_the_library_and_the_dotnet_interactive_adapter()
    {
        using var zip = ZipFile.OpenRead(_package.Value);
        var names = zip.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("interactive-extensions/dotnet/NotebookNN.DotNetInteractive.dll", names);
        Assert.Contains("lib/net10.0/NotebookNN.Interactive.dll", names);
        Assert.DoesNotContain(names, n => n.EndsWith(".dib", StringComparison.Ordinal));

        var nuspec = XDocument.Load(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var dependencies = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).ToList();
        Assert.Contains("Microsoft.DotNet.Interactive.Formatting", dependencies);
        Assert.Contains("Plotly.NET", dependencies);
        Assert.Contains("NotebookNN", dependencies);
        Assert.Contains("NotebookNN.Extensibility", dependencies);
        // The host brings its own kernel API; the package must not pull a second copy in.
        Assert.DoesNotContain("Microsoft.DotNet.Interactive", dependencies);
        Assert.DoesNotContain("NotebookNN.DotNetInteractive", dependencies);
    }

    [Fact]
    public void Packaged_adapter_is_a_kernel_extension_that_references_only_the_contract()
    {
        using var zip = ZipFile.OpenRead(_package.Value);
        using var stream = new MemoryStream();
        zip.GetEntry("interactive-extensions/dotnet/NotebookNN.DotNetInteractive.dll")!.Open().CopyTo(stream);
        var context = new System.Runtime.Loader.AssemblyLoadContext("adapter-inspection", isCollectible: true);
        try
        {
            stream.Position = 0;
            var adapter = context.LoadFromStream(stream);
            var references = adapter.GetReferencedAssemblies().Select(a => a.Name).ToList();
            Assert.Contains("Microsoft.DotNet.Interactive", references);
            Assert.Contains("NotebookNN.Extensibility", references);
            Assert.DoesNotContain("NotebookNN.Interactive", references);
            Assert.DoesNotContain("TorchSharp", references);
        }
        finally
        {
            context.Unload();
        }
    }
}
