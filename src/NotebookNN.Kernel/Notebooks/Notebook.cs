using System.Text.Json.Nodes;
using NotebookNN.Kernel.Engine;

namespace NotebookNN.Kernel.Notebooks;

/// <summary>The kind of a notebook cell, as nbformat names them.</summary>
public enum CellKind
{
    Code,
    Markdown,
    Raw,
}

/// <summary>
/// A notebook in memory: what .ipynb (nbformat 4.5) and .dib files hold. Metadata objects are kept verbatim so a
/// notebook read and written again only changes where execution changed it.
/// </summary>
public sealed class Notebook
{
    /// <summary>The language a code cell runs in when neither the cell nor the notebook says otherwise.</summary>
    public const string CSharp = "csharp";

    /// <summary>The notebook-level metadata (kernelspec, language_info, polyglot_notebook, ...).</summary>
    public JsonObject Metadata { get; } = new();

    /// <summary>The cells, in order.</summary>
    public List<NotebookCell> Cells { get; } = new();

    /// <summary>
    /// The kernel a code cell runs in when it does not name one: Polyglot's
    /// <c>metadata.polyglot_notebook.kernelInfo.defaultKernelName</c>, else <see cref="CSharp"/>.
    /// </summary>
    public string DefaultLanguage =>
        Metadata["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"] is JsonValue value &&
        value.TryGetValue(out string? name) && !string.IsNullOrWhiteSpace(name)
            ? NormalizeLanguage(name)
            : CSharp;

    /// <summary>
    /// The language of <paramref name="cell"/>: markdown for markdown cells; for code cells the Polyglot cell
    /// metadata (<c>polyglot_notebook.kernelName</c>, then <c>dotnet_interactive.language</c>), else
    /// <see cref="DefaultLanguage"/>. Aliases such as <c>C#</c> come back as <c>csharp</c>.
    /// </summary>
    public string LanguageOf(NotebookCell cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        if (cell.Kind == CellKind.Markdown) return "markdown";
        if (cell.Kind == CellKind.Raw) return "raw";
        var named = StringAt(cell.Metadata, "polyglot_notebook", "kernelName")
                    ?? StringAt(cell.Metadata, "dotnet_interactive", "language");
        return named is null ? DefaultLanguage : NormalizeLanguage(named);
    }

    /// <summary>
    /// The language the notebook's kernelspec declares (<c>metadata.kernelspec.language</c>, then
    /// <c>metadata.language_info.name</c>), normalised like <see cref="LanguageOf"/>; null when it declares none.
    /// </summary>
    public string? DeclaredLanguage
    {
        get
        {
            var language = StringAt(Metadata, "kernelspec", "language") ?? StringAt(Metadata, "language_info", "name");
            return language is null ? null : NormalizeLanguage(language);
        }
    }

    /// <summary>Maps the spellings Polyglot, Jupyter and .dib files use for C# (and markdown) to one name.</summary>
    public static string NormalizeLanguage(string language) => language.Trim().ToLowerInvariant() switch
    {
        "c#" or "csharp" or "cs" or ".net-csharp" => CSharp,
        "md" or "markdown" => "markdown",
        var other => other,
    };

    /// <summary>A deep copy: cells, outputs and metadata share nothing with this notebook.</summary>
    public Notebook Clone()
    {
        var copy = new Notebook();
        foreach (var (key, value) in Metadata) copy.Metadata[key] = value?.DeepClone();
        foreach (var cell in Cells) copy.Cells.Add(cell.Clone());
        return copy;
    }

    private static string? StringAt(JsonObject root, string objectName, string propertyName) =>
        root[objectName] is JsonObject inner && inner[propertyName] is JsonValue value &&
        value.TryGetValue(out string? text) && !string.IsNullOrWhiteSpace(text)
            ? text
            : null;
}

/// <summary>One cell of a <see cref="Notebook"/>.</summary>
public sealed class NotebookCell
{
    /// <param name="kind">Code, markdown or raw.</param>
    /// <param name="source">The cell's text (lines joined, <c>\n</c> line ends).</param>
    /// <param name="id">The nbformat 4.5 cell id; <see cref="NotebookIds"/> fills missing ones when a file is read or written.</param>
    public NotebookCell(CellKind kind, string source, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        Kind = kind;
        Source = source;
        Id = id;
    }

    public CellKind Kind { get; }

    /// <summary>The nbformat 4.5 cell id (<c>^[a-zA-Z0-9-_]+$</c>, 1 to 64 characters).</summary>
    public string? Id { get; set; }

    public string Source { get; set; }

    /// <summary>The cell's metadata, kept verbatim (tags live in <c>metadata.tags</c>).</summary>
    public JsonObject Metadata { get; } = new();

    /// <summary>Code cells only: the outputs in order.</summary>
    public List<NotebookOutput> Outputs { get; } = new();

