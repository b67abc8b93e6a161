using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NotebookNN.Kernel.Cli;
using NotebookNN.Kernel.Engine;
using NotebookNN.Kernel.Notebooks;
using NotebookNN.Kernel.Runner;
using NotebookNN.Kernel.Tests.Notebooks;

namespace NotebookNN.Kernel.Tests.Runner;

/// <summary>Runs fixture notebooks through the runner on the real engine, from a scratch copy.</summary>
internal static partial class FixtureRuns
{
    /// <summary>Set to 1 to (re)write the expected executed copies under Fixtures/Expected instead of comparing.</summary>
    public const string AcceptVariable = "NNB_ACCEPT_FIXTURES";

    public static EngineFactory NewEngine { get; } = folder => new NotebookEngine(new EngineOptions { WorkingDirectory = folder });

    public sealed record Run(NotebookJobResult Result, Notebook Executed, string InputPath, string InputText);

    /// <summary>Copies the fixture to a scratch folder and runs it like `nnb run` with default output placement.</summary>
    public static Task<Run> RunAsync(string fixture, double timeoutSeconds = 60, params string[] parameters) =>
        RunAsync(fixture, allowErrors: false, timeoutSeconds, parameters);

    /// <summary>As <see cref="RunAsync(string, double, string[])"/>, with or without <c>--allow-errors</c>.</summary>
    public static async Task<Run> RunAsync(string fixture, bool allowErrors, double timeoutSeconds = 60, params string[] parameters)
    {
        var input = CopyToScratch(fixture);
        var inputText = File.ReadAllText(input);
        var plan = RunCommand.Validate(new RunArguments([input], TimeoutSeconds: timeoutSeconds, Parameters: parameters, AllowErrors: allowErrors));
        var result = await NotebookJobs.RunAsync(plan.Jobs.Single(), NewEngine, plan.Options);
        Assert.NotNull(result.SavedPath);
        Assert.Null(Nbformat.Validate(result.SavedPath!));
        return new Run(result, NotebookFile.Load(result.SavedPath!), input, inputText);
    }

    public static string CopyToScratch(string fixture, string? folder = null)
    {
        folder ??= TestFiles.NewScratchFolder();
        var target = Path.Combine(folder, Path.GetFileName(fixture));
        File.Copy(TestFiles.Fixture(fixture), target);
        return target;
    }

    /// <summary>
    /// The executed copy as written, with what legitimately changes run to run (timings, generated ids in HTML, the
    /// run record's times and nnb's version) replaced by placeholders.
    /// </summary>
    public static string Normalize(string savedText)
    {
        var text = RecordTime().Replace(savedText, "\"${key}\": \"<time>\"");
        text = RecordDuration().Replace(text, "\"duration\": \"<seconds>\"");
        text = text.Replace($"\"version\": \"{RunRecord.NnbVersion}\"", "\"version\": \"<nnb version>\"", StringComparison.Ordinal);
        text = Timing().Replace(text, "<time>");
        return GeneratedId().Replace(text, "<id>");
    }

    [GeneratedRegex(@"""(?<key>start_time|end_time)"": ""[^""]*""")]
    private static partial Regex RecordTime();

    [GeneratedRegex(@"""duration"": [0-9.eE+-]+")]
    private static partial Regex RecordDuration();

    /// <summary>Compares the normalised executed copy with Fixtures/Expected/NAME.ipynb.</summary>
    public static void AssertMatchesExpected(Run run, string fixture)
    {
        var actual = Normalize(File.ReadAllText(run.Result.SavedPath!));
        var expectedPath = TestFiles.Fixture("Expected", Path.ChangeExtension(fixture, ".ipynb"));
        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(expectedPath)!);
            File.WriteAllText(expectedPath, actual);
            Assert.Fail($"Wrote {expectedPath}; review it, commit it and run again without {AcceptVariable}.");
        }
        Assert.True(File.Exists(expectedPath), $"No expected copy {expectedPath}; run once with {AcceptVariable}=1 and review it.");
        Assert.Equal(File.ReadAllText(expectedPath), actual);
    }

    public static string OutputText(NotebookOutput output) => output switch
    {
        StreamNotebookOutput s => $"{s.Name}: {s.Text}",
        DisplayDataNotebookOutput d => $"display: {d.Data.GetValueOrDefault("text/plain")}",
        ExecuteResultNotebookOutput r => $"result[{r.ExecutionCount}]: {r.Data.GetValueOrDefault("text/plain")}",
        ErrorNotebookOutput e => $"error: {e.EName}: {e.EValue}",
        _ => output.ToString(),
    };

    // "12.3 ms", "1.2s", "00:00:00.0123456" and similar durations.
    [GeneratedRegex(@"\d+(\.\d+)?\s?(ms|µs|s|seconds|milliseconds)\b|\d\d:\d\d:\d\d\.\d+")]
    private static partial Regex Timing();

    // Display ids and other generated hex ids, and GUIDs (whole, or cut short in a table cell).
    [GeneratedRegex(@"\b[0-9a-f]{8}-[0-9a-f]{4}(-[0-9a-f]{1,4}){0,2}(-[0-9a-f]{0,12})?(?![0-9a-f])|\b[0-9a-f]{16,}")]
    private static partial Regex GeneratedId();
}
