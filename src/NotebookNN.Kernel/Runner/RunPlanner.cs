using NotebookNN.Kernel.Notebooks;

namespace NotebookNN.Kernel.Runner;

/// <summary>A mistake in how <c>nnb run</c> was called (exit code 2); the message says what to do instead.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>Turns the paths given to <c>nnb run</c> into notebook jobs: folders are searched, outputs placed.</summary>
public static class RunPlanner
{
    public const string ExecutedFolderName = "executed";

    // Folders that hold copies or build output, never source notebooks.
    private static readonly HashSet<string> IgnoredFolders = new(StringComparer.OrdinalIgnoreCase)
    {
        ExecutedFolderName, ".ipynb_checkpoints", "bin", "obj", "node_modules",
    };

    /// <summary>The default output: <c>executed/NAME.ipynb</c> beside the notebook.</summary>
    public static string DefaultOutputPath(string inputPath)
    {
        var full = Path.GetFullPath(inputPath);
        return Path.Combine(Path.GetDirectoryName(full)!, ExecutedFolderName, Path.GetFileNameWithoutExtension(full) + NotebookFile.IpynbExtension);
    }

    /// <summary>The jobs for <paramref name="paths"/>, in a stable order (each argument's notebooks sorted by path).</summary>
    /// <param name="outputDirectory">Where executed copies go; null for the default <c>executed/</c> folders.</param>
    /// <exception cref="UsageException">A path is missing or not a notebook, a folder has none, or two outputs collide.</exception>
    public static IReadOnlyList<NotebookJob> Plan(IReadOnlyList<string> paths, string? outputDirectory, bool inPlace)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0)
            throw new UsageException("Name at least one notebook (.ipynb or .dib) or folder, e.g. `nnb run notebooks`.");
        if (inPlace && outputDirectory is not null)
            throw new UsageException("--in-place and --output-dir exclude each other: write the executed copies either over the inputs or into a folder.");

        var jobs = new List<NotebookJob>();
        var seenInputs = new HashSet<string>(StringComparer.Ordinal);
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            foreach (var (input, relative) in Expand(path))
            {
                if (!seenInputs.Add(input)) continue;
                if (inPlace && NotebookFile.IsDib(input))
                    throw new UsageException($"{relative} is a .dib file, which cannot hold outputs, so --in-place cannot run it; use --output-dir.");
                var output = inPlace ? input
                    : outputDirectory is null ? DefaultOutputPath(input)
                    : Path.GetFullPath(Path.Combine(outputDirectory, Path.ChangeExtension(relative, NotebookFile.IpynbExtension)));
                if (outputs.TryGetValue(output, out var other))
                    throw new UsageException($"{other} and {relative} would both be written to {output}; run them separately or rename one.");
                outputs[output] = relative;
                jobs.Add(new NotebookJob(input, output, inPlace, relative));
            }
        }
        return jobs;
    }

    /// <summary>The notebooks a path names, each with its path relative to the folder given (or its file name).</summary>
    private static IEnumerable<(string Input, string Relative)> Expand(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new UsageException("An empty path was given; name a notebook or a folder.");
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            if (!NotebookFile.IsNotebookPath(full))
                throw new UsageException($"{path} is not a notebook: nnb runs .ipynb and .dib files.");
            return [(full, Path.GetFileName(full))];
        }
        if (!Directory.Exists(full))
            throw new UsageException($"{path} does not exist; name a notebook (.ipynb or .dib) or a folder of notebooks.");

        var found = FindNotebooks(full).Select(file => (Input: file, Relative: Path.GetRelativePath(full, file))).ToList();
        if (found.Count == 0)
            throw new UsageException($"{path} holds no notebooks (.ipynb or .dib) outside executed/ and hidden folders.");
        return found;
    }

    /// <summary>
    /// The notebooks (.ipynb, .dib) under <paramref name="folder"/>, sorted by relative path, leaving out executed
    /// copies, checkpoints, build output and hidden folders. Empty when the folder does not exist.
    /// </summary>
    public static IReadOnlyList<string> FindNotebooks(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var full = Path.GetFullPath(folder);
        if (!Directory.Exists(full)) return [];
        return Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories)
            .Where(NotebookFile.IsNotebookPath)
            .Where(file => !InIgnoredFolder(Path.GetRelativePath(full, file)))
            .OrderBy(file => Path.GetRelativePath(full, file), StringComparer.Ordinal)
            .ToList();
    }

    private static bool InIgnoredFolder(string relative)
    {
        var folders = relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)[..^1];
        return folders.Any(f => IgnoredFolders.Contains(f) || f.StartsWith('.'));
    }
}
