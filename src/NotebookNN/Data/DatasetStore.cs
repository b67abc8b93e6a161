using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace NotebookNN.Data;

/// <summary>A shipped data file: where it lies under the datasets folder, its size and SHA-256, and where to get it.</summary>
/// <param name="RelativePath">The path under the datasets folder, with forward slashes (e.g. <c>iris/iris.csv</c>).</param>
/// <param name="Bytes">The file's size.</param>
/// <param name="Sha256">The lower-case hex SHA-256 of the file.</param>
/// <param name="DownloadUrl">The canonical URL to fetch it from when it is missing, or null when the file was built
/// for this project and can only be restored from the repository.</param>
public sealed record DatasetFile(string RelativePath, long Bytes, string Sha256, string? DownloadUrl);

/// <summary>A data file whose SHA-256 is not the recorded one.</summary>
public sealed class DatasetChecksumException(string path, string expected, string actual, string message)
    : IOException(message)
{
    /// <summary>The file that failed the check.</summary>
    public string FilePath { get; } = path;

    /// <summary>The recorded SHA-256.</summary>
    public string Expected { get; } = expected;

    /// <summary>The SHA-256 of the file on disk.</summary>
    public string Actual { get; } = actual;
}

/// <summary>
/// Finds the datasets folder, verifies every file's SHA-256 before it is read, and downloads a missing file from its
/// canonical URL (only when the file is absent and a URL exists).
/// </summary>
public static class DatasetStore
{
    /// <summary>The environment variable that names the datasets folder explicitly.</summary>
    public const string DataEnvironmentVariable = "NOTEBOOKNN_DATA";

    /// <summary>The environment variable that, set to 1, forbids downloads (for offline machines and CI).</summary>
    public const string NoDownloadEnvironmentVariable = "NOTEBOOKNN_NO_DOWNLOAD";

    static readonly ConcurrentDictionary<(string Path, long Length, DateTime Written), string> VerifiedHashes = new();
    static string? _root;

    /// <summary>
    /// The datasets folder. Unless set, it is <c>$NOTEBOOKNN_DATA</c> when that is set, else the <c>datasets</c>
    /// folder beside <c>NotebookNN.sln</c>, found by walking up from the current directory and then from the
    /// application's location, else the <c>datasets</c> folder beside the application (the installed nnb tool's copy).
    /// </summary>
    public static string Root
    {
        get => _root ??= FindRoot();
        set => _root = value is null ? null : Path.GetFullPath(value);
    }

    /// <summary>Whether a missing file may be downloaded (false when <c>NOTEBOOKNN_NO_DOWNLOAD=1</c>).</summary>
    public static bool AllowDownload { get; set; } =
        Environment.GetEnvironmentVariable(NoDownloadEnvironmentVariable) != "1";

    /// <summary>
    /// The full path of <paramref name="file"/>, verified against its SHA-256. A missing file is downloaded first
    /// when allowed and a URL exists; otherwise the error says where to get it.
    /// </summary>
    public static string Resolve(DatasetFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        string path = Path.Combine(Root, file.RelativePath.Replace('/', Path.DirectorySeparatorChar));
        if (!File.Exists(path)) Download(file, path);
        Verify(path, file.Sha256);
        return path;
    }

    /// <summary>Opens <paramref name="file"/> for reading after verifying it.</summary>
    public static Stream Open(DatasetFile file) => File.OpenRead(Resolve(file));

    /// <summary>
    /// Throws <see cref="DatasetChecksumException"/> when the SHA-256 of <paramref name="path"/> is not
    /// <paramref name="expectedSha256"/>. A file already verified in this process (same size and write time) is not
    /// hashed again.
    /// </summary>
    public static void Verify(string path, string expectedSha256)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(expectedSha256);
        var info = new FileInfo(path);
        if (!info.Exists)
            throw new FileNotFoundException($"Data file '{path}' does not exist.", path);
        var key = (info.FullName, info.Length, info.LastWriteTimeUtc);
        string actual = VerifiedHashes.TryGetValue(key, out var known) ? known : Sha256Of(path);
        if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
            throw new DatasetChecksumException(path, expectedSha256, actual,
                $"Data file '{path}' is not the expected file: its SHA-256 is {actual}, but {expectedSha256} was expected. " +
                "It is damaged, truncated, or a different version (a Git LFS pointer, an edited copy, a changed line ending). " +
                "Restore it with `git checkout -- datasets/` (or delete it so the loader downloads the original), " +
                "and do not edit the files under datasets/: copy a file elsewhere to change it.");
        VerifiedHashes[key] = actual;
    }

    /// <summary>The lower-case hex SHA-256 of a file.</summary>
    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    static void Download(DatasetFile file, string path)
    {
        string restore = $"Restore it from the repository (`git checkout -- datasets/{file.RelativePath}`), or set " +
                         $"{DataEnvironmentVariable} to a folder that holds it.";
        if (file.DownloadUrl is null)
            throw new FileNotFoundException(
                $"Data file '{path}' is missing, and it has no public download: it was built for this project. {restore}", path);
        if (!AllowDownload)
            throw new FileNotFoundException(
                $"Data file '{path}' is missing and downloads are off ({NoDownloadEnvironmentVariable}=1 or " +
                $"DatasetStore.AllowDownload = false). Download {file.DownloadUrl} to that path, or: {restore}", path);
        string directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, "." + Path.GetFileName(path) + ".download");
        try
        {
            using (var client = new HttpClient { Timeout = TimeSpan.FromMinutes(10) })
            using (var response = client.GetAsync(file.DownloadUrl, HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult())
            {
                response.EnsureSuccessStatusCode();
                using var source = response.Content.ReadAsStream();
                using var target = File.Create(temporary);
                source.CopyTo(target);
            }
            Verify(temporary, file.Sha256);
            File.Move(temporary, path, overwrite: false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && e is not DatasetChecksumException)
        {
            throw new FileNotFoundException(
                $"Data file '{path}' is missing and downloading it from {file.DownloadUrl} failed ({e.Message}). " +
                $"Download it by hand to that path when the network is reachable, or: {restore}", path, e);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    static string FindRoot()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable(DataEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            if (!Directory.Exists(fromEnvironment))
                throw new DirectoryNotFoundException(
                    $"{DataEnvironmentVariable} is set to '{fromEnvironment}', which is not a folder: point it at the datasets folder.");
            return Path.GetFullPath(fromEnvironment);
        }
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "NotebookNN.sln")) && Directory.Exists(Path.Combine(dir.FullName, "datasets")))
                    return Path.Combine(dir.FullName, "datasets");
        // The installed nnb tool (NotebookNN.Tool) carries a copy of the datasets beside its assemblies.
        var beside = Path.Combine(AppContext.BaseDirectory, "datasets");
        if (Directory.Exists(beside))
            return beside;
        throw new DirectoryNotFoundException(
            "Could not find the datasets folder: no NotebookNN.sln with a datasets/ folder above the current directory " +
            $"({Directory.GetCurrentDirectory()}) or the library ({AppContext.BaseDirectory}). Run from inside the repository, " +
            $"set {DataEnvironmentVariable} to the datasets folder, or set DatasetStore.Root.");
    }
}
