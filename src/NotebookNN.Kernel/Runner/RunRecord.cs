using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using NotebookNN.Kernel.Notebooks;

namespace NotebookNN.Kernel.Runner;

/// <summary>
/// The run record an executed copy carries, as papermill's does, under one metadata key, <c>nnb</c>. The notebook's
/// metadata holds the nnb version, the parameters, start and end time, duration and status; each code cell's metadata
/// holds its start time, duration and status: <c>ok</c>, <c>error</c> (with the error's name, and <c>expected</c> for a
/// cell tagged raises-exception) or <c>skipped</c> (with the reason, e.g. <c>not reached</c> after a failure).
/// </summary>
public sealed class RunRecord
{
    /// <summary>The metadata key of the record, in the notebook and in each cell.</summary>
    public const string Key = "nnb";

    public const string StatusOk = "ok";
    public const string StatusError = "error";
    public const string StatusSkipped = "skipped";

    private readonly NotebookRunOptions _options;
    private readonly DateTimeOffset _started;

    public RunRecord(NotebookRunOptions options, DateTimeOffset started)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _started = started;
    }

    /// <summary>nnb's version as its assembly reports it (the package version, with the commit when built from git).</summary>
    public static string NnbVersion { get; } =
        typeof(RunRecord).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(RunRecord).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>Records a cell that ran without an error.</summary>
    public static void Ran(NotebookCell cell, DateTimeOffset start, TimeSpan duration) =>
        cell.Metadata[Key] = Timed(start, duration, StatusOk);

    /// <summary>Records a cell that ended in an error (<paramref name="expected"/>: tagged raises-exception).</summary>
    public static void Errored(NotebookCell cell, DateTimeOffset start, TimeSpan duration, string errorName, bool expected)
    {
        var entry = Timed(start, duration, StatusError);
        entry["ename"] = errorName;
        if (expected) entry["expected"] = true;
        cell.Metadata[Key] = entry;
    }

    /// <summary>Records a cell that did not run, and why.</summary>
    public static void Skipped(NotebookCell cell, string reason) =>
        cell.Metadata[Key] = new JsonObject { ["status"] = StatusSkipped, ["reason"] = reason };

    /// <summary>Writes the notebook's record; code cells without one (after a failure, or a run that could not start)
    /// are recorded as not reached.</summary>
    public void Finish(NotebookRunResult result, DateTimeOffset ended)
    {
        ArgumentNullException.ThrowIfNull(result);
        foreach (var cell in result.Executed.Cells.Where(c => c.Kind == CellKind.Code && c.Metadata[Key] is null))
            Skipped(cell, "not reached");
        var parameters = new JsonObject();
        foreach (var parameter in _options.Parameters) parameters[parameter.Name] = parameter.Value;
        var record = new JsonObject
        {
            ["version"] = NnbVersion,
            ["parameters"] = parameters,
            ["start_time"] = Timestamp(_started),
            ["end_time"] = Timestamp(ended),
            ["duration"] = Seconds(result.Elapsed),
            ["status"] = result.Status == NotebookRunStatus.Passed ? "passed" : "failed",
            ["allow_errors"] = _options.AllowErrors,
        };
        var failed = result.Executed.Cells.Select((cell, index) => (cell, index))
            .Where(c => c.cell.Metadata[Key]?["status"]?.GetValue<string>() == StatusError && c.cell.Metadata[Key]?["expected"] is null)
            .Select(c => JsonValue.Create(c.index)).ToArray();
        if (failed.Length > 0 || result.Failure is not null)
            record["failed_cells"] = new JsonArray(failed.Length > 0 ? failed : [JsonValue.Create(result.Failure!.CellIndex)]);
        result.Executed.Metadata[Key] = record;
    }

    private static JsonObject Timed(DateTimeOffset start, TimeSpan duration, string status) => new()
    {
        ["start_time"] = Timestamp(start),
        ["duration"] = Seconds(duration),
        ["status"] = status,
    };

    /// <summary>ISO 8601 in UTC with milliseconds, as papermill writes them.</summary>
    private static string Timestamp(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static double Seconds(TimeSpan duration) => Math.Round(duration.TotalSeconds, 3);
}
