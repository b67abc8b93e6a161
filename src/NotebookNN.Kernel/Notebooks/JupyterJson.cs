using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotebookNN.Kernel.Notebooks;

/// <summary>
/// Writes JSON the way Jupyter's nbformat does (<c>json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False)</c>
/// plus a final newline), so a notebook saved by nnb diffs cleanly against one saved by Jupyter and the same
/// notebook always gives the same bytes.
/// </summary>
public static class JupyterJson
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        IndentSize = 1,
        IndentCharacter = ' ',
        NewLine = "\n",
        // Jupyter keeps non-ASCII text readable in the file (ensure_ascii=False).
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The text of <paramref name="node"/> with every object's keys in ordinal order, 1-space indent, final newline.</summary>
    public static string Serialize(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
            WriteSorted(writer, node);
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>One-line JSON with sorted keys (used by the .dib <c>#!meta</c> header).</summary>
    public static string SerializeCompact(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            WriteSorted(writer, node);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteSorted(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    WriteSorted(writer, value);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array) WriteSorted(writer, item);
                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

    /// <summary>
    /// Splits text into lines that keep their line ends, as nbformat stores multi-line strings
    /// (<c>"a\nb"</c> becomes <c>["a\n", "b"]</c>; an empty string becomes an empty array).
    /// </summary>
    public static JsonArray SplitLines(string text)
    {
        var lines = new JsonArray();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\n') continue;
            lines.Add(text[start..(i + 1)]);
            start = i + 1;
        }
        if (start < text.Length) lines.Add(text[start..]);
        return lines;
    }
}
