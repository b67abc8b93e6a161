using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using NotebookNN.Build;

namespace NotebookNN.Tests.Build;

/// <summary>The build's patch of TorchSharp's native shim: it loads, it is idempotent, and it only runs where needed.</summary>
public sealed class GlibcxxPatchTests : IDisposable
{
    const string Need = ElfVersionNeedPatcher.TorchSharpNeed;
    readonly string _dir = Directory.CreateTempSubdirectory("nnb-elf-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static string OutputShim => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    static string PristineShim
    {
        get
        {
            string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                          ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            string path = Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
            Assert.True(File.Exists(path), $"TorchSharp's package copy of the shim is expected at {path}");
            return path;
        }
    }

    static bool HostHasNeed()
    {
        string? host = ElfVersionNeedPatcher.FindHostLibStdCxx();
        Assert.NotNull(host);
        return ElfVersionNeedPatcher.DefinedVersions(host!).Contains(Need);
    }

    static string Sha256(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public void The_package_shim_asks_for_GLIBCXX_3_4_32_strongly()
    {
        var need = ElfVersionNeedPatcher.ReadVersionNeeds(PristineShim).Single(n => n.Name == Need);
        Assert.False(need.Weak);
    }

    [Fact]
    public void The_build_output_shim_is_weak_exactly_when_the_host_lacks_the_version_and_torch_runs()
    {
        bool weak = ElfVersionNeedPatcher.ReadVersionNeeds(OutputShim).Single(n => n.Name == Need).Weak;
        Assert.Equal(!HostHasNeed(), weak);
        // Loading TorchSharp goes through the output shim: this is the library a notebook uses.
        using var t = TorchSharp.torch.arange(6).reshape(2, 3).sum();
        Assert.Equal(15L, t.item<long>());
    }

    [Fact]
    public void The_unpatched_shim_fails_to_load_on_this_host_and_the_patched_one_loads()
    {
        // Beside the other native libraries, so the shim's $ORIGIN run path finds libtorch.
        string nativeDir = Path.GetDirectoryName(OutputShim)!;
        string copy = Path.Combine(nativeDir, $"libLibTorchSharp.test-{Guid.NewGuid():N}.so");
        File.Copy(PristineShim, copy);
        try
        {
            bool pristineLoads = NativeLibrary.TryLoad(copy, out var handle);
            if (pristineLoads) NativeLibrary.Free(handle);
            Assert.Equal(HostHasNeed(), pristineLoads);

            var outcome = ElfVersionNeedPatcher.PatchIfNeeded(copy, ElfVersionNeedPatcher.FindHostLibStdCxx());
            Assert.Equal(HostHasNeed() ? PatchOutcome.NotNeeded : PatchOutcome.Patched, outcome);
            Assert.True(NativeLibrary.TryLoad(copy, out handle), "the patched shim must load");
            NativeLibrary.Free(handle);
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [Fact]
    public void Patching_changes_only_the_flags_of_that_need_and_a_second_run_changes_no_byte()
    {
        string copy = Path.Combine(_dir, "libLibTorchSharp.so");
        File.Copy(PristineShim, copy);
        byte[] before = File.ReadAllBytes(copy);

        Assert.Equal(PatchOutcome.Patched, ElfVersionNeedPatcher.MarkNeedWeak(copy, Need));
        byte[] once = File.ReadAllBytes(copy);
        var flagsOffset = ElfVersionNeedPatcher.ReadVersionNeeds(copy).Single(n => n.Name == Need).FlagsOffset;
        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != once[i]).ToArray();
        Assert.Equal(new[] { (int)flagsOffset }, changed);
        Assert.Equal(before[flagsOffset] | 0x2, once[flagsOffset]);

        string hash = Sha256(copy);
        Assert.Equal(PatchOutcome.AlreadyWeak, ElfVersionNeedPatcher.MarkNeedWeak(copy, Need));
        Assert.Equal(hash, Sha256(copy));
        // Every other version need keeps its strength.
        Assert.All(ElfVersionNeedPatcher.ReadVersionNeeds(copy).Where(n => n.Name != Need),
            n => Assert.Equal(ElfVersionNeedPatcher.ReadVersionNeeds(PristineShim).Single(p => p.FlagsOffset == n.FlagsOffset).Weak, n.Weak));
    }

    [Fact]
    public void The_patch_is_skipped_where_the_host_libstdcxx_defines_the_version()
    {
        string newer = BuildFakeLibStdCxx("newer", "GLIBCXX_3.4.30", "GLIBCXX_3.4.31", Need);
        string older = BuildFakeLibStdCxx("older", "GLIBCXX_3.4.29", "GLIBCXX_3.4.30");
        Assert.Contains(Need, ElfVersionNeedPatcher.DefinedVersions(newer));
        Assert.DoesNotContain(Need, ElfVersionNeedPatcher.DefinedVersions(older));

        string copy = Path.Combine(_dir, "libLibTorchSharp.so");
        File.Copy(PristineShim, copy);
        string hash = Sha256(copy);
        Assert.Equal(PatchOutcome.NotNeeded, ElfVersionNeedPatcher.PatchIfNeeded(copy, newer));
        Assert.Equal(hash, Sha256(copy));

        Assert.Equal(PatchOutcome.Patched, ElfVersionNeedPatcher.PatchIfNeeded(copy, older));
        Assert.NotEqual(hash, Sha256(copy));
    }

    [Fact]
    public void A_library_without_that_need_is_left_alone_and_a_non_ELF_file_is_refused_clearly()
    {
        string lib = BuildFakeLibStdCxx("plain", "V_1");
        string hash = Sha256(lib);
        Assert.Equal(PatchOutcome.NoSuchNeed, ElfVersionNeedPatcher.MarkNeedWeak(lib, Need));
        Assert.Equal(hash, Sha256(lib));

        string text = Path.Combine(_dir, "not-elf.so");
        File.WriteAllText(text, "hello");
        var error = Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.MarkNeedWeak(text, Need));
        Assert.Contains("not an ELF file", error.Message);
    }

    /// <summary>A real shared library that defines the given symbol versions, made with the system C compiler.</summary>
    string BuildFakeLibStdCxx(string name, params string[] versions)
    {
        string source = Path.Combine(_dir, name + ".c");
        string script = Path.Combine(_dir, name + ".map");
        string output = Path.Combine(_dir, $"lib{name}.so.6");
        File.WriteAllText(source, "int nnb_marker(void) { return 42; }\n");
        // Each version node exports the marker once; a version script needs at least one global per node only for the last.
        var nodes = versions.Select((v, i) => i == versions.Length - 1 ? $"{v} {{ global: nnb_marker; local: *; }};" : $"{v} {{ }};");
        File.WriteAllText(script, string.Join("\n", nodes) + "\n");
        var psi = new ProcessStartInfo("cc", $"-shared -fPIC -o {output} {source} -Wl,--version-script={script}")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(psi)!;
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"cc failed: {stderr}");
        return output;
    }
}
