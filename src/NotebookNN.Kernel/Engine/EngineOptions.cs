namespace NotebookNN.Kernel.Engine;

/// <summary>Settings of one <see cref="NotebookEngine"/>. Every property has a working default.</summary>
public sealed class EngineOptions
{
    /// <summary>The folder relative <c>#r "path.dll"</c> references are resolved against (the notebook's folder).
    /// Default: the process's current directory when the engine is created.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Where <c>#r "nuget: ..."</c> restores keep their generated projects and results, one folder per
    /// package set. Default: <c>$XDG_CACHE_HOME/notebooknn/nuget</c> (or <c>~/.cache/notebooknn/nuget</c>).</summary>
    public string? NuGetCacheDirectory { get; init; }

    /// <summary>The <c>dotnet</c> executable used for restores. Default: <c>DOTNET_HOST_PATH</c>, else <c>dotnet</c> on PATH.</summary>
    public string? DotNetPath { get; init; }

    /// <summary>How long a NuGet restore may take before it is stopped and reported. Default: 5 minutes.</summary>
    public TimeSpan RestoreTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>After a timeout or interrupt, how long the engine waits for the stopped cell's thread to unwind before
    /// it reports the cell stopped anyway (code blocked inside native code cannot be aborted until it returns).
    /// Default: 3 seconds.</summary>
    public TimeSpan StopGracePeriod { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Stack size of the thread each cell runs on (deep recursion in notebooks). Default: 16 MiB.</summary>
    public int CellThreadStackSize { get; init; } = 16 * 1024 * 1024;

    /// <summary>How often buffered stdout/stderr text is flushed to the sink while a cell runs. Default: 100 ms.</summary>
    public TimeSpan StreamFlushInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Also prepare completion and inspection in the background once the compiler is warm, so the first
    /// completion request of an interactive front end (the Jupyter kernel) answers fast. Headless runs leave it off:
    /// it costs a second or two of CPU they do not need. Default: false.</summary>
    public bool WarmUpLanguageServices { get; init; }

    /// <summary>Extension assemblies (simple names, beside nnb) loaded when the engine starts, before any cell: the
    /// compatibility layers the build declares (<c>AssemblyMetadata("NotebookNN.StartupExtension", ...)</c> on nnb).
    /// A name whose file is absent is skipped. Default: the ones the build declares; empty: none.</summary>
    public IReadOnlyList<string>? StartupExtensions { get; init; }

    /// <summary>The startup extensions nnb's build declares.</summary>
    internal static IReadOnlyList<string> DeclaredStartupExtensions() =>
        typeof(EngineOptions).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), inherit: false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>()
            .Where(a => a.Key == "NotebookNN.StartupExtension" && !string.IsNullOrWhiteSpace(a.Value))
            .Select(a => a.Value!)
            .ToList();

    internal void Validate()
    {
        if (WorkingDirectory is not null && !Directory.Exists(WorkingDirectory))
            throw new ArgumentException($"EngineOptions.WorkingDirectory '{WorkingDirectory}' does not exist; pass an existing folder (the notebook's folder) or leave it null for the current directory.");
        if (RestoreTimeout <= TimeSpan.Zero)
            throw new ArgumentException($"EngineOptions.RestoreTimeout must be positive, not {RestoreTimeout}.");
        if (StopGracePeriod < TimeSpan.Zero)
            throw new ArgumentException($"EngineOptions.StopGracePeriod must not be negative, not {StopGracePeriod}.");
        if (CellThreadStackSize < 256 * 1024)
            throw new ArgumentException($"EngineOptions.CellThreadStackSize must be at least 256 KiB, not {CellThreadStackSize} bytes.");
        if (StreamFlushInterval <= TimeSpan.Zero)
            throw new ArgumentException($"EngineOptions.StreamFlushInterval must be positive, not {StreamFlushInterval}.");
    }

    internal static string DefaultNuGetCacheDirectory()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = !string.IsNullOrEmpty(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "notebooknn", "nuget");
    }
}