    /// <summary>Code cells only: the execution counter, null when the cell has not run.</summary>
    public int? ExecutionCount { get; set; }

    /// <summary>Markdown and raw cells only: inline attachments, kept verbatim.</summary>
    public JsonObject? Attachments { get; set; }

    /// <summary>The strings in <c>metadata.tags</c>.</summary>
    public IReadOnlyList<string> Tags =>
        Metadata["tags"] is JsonArray tags
            ? tags.OfType<JsonValue>().Select(t => t.TryGetValue(out string? s) ? s : null).OfType<string>().ToList()
            : [];

    public bool HasTag(string tag) => Tags.Contains(tag, StringComparer.Ordinal);

    /// <summary>Adds <paramref name="tag"/> to <c>metadata.tags</c> unless it is there already.</summary>
    public void AddTag(string tag)
    {
        if (HasTag(tag)) return;
        if (Metadata["tags"] is not JsonArray tags)
        {
            tags = new JsonArray();
            Metadata["tags"] = tags;
        }
        tags.Add(tag);
    }

    public NotebookCell Clone()
    {
        var copy = new NotebookCell(Kind, Source, Id)
        {
            ExecutionCount = ExecutionCount,
            Attachments = Attachments?.DeepClone().AsObject(),
        };
        foreach (var (key, value) in Metadata) copy.Metadata[key] = value?.DeepClone();
        foreach (var output in Outputs) copy.Outputs.Add(output.DeepCopy());
        return copy;
    }
}

/// <summary>One saved output of a code cell, in nbformat's four kinds.</summary>
public abstract record NotebookOutput
{
    /// <summary>The nbformat <c>output_type</c>.</summary>
    public abstract string OutputType { get; }

    /// <summary>A copy that shares no mutable state with this output.</summary>
    public abstract NotebookOutput DeepCopy();
}

/// <summary>Text written to <c>stdout</c> or <c>stderr</c>.</summary>
public sealed record StreamNotebookOutput(string Name, string Text) : NotebookOutput
{
    public override string OutputType => "stream";
    public override NotebookOutput DeepCopy() => this;
}

/// <summary>
/// A <c>display_data</c> output. <see cref="DisplayId"/> is the transient display id used while the notebook runs
/// so that later updates replace this output; nbformat does not save it.
/// </summary>
public sealed record DisplayDataNotebookOutput(MimeBundle Data, JsonObject Metadata, string? DisplayId = null) : NotebookOutput
{
    public override string OutputType => "display_data";
    public override NotebookOutput DeepCopy() => this with { Data = NotebookOutputs.Copy(Data), Metadata = Metadata.DeepClone().AsObject() };
    public bool Equals(DisplayDataNotebookOutput? other) =>
        other is not null && DisplayId == other.DisplayId && NotebookOutputs.SameData(Data, other.Data) &&
        JsonNode.DeepEquals(Metadata, other.Metadata);
    public override int GetHashCode() => HashCode.Combine(OutputType, DisplayId, Data.Count);
}

/// <summary>The value of a cell's last expression.</summary>
public sealed record ExecuteResultNotebookOutput(MimeBundle Data, JsonObject Metadata, int? ExecutionCount) : NotebookOutput
{
    public override string OutputType => "execute_result";
    public override NotebookOutput DeepCopy() => this with { Data = NotebookOutputs.Copy(Data), Metadata = Metadata.DeepClone().AsObject() };
    public bool Equals(ExecuteResultNotebookOutput? other) =>
        other is not null && ExecutionCount == other.ExecutionCount && NotebookOutputs.SameData(Data, other.Data) &&
        JsonNode.DeepEquals(Metadata, other.Metadata);
    public override int GetHashCode() => HashCode.Combine(OutputType, ExecutionCount, Data.Count);
}

/// <summary>A compile error, exception or timeout, as the cell reported it.</summary>
public sealed record ErrorNotebookOutput(string EName, string EValue, IReadOnlyList<string> Traceback) : NotebookOutput
{
    public override string OutputType => "error";
    public override NotebookOutput DeepCopy() => this with { Traceback = Traceback.ToArray() };
    public bool Equals(ErrorNotebookOutput? other) =>
        other is not null && EName == other.EName && EValue == other.EValue && Traceback.SequenceEqual(other.Traceback);
    public override int GetHashCode() => HashCode.Combine(OutputType, EName, EValue);
}

/// <summary>Helpers shared by the output records.</summary>
internal static class NotebookOutputs
{
    public static MimeBundle Copy(MimeBundle data)
    {
        var copy = new MimeBundle();
        foreach (var (mime, value) in data) copy[mime] = value;
        return copy;
    }

    public static bool SameData(MimeBundle a, MimeBundle b) =>
        a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out var other) && other == pair.Value);
}
