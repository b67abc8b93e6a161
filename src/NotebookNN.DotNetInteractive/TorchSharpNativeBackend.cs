using System.Reflection;
using System.Runtime.InteropServices;
using NotebookNN.Build;

namespace NotebookNN.DotNetInteractive;

/// <summary>
/// Makes TorchSharp's native backend loadable in a host that references packages straight from the NuGet cache
/// (.NET Interactive): there TorchSharp finds neither libtorch (no deps.json entry) nor, on Debian 12 and Ubuntu
/// 22.04, a libstdc++ new enough for its shim (it asks for GLIBCXX_3.4.32). This class
/// <list type="number">
/// <item>finds the restored libtorch package beside TorchSharp's (CPU: <c>libtorch-cpu-linux-x64</c>; CUDA: the
/// <c>libtorch-cuda-*-linux-x64*</c> parts) and loads its libraries by absolute path,</item>
/// <item>copies <c>libLibTorchSharp.so</c> to a private folder (<c>$XDG_CACHE_HOME/notebooknn/native</c>) and marks
/// the GLIBCXX_3.4.32 need weak there, only where the host's libstdc++ lacks that version (the build's own patch,
/// <see cref="ElfVersionNeedPatcher"/>); the NuGet cache is never written,</item>
/// <item>answers TorchSharp's own native lookups (<c>LibTorchSharp</c>, <c>torch_cpu</c>, <c>torch_cuda</c>) with
/// those libraries.</item>
/// </list>
/// Where TorchSharp already loads (nnb's build output, a host whose deps.json lists libtorch) nothing is done.
/// </summary>
public static class TorchSharpNativeBackend
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, IntPtr> Loaded = new(StringComparer.Ordinal);
    private static bool _prepared;

    /// <summary>Prepares the backend once per process; returns messages for the notebook user (empty when all is well).</summary>
    public static IReadOnlyList<string> Prepare()
    {
        lock (Gate)
        {
            if (_prepared) return [];
            var torchSharp = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == "TorchSharp");
            if (torchSharp is null || !OperatingSystem.IsLinux()) return [];
            _prepared = true;
            try
            {
                return PrepareFrom(torchSharp);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or DllNotFoundException or InvalidDataException or InvalidOperationException)
            {
                return [$"NotebookNN: TorchSharp's native backend could not be prepared ({e.GetType().Name}: {e.Message}). " +
                        "Reference a backend package (#r \"nuget: TorchSharp-cpu\") and check that the NuGet cache is readable."];
            }
        }
    }

    private static IReadOnlyList<string> PrepareFrom(Assembly torchSharp)
    {
        // Already loadable the ordinary way (e.g. an application that lists libtorch in its deps.json).
        if (NativeLibrary.TryLoad("LibTorchSharp", torchSharp, null, out _)) return [];

        // .../packages/torchsharp/<version>/lib/<tfm>/TorchSharp.dll
        var libFolder = Path.GetDirectoryName(torchSharp.Location)!;
        var home = Path.GetFullPath(Path.Combine(libFolder, "..", ".."));
        var packages = Path.GetFullPath(Path.Combine(home, "..", ".."));
        var version = Path.GetFileName(home);
        var rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        var shim = Path.Combine(home, "runtimes", rid, "native", "libLibTorchSharp.so");
        if (!File.Exists(shim))
            return [$"NotebookNN: TorchSharp {version} has no native shim for {rid} at {shim}; TorchSharp cannot run on this machine."];

        var libtorch = LibTorchFolders(packages, rid);
        if (libtorch.Count == 0)
            return [$"NotebookNN: TorchSharp {version} is referenced but no libtorch backend was restored beside it in {packages}. " +
                    "Add a backend package to the notebook: #r \"nuget: TorchSharp-cpu\" (or TorchSharp-cuda-linux for an NVIDIA GPU)."];

        // libtorch's own libraries keep their folder, so their $ORIGIN dependencies (libgomp, CUDA parts) resolve there.
        foreach (var name in new[] { "libc10.so", "libtorch_cpu.so", "libc10_cuda.so", "libtorch_cuda.so", "libtorch.so" })
            if (libtorch.Select(folder => Path.Combine(folder, name)).FirstOrDefault(File.Exists) is { } path)
                Loaded[Path.GetFileNameWithoutExtension(name)[3..]] = NativeLibrary.Load(path);

        var privateShim = PrivateCopy(shim, version);
        Loaded["LibTorchSharp"] = NativeLibrary.Load(privateShim);
        NativeLibrary.SetDllImportResolver(torchSharp, (name, _, _) =>
            Loaded.TryGetValue(name.StartsWith("lib", StringComparison.Ordinal) ? Path.GetFileNameWithoutExtension(name)[3..] : name, out var handle)
                ? handle : IntPtr.Zero);
        return [];
    }

    /// <summary>The native folders of the restored libtorch packages, CPU first.</summary>
    internal static IReadOnlyList<string> LibTorchFolders(string packages, string rid)
    {
        if (!Directory.Exists(packages)) return [];
        return Directory.EnumerateDirectories(packages, "libtorch-*")
            .Where(d => Path.GetFileName(d).Contains(rid, StringComparison.Ordinal))
            .OrderBy(d => Path.GetFileName(d).Contains("cuda", StringComparison.Ordinal) ? 1 : 0)
            .SelectMany(d => Directory.EnumerateDirectories(d).OrderByDescending(v => v, StringComparer.Ordinal).Take(1))
            .Select(v => Path.Combine(v, "runtimes", rid, "native"))
            .Where(Directory.Exists)
            .ToList();
    }

    /// <summary>A private copy of the shim, patched where the host needs it; reused when it is already there.</summary>
    internal static string PrivateCopy(string shim, string version)
    {
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        var folder = Path.Combine(cache, "notebooknn", "native", "torchsharp-" + version);
        Directory.CreateDirectory(folder);
        var copy = Path.Combine(folder, "libLibTorchSharp.so");
        var source = new FileInfo(shim);
        if (!File.Exists(copy) || new FileInfo(copy).Length != source.Length)
        {
            // Copy to a sibling and move over, so a reader in another process never sees half a library.
            var temp = copy + "." + Environment.ProcessId + ".tmp";
            File.Copy(shim, temp, overwrite: true);
            File.Move(temp, copy, overwrite: true);
        }
        ElfVersionNeedPatcher.PatchIfNeeded(copy, ElfVersionNeedPatcher.FindHostLibStdCxx());
        return copy;
    }
}
