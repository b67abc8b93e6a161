using System.Text.Json.Nodes;
using NotebookNN.Kernel.Jupyter;

namespace NotebookNN.Kernel.Tests.Jupyter;

public class KernelSpecInstallerTests : IDisposable
{
    private readonly string _prefix = Path.Combine(Path.GetTempPath(), "nnb-spec-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_prefix))
            Directory.Delete(_prefix, recursive: true);
    }

    [Fact]
    public void Run_from_a_dotnet_tool_store_the_kernel_starts_the_tools_shim_and_otherwise_no_shim_is_used()
    {
        // The layout `dotnet tool install --tool-path TOOLS` makes: the shim in TOOLS, the files in a versioned store.
        var tools = Path.Combine(_prefix, "tools");
        var assembly = Path.Combine(tools, ".store", "notebooknn.tool", "0.1.0", "notebooknn.tool.linux-x64", "0.1.0", "tools", "net10.0", "linux-x64", "nnb.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(assembly)!);
        File.WriteAllText(assembly, "");

        Assert.Null(KernelSpecInstaller.ToolShim(assembly));
        File.WriteAllText(Path.Combine(tools, "nnb"), "#!/bin/sh\n");
        Assert.Equal(Path.Combine(tools, "nnb"), KernelSpecInstaller.ToolShim(assembly));
        // A clone's build output is not a tool store.
        Assert.Null(KernelSpecInstaller.ToolShim(typeof(KernelSpecInstaller).Assembly.Location));
    }

    [Fact]
    public void Prefix_install_writes_kernel_json_and_both_logos_under_share_jupyter_kernels()
    {
        string dir = KernelSpecInstaller.Install(KernelSpecScope.Prefix, _prefix, "notebooknn", ["/opt/nnb/nnb"]);

        Assert.Equal(Path.Combine(_prefix, "share", "jupyter", "kernels", "notebooknn"), dir);
        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "kernel.json")))!.AsObject();
        Assert.Equal(["/opt/nnb/nnb", "kernel", "-f", "{connection_file}"], spec["argv"]!.AsArray().Select(n => (string)n!));
        Assert.Equal("C# (NotebookNN)", (string)spec["display_name"]!);
        Assert.Equal("C#", (string)spec["language"]!);
        Assert.Equal("message", (string)spec["interrupt_mode"]!);
        Assert.Equal("33554432", (string)spec["env"]!["MALLOC_MMAP_THRESHOLD_"]!);
        Assert.Equal("8589934592", (string)spec["env"]!["MALLOC_TRIM_THRESHOLD_"]!);
        foreach (var (file, size) in new[] { ("logo-32x32.png", 32), ("logo-64x64.png", 64) })
        {
            byte[] png = File.ReadAllBytes(Path.Combine(dir, file));
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
            Assert.Equal(size, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
            Assert.Equal(size, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("../escape")]
    public void Invalid_kernel_names_are_rejected_with_advice(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => KernelSpecInstaller.Install(KernelSpecScope.Prefix, _prefix, name, ["nnb"]));
        Assert.Contains("letters, digits", e.Message);
        Assert.False(Directory.Exists(_prefix));
    }

    [Fact]
    public void Prefix_scope_without_a_directory_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => KernelSpecInstaller.KernelsDirectory(KernelSpecScope.Prefix, " "));
        Assert.Contains("--prefix needs a directory", e.Message);
    }

    [Fact]
    public void Current_launcher_points_at_existing_absolute_files()
    {
        var launcher = KernelSpecInstaller.CurrentLauncher();
        Assert.True(Path.IsPathRooted(launcher[0]) && File.Exists(launcher[0]), launcher[0]);
        Assert.Contains(launcher, part => Path.GetFileNameWithoutExtension(part) == "nnb");
    }
}
