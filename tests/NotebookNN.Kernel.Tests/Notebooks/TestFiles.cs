using System.Diagnostics;

namespace NotebookNN.Kernel.Tests.Notebooks;

/// <summary>Paths to the committed fixtures and a scratch folder per test class.</summary>
internal static class TestFiles
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NotebookNN.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No NotebookNN.sln above {AppContext.BaseDirectory}; run the tests from the repository.");
    });

    public static string RepoRoot => Root.Value;

    public static string Fixtures => Path.Combine(RepoRoot, "tests", "NotebookNN.Kernel.Tests", "Fixtures");

    public static string Fixture(params string[] parts) => Path.Combine([Fixtures, .. parts]);

    private static readonly List<string> Scratch = CleanUpAtExit();

    /// <summary>A new empty folder, deleted when the test process ends.</summary>
    public static string NewScratchFolder()
    {
        var dir = Directory.CreateTempSubdirectory("nnb-tests-");
        lock (Scratch) Scratch.Add(dir.FullName);
        return dir.FullName;
    }

    private static List<string> CleanUpAtExit()
    {
        var folders = new List<string>();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            lock (folders)
                foreach (var folder in folders.Where(Directory.Exists))
                    Directory.Delete(folder, recursive: true);
        };
        return folders;
    }
}

/// <summary>Validates a notebook file with Debian's python3-nbformat against the official nbformat schema.</summary>
internal static class Nbformat
{
    public const string Python = "/usr/bin/python3";

    /// <summary>Null when the file is valid; else nbformat's complaint.</summary>
    public static string? Validate(string path)
    {
        var info = new ProcessStartInfo(Python)
        {
            ArgumentList =
            {
                "-c", "import nbformat,sys; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))", path,
            },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? null : error;
    }
}
