using System.Text.Json;
using System.Text.Json.Nodes;
using NotebookNN.Kernel.Engine;

namespace NotebookNN.Kernel.Notebooks;

/// <summary>A notebook file that cannot be read or written: the message says what is wrong and what to do.</summary>
public sealed class NotebookFormatException(string message) : Exception(message);

/// <summary>
/// Reads and writes Jupyter notebooks (.ipynb). Reads nbformat 4.0 to 4.5, including Polyglot notebooks
/// (kernelspec <c>.net-csharp</c>); always writes nbformat 4.5, Jupyter's layout, valid against the official schema.
/// </summary>
public static class IpynbFormat
{
    public const int NbFormat = 4;
    public const int NbFormatMinor = 5;

    /// <summary>Parses the text of a .ipynb file. <paramref name="name"/> names the file in error messages.</summary>
    public static Notebook Read(string json, string name = "notebook")
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new NotebookFormatException($"{name} is not valid JSON ({e.Message}). A .ipynb file is a JSON document in nbformat 4.");
        }
        if (root is not JsonObject document)
            throw new NotebookFormatException($"{name} is not a notebook: its JSON root must be an object with 'cells', 'metadata' and 'nbformat'.");

        var major = document["nbformat"] is JsonValue v && v.TryGetValue(out int m) ? m : (int?)null;
        if (major != NbFormat)
            throw new NotebookFormatException(
                $"{name} is nbformat {(major?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(missing)")}; only nbformat 4 is supported. " +
                "Convert it with `jupyter nbconvert --to notebook --nbformat 4 FILE`.");

        var notebook = new Notebook();
        if (document["metadata"] is JsonObject metadata)
            foreach (var (key, value) in metadata) notebook.Metadata[key] = value?.DeepClone();

        if (document["cells"] is not JsonArray cells)
            throw new NotebookFormatException($"{name} has no 'cells' array; every nbformat 4 notebook has one (it may be empty).");
        for (var i = 0; i < cells.Count; i++)
            notebook.Cells.Add(ReadCell(cells[i] as JsonObject ?? throw Bad(name, i, "is not a JSON object"), name, i));

        NotebookIds.Fill(notebook);
        return notebook;
    }

    /// <summary>The notebook as nbformat 4.5 JSON text (sorted keys, 1-space indent, trailing newline).</summary>
    public static string Write(Notebook notebook)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        NotebookIds.Fill(notebook);
        var cells = new JsonArray();
        foreach (var cell in notebook.Cells) cells.Add(WriteCell(cell));
        var document = new JsonObject
        {
            ["cells"] = cells,
            ["metadata"] = notebook.Metadata.DeepClone(),
            ["nbformat"] = NbFormat,
            ["nbformat_minor"] = NbFormatMinor,
        };
        return JupyterJson.Serialize(document);
    }

    private static NotebookCell ReadCell(JsonObject json, string name, int index)
    {
        var kind = Text(json["cell_type"]) switch
        {
            "code" => CellKind.Code,
            "markdown" => CellKind.Markdown,
            "raw" => CellKind.Raw,
            var other => throw Bad(name, index, $"has cell_type '{other ?? "(missing)"}'; expected code, markdown or raw"),
        };
        var id = Text(json["id"]);
        var cell = new NotebookCell(kind, MultilineText(json["source"]) ?? "", NotebookIds.IsValid(id) ? id : null);
        if (json["metadata"] is JsonObject metadata)
            foreach (var (key, value) in metadata) cell.Metadata[key] = value?.DeepClone();
        if (kind != CellKind.Code)
        {
            if (json["attachments"] is JsonObject attachments) cell.Attachments = attachments.DeepClone().AsObject();
            return cell;
        }

        cell.ExecutionCount = json["execution_count"] is JsonValue count && count.TryGetValue(out int n) ? n : null;
        if (json["outputs"] is JsonArray outputs)
            for (var o = 0; o < outputs.Count; o++)
                cell.Outputs.Add(ReadOutput(outputs[o] as JsonObject ?? throw Bad(name, index, $"has output {o} that is not a JSON object"), name, index));
        return cell;
    }

    private static NotebookOutput ReadOutput(JsonObject json, string name, int index)
    {
        var type = Text(json["output_type"]);
        switch (type)
        {
            case "stream":
                return new StreamNotebookOutput(Text(json["name"]) ?? "stdout", MultilineText(json["text"]) ?? "");
            case "display_data":
                return new DisplayDataNotebookOutput(ReadData(json["data"]), ReadMetadata(json["metadata"]),
                    Text(json["transient"]?["display_id"]));
            case "execute_result":
                return new ExecuteResultNotebookOutput(ReadData(json["data"]), ReadMetadata(json["metadata"]),
                    json["execution_count"] is JsonValue c && c.TryGetValue(out int n) ? n : null);
            case "error":
                var traceback = json["traceback"] is JsonArray lines ? lines.Select(l => Text(l) ?? "").ToArray() : [];
                return new ErrorNotebookOutput(Text(json["ename"]) ?? "", Text(json["evalue"]) ?? "", traceback);
            default:
                throw Bad(name, index, $"has an output of type '{type ?? "(missing)"}'; expected stream, display_data, execute_result or error");
        }
    }

    private static MimeBundle ReadData(JsonNode? node)
    {
        var data = new MimeBundle();
        if (node is not JsonObject obj) return data;
        foreach (var (mime, value) in obj)
        {
            // A JSON MIME type's value is any JSON value in the file; keep its JSON text so writing restores it.
            data[mime] = MimeBundle.IsJsonMimeType(mime) ? value?.ToJsonString() ?? "null" : MultilineText(value) ?? "";
        }
        return data;
    }

    private static JsonObject ReadMetadata(JsonNode? node) => node is JsonObject obj ? obj.DeepClone().AsObject() : new JsonObject();

    private static JsonObject WriteCell(NotebookCell cell)
    {
        var json = new JsonObject
        {
            ["cell_type"] = cell.Kind switch { CellKind.Code => "code", CellKind.Markdown => "markdown", _ => "raw" },
            ["id"] = cell.Id,
            ["metadata"] = cell.Metadata.DeepClone(),
            ["source"] = JupyterJson.SplitLines(cell.Source),
        };
        if (cell.Kind == CellKind.Code)
        {
            json["execution_count"] = cell.ExecutionCount;
            var outputs = new JsonArray();
            foreach (var output in cell.Outputs) outputs.Add(WriteOutput(output));
            json["outputs"] = outputs;
        }
        else if (cell.Attachments is not null)
        {
            json["attachments"] = cell.Attachments.DeepClone();
        }
        return json;
    }

    /// <summary>One output as nbformat JSON.</summary>
    public static JsonObject WriteOutput(NotebookOutput output) => output switch
    {
        StreamNotebookOutput s => new JsonObject
        {
            ["output_type"] = "stream",
            ["name"] = s.Name,
            ["text"] = JupyterJson.SplitLines(s.Text),
        },
        DisplayDataNotebookOutput d => new JsonObject
        {
            ["output_type"] = "display_data",
            ["data"] = WriteData(d.Data),
            ["metadata"] = d.Metadata.DeepClone(),
        },
        ExecuteResultNotebookOutput r => new JsonObject
        {
            ["output_type"] = "execute_result",
            ["data"] = WriteData(r.Data),
            ["metadata"] = r.Metadata.DeepClone(),
            ["execution_count"] = r.ExecutionCount,
        },
        ErrorNotebookOutput e => new JsonObject
        {
            ["output_type"] = "error",
            ["ename"] = e.EName,
            ["evalue"] = e.EValue,
            ["traceback"] = new JsonArray(e.Traceback.Select(line => (JsonNode?)JsonValue.Create(line)).ToArray()),
        },
        _ => throw new ArgumentException($"Unknown output type {output.GetType().Name}.", nameof(output)),
    };

    private static JsonObject WriteData(MimeBundle data)
    {
        var json = new JsonObject();
        foreach (var (mime, value) in data)
            json[mime] = MimeBundle.IsJsonMimeType(mime) ? ParseJsonData(mime, value) : JupyterJson.SplitLines(value);
        return json;
    }

    private static JsonNode? ParseJsonData(string mime, string value)
    {
        try
        {
            return JsonNode.Parse(value);
        }
        catch (JsonException e)
        {
            throw new NotebookFormatException($"The {mime} output holds text that is not JSON ({e.Message}); a JSON MIME type must carry JSON text.");
        }
    }

    /// <summary>nbformat's multi-line string: a string, or an array of strings to concatenate.</summary>
    private static string? MultilineText(JsonNode? node) => node switch
    {
        JsonArray parts => string.Concat(parts.Select(p => Text(p) ?? "")),
        _ => Text(node),
    };

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue(out string? text) ? text : null;

    private static NotebookFormatException Bad(string name, int index, string problem) =>
        new($"{name}: cell {index} {problem}. Open the notebook in Jupyter and save it again, or fix the JSON by hand.");
}
