using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotebookNN.Kernel.Engine;

// The engine's public contract, shared by its two front ends: the headless runner (`nnb run`, the notebook
// harness) and the Jupyter kernel (`nnb kernel`). Neither front end executes code itself.

/// <summary>
/// One output's data by MIME type, in the order formatters produced them. Values are text; a MIME type that is
/// JSON (<c>application/json</c> or any <c>+json</c> suffix) holds JSON text, which front ends embed as a JSON value
/// (nbformat and the Jupyter protocol both require that), see <see cref="IsJsonMimeType"/>.
/// </summary>
public sealed class MimeBundle : Dictionary<string, string>
{
    public MimeBundle() : base(StringComparer.Ordinal) { }

    public static bool IsJsonMimeType(string mimeType) =>
        mimeType == "application/json" || mimeType.EndsWith("+json", StringComparison.Ordinal);

    /// <summary>
    /// Throws <see cref="InvalidMimeBundleException"/> when a JSON MIME type holds text that is not JSON. The engine
    /// calls this once, when a cell's output is made, so the cell that produced it fails with the reason and both
    /// front ends (iopub, the notebook writer) can rely on the bundle.
    /// </summary>
    public void Validate()
    {
        foreach (var (mime, value) in this)
        {
            if (!IsJsonMimeType(mime))
                continue;
            try
            {
                using var _ = JsonDocument.Parse(value);
            }
            catch (JsonException e)
            {
                throw new InvalidMimeBundleException(mime, e.Message);
            }
        }
    }

    /// <summary>The bundle as Jupyter's <c>data</c> object (JSON MIME types parsed, the rest as strings).</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        foreach (var (mime, value) in this)
            json[mime] = IsJsonMimeType(mime) ? JsonNode.Parse(value) : JsonValue.Create(value);
        return json;
    }
}

/// <summary>An output whose JSON MIME type (<c>application/json</c>, <c>*+json</c>) holds text that is not JSON.</summary>
public sealed class InvalidMimeBundleException(string mimeType, string parseError)
    : ArgumentException($"The output's {mimeType} representation is not valid JSON ({parseError}). A MIME type that is JSON "
        + "(application/json or one ending in +json) must carry JSON text: serialize the value to JSON, or display it under a text MIME type such as text/plain.")
{
    /// <summary>The MIME type whose text is not JSON.</summary>
    public string MimeType { get; } = mimeType;
}

/// <summary>Something a running cell produced, in the vocabulary of nbformat outputs and iopub messages.</summary>
public abstract record CellOutput;

/// <param name="Name"><c>stdout</c> or <c>stderr</c>.</param>
public sealed record StreamOutput(string Name, string Text) : CellOutput;

/// <summary>A <c>display(x)</c> call (or a magic command's output). <paramref name="DisplayId"/> is set when the
/// output can later be replaced through the handle <c>display</c> returned.</summary>
public sealed record DisplayOutput(MimeBundle Data, string? DisplayId) : CellOutput;

/// <summary>Replaces the data of every earlier output that carries <paramref name="DisplayId"/>.</summary>
public sealed record DisplayUpdateOutput(MimeBundle Data, string DisplayId) : CellOutput;

/// <summary>Clears the cell's outputs; with <paramref name="Wait"/> the clearing happens when the next output arrives.</summary>
public sealed record ClearOutput(bool Wait) : CellOutput;

/// <summary>The value of the cell's last expression.</summary>
public sealed record ExecuteResultOutput(MimeBundle Data) : CellOutput;

/// <summary>A compile error, a runtime exception, a timeout or an interrupt. <paramref name="EName"/> and
/// <paramref name="EValue"/> are plain text; the traceback lines are what a person reads, with ANSI colour codes as
/// ipykernel sends them (Jupyter front ends render them; <see cref="AnsiText.Strip"/> removes them).</summary>
public sealed record ErrorOutput(string EName, string EValue, IReadOnlyList<string> Traceback) : CellOutput;

/// <summary>Receives a cell's outputs in the order they happen. May be called from a thread other than the caller's.</summary>
public interface ICellOutputSink
{
    void Write(CellOutput output);
}

public enum CellStatus
{
    Ok,
    /// <summary>Compile error, exception, or a failed directive/magic.</summary>
    Error,
    /// <summary>Stopped because it ran past its timeout; the engine's state before the cell is kept.</summary>
    TimedOut,
    /// <summary>Stopped by <see cref="ICellExecutor.Interrupt"/>; the engine's state before the cell is kept.</summary>
    Interrupted,
}

/// <param name="Error">The error output that was also written to the sink, when <paramref name="Status"/> is not Ok.</param>
public sealed record CellResult(CellStatus Status, ErrorOutput? Error, TimeSpan Elapsed);

/// <summary>Runs cells against one long-lived C# session (the state of a notebook).</summary>
public interface ICellExecutor : IDisposable
{
    /// <summary>Runs one cell: directives, magics and C# code. Never throws for user errors: they come back as
    /// <see cref="CellStatus.Error"/> with an <see cref="ErrorOutput"/> written to <paramref name="sink"/>.</summary>
    /// <param name="timeout">Null: no limit.</param>
    Task<CellResult> ExecuteAsync(string code, ICellOutputSink sink, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Stops the running cell, even a loop with no await in it; safe to call from any thread, a no-op when idle.</summary>
    void Interrupt();

    /// <summary>Completion items for <paramref name="code"/> at <paramref name="cursor"/> (a char offset), in the current session.</summary>
    Task<CompletionResult> CompleteAsync(string code, int cursor, CancellationToken cancellationToken = default);

    /// <summary>Quick info for the symbol at <paramref name="cursor"/> (inside a call's parentheses: the method
    /// called), or null. <paramref name="detailLevel"/> 0: signature and summary; 1: also the documented parameters,
    /// return value, exceptions, remarks and the other overloads (Jupyter's inspect detail_level).</summary>
    Task<string?> InspectAsync(string code, int cursor, int detailLevel = 0, CancellationToken cancellationToken = default);

    /// <summary>Whether <paramref name="code"/> is a complete submission, an incomplete one, or invalid.</summary>
    Task<CompletenessResult> IsCompleteAsync(string code, CancellationToken cancellationToken = default);

    /// <summary>Reads a line for <c>Console.ReadLine()</c>; null when no front end can answer (returns null to user code).</summary>
    Func<string, bool, string?>? InputProvider { get; set; }
}

/// <param name="CursorStart">Start of the text the matches replace (char offset).</param>
/// <param name="CursorEnd">End of the text the matches replace (char offset).</param>
/// <param name="Kinds">Per match, its kind as IPython names them (function, class, module, keyword, property,
/// instance, param, text); null when unknown.</param>
public sealed record CompletionResult(IReadOnlyList<string> Matches, int CursorStart, int CursorEnd, IReadOnlyList<string>? Kinds = null);

public enum Completeness { Complete, Incomplete, Invalid }

/// <param name="Indent">For <see cref="Completeness.Incomplete"/>: the indentation to use on the next line.</param>
public sealed record CompletenessResult(Completeness Status, string Indent = "");
