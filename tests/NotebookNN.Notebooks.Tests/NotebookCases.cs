using NotebookNN.Kernel.Runner;

namespace NotebookNN.Notebooks.Tests;

/// <summary>The notebooks the harness runs: every notebook under the repository's notebooks/ folder, plus the
/// harness's own sample (so the harness runs a real notebook even before notebooks/ has any).</summary>
public static class NotebookCases
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NotebookNN.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No NotebookNN.sln above {AppContext.BaseDirectory}; run the harness from the repository.");
    });

    /// <summary>The repository root: the folder holding NotebookNN.sln.</summary>
    public static string RepoRoot => Root.Value;

    public static string SamplePath => Path.Combine(RepoRoot, "tests", "NotebookNN.Notebooks.Tests", "Samples", "harness-sample.ipynb");

    /// <summary>Notebook paths relative to the repository root, with '/' separators (stable test names).</summary>
    public static IEnumerable<string> All()
    {
        foreach (var notebook in RunPlanner.FindNotebooks(Path.Combine(RepoRoot, "notebooks")))
            yield return Relative(notebook);
        yield return Relative(SamplePath);
    }

    public static TheoryData<string> Data()
    {
        var data = new TheoryData<string>();
        foreach (var notebook in All()) data.Add(notebook);
        return data;
    }

    public static string FullPath(string relative) => Path.Combine(RepoRoot, relative.Replace('/', Path.DirectorySeparatorChar));

    private static string Relative(string path) => Path.GetRelativePath(RepoRoot, path).Replace(Path.DirectorySeparatorChar, '/');
}
