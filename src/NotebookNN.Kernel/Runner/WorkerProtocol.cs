using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NotebookNN.Kernel.Notebooks;

namespace NotebookNN.Kernel.Runner;

/// <summary>
/// How <c>nnb run --parallel N</c> talks to its worker processes (<c>nnb worker</c>): the parent writes a job file
/// and sends its path as a line on the worker's standard input; the worker prints <c>progress DONE TOTAL</c> lines
/// while it runs, writes the result file the job names, and prints <c>nnb-worker done</c>. A worker serves jobs until
/// its input closes, so one process (and one .NET start-up) serves many notebooks, each with a fresh engine.
/// </summary>
public static class WorkerProtocol
{
    public const string ProgressPrefix = "progress ";

    /// <summary>The line a worker prints after writing a job's result file.</summary>
    public const string DoneLine = "nnb-worker done";

    /// <summary>glibc allocator settings for processes that run TorchSharp: they keep large tensor buffers mapped
    /// instead of returning and re-faulting them, which steadies training speed.</summary>
    public static readonly IReadOnlyDictionary<string, string> MallocEnvironment = new Dictionary<string, string>
    {
        ["MALLOC_MMAP_THRESHOLD_"] = "33554432",
        ["MALLOC_TRIM_THRESHOLD_"] = "8589934592",
    };

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>What a worker runs.</summary>
    public sealed record WorkerJob(
        string InputPath, string OutputPath, bool InPlace, string DisplayName,
        double TimeoutSeconds, IReadOnlyList<NotebookParameter> Parameters, string ResultPath, bool AllowErrors = false);

    /// <summary>What a worker reports back (a <see cref="NotebookJobResult"/> in plain JSON).</summary>
    public sealed record WorkerResult(
        NotebookRunStatus Status, int CellsRun, int CodeCells, double ElapsedSeconds, string? SavedPath, string? Message,
        int? FailedCellIndex, string? FailedCellSource, string? ErrorName, string? ErrorValue, IReadOnlyList<string>? Traceback);

    public static void WriteJob(string path, WorkerJob job) => File.WriteAllText(path, JsonSerializer.Serialize(job, Json));

    public static WorkerJob ReadJob(string path)
    {
        if (!File.Exists(path))
            throw new UsageException($"Worker job file {path} does not exist; `nnb worker` is started by `nnb run --parallel`, not by hand.");
        return JsonSerializer.Deserialize<WorkerJob>(File.ReadAllText(path), Json)
               ?? throw new UsageException($"Worker job file {path} is empty.");
    }

    public static void WriteResult(string path, NotebookJobResult result)
    {
        var failure = result.Failure;
        var dto = new WorkerResult(result.Status, result.CellsRun, result.CodeCells, result.Elapsed.TotalSeconds, result.SavedPath,
            result.Message, failure?.CellIndex, failure?.Source, failure?.Error.EName, failure?.Error.EValue, failure?.Error.Traceback);
        NotebookFile.WriteAtomically(path, JsonSerializer.Serialize(dto, Json));
    }

    public static NotebookJobResult ReadResult(string path, NotebookJob job)
    {
        var dto = JsonSerializer.Deserialize<WorkerResult>(File.ReadAllText(path), Json)
                  ?? throw new InvalidOperationException($"Worker result {path} is empty.");
        var failure = dto.FailedCellIndex is { } index
            ? new CellFailure(index, dto.FailedCellSource ?? "", new ErrorNotebookOutput(dto.ErrorName ?? "", dto.ErrorValue ?? "", dto.Traceback ?? []))
            : null;
        return new NotebookJobResult(job, dto.Status, dto.CellsRun, dto.CodeCells, TimeSpan.FromSeconds(dto.ElapsedSeconds), dto.SavedPath, failure, dto.Message);
    }

    /// <summary>Parses a worker's progress line; false for any other line.</summary>
    public static bool TryParseProgress(string line, out CellProgress progress)
    {
        progress = default;
        if (!line.StartsWith(ProgressPrefix, StringComparison.Ordinal)) return false;
        var parts = line[ProgressPrefix.Length..].Split(' ');
        if (parts.Length != 2 ||
            !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var done) ||
            !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var total)) return false;
        progress = new CellProgress(done, total);
        return true;
    }

    public static string FormatProgress(CellProgress progress) =>
        string.Create(CultureInfo.InvariantCulture, $"{ProgressPrefix}{progress.CellsDone} {progress.CodeCells}");

    /// <summary>
    /// How to start another nnb process: the nnb app host beside this assembly when there is one, else the dotnet
    /// host running nnb.dll with the runtime configuration of the current process (inside a test host, for one).
    /// </summary>
    public static ProcessStartInfo NnbStartInfo(IEnumerable<string> arguments)
    {
        var assembly = typeof(WorkerProtocol).Assembly.Location;
        var folder = Path.GetDirectoryName(assembly)!;
        var name = Path.GetFileNameWithoutExtension(assembly);
        var appHost = Path.Combine(folder, OperatingSystem.IsWindows() ? name + ".exe" : name);
        var ownConfig = Path.Combine(folder, name + ".runtimeconfig.json");
        ProcessStartInfo info;
        if (File.Exists(appHost) && File.Exists(ownConfig))
        {
            info = new ProcessStartInfo(appHost);
        }
        else
        {
            info = new ProcessStartInfo(DotnetHost()) { ArgumentList = { "exec" } };
            if (!File.Exists(ownConfig))
            {
                var entry = System.Reflection.Assembly.GetEntryAssembly()?.Location;
                var config = entry is null ? null : Path.ChangeExtension(entry, ".runtimeconfig.json");
                if (config is null || !File.Exists(config))
                    throw new InvalidOperationException($"Cannot start nnb worker processes: no {name}.runtimeconfig.json beside {assembly}. Build NotebookNN.Kernel.");
                info.ArgumentList.Add("--runtimeconfig");
                info.ArgumentList.Add(config);
                var deps = Path.ChangeExtension(entry, ".deps.json");
                if (File.Exists(deps))
                {
                    info.ArgumentList.Add("--depsfile");
                    info.ArgumentList.Add(deps!);
                }
            }
            info.ArgumentList.Add(assembly);
        }
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        foreach (var (key, value) in MallocEnvironment)
            if (Environment.GetEnvironmentVariable(key) is null) info.Environment[key] = value;
        return info;
    }

    private static string DotnetHost()
    {
        var process = Environment.ProcessPath;
        if (process is not null && Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            return process;
        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
    }
}
