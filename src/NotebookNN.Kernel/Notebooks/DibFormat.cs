using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotebookNN.Kernel.Notebooks;

/// <summary>
/// Reads and writes Polyglot's plain-text notebooks (.dib): an optional <c>#!meta</c> header with the kernel info as
/// JSON, then cells each introduced by a kernel line such as <c>#!csharp</c> or <c>#!markdown</c>. A .dib holds no
/// outputs. The header becomes <c>metadata.polyglot_notebook</c>, as Polyglot does when it saves a .dib as .ipynb.
/// </summary>
public static class DibFormat
{
    // Kernel names (and aliases) that start a cell in a .dib file. Other #! lines (#!time, #!who, ...) are magics
    // inside a cell. Kernels declared in the #!meta header are added per file.
    private static readonly string[] KnownKernels =
    [
        "csharp", "c#", "C#", "fsharp", "f#", "F#", "pwsh", "powershell", "javascript", "js", "html", "markdown", "md",
        "sql", "kql", "mermaid", "value", "http",
    ];

    /// <summary>Parses the text of a .dib file. <paramref name="name"/> names the file in error messages.</summary>
    public static Notebook Read(string text, string name = "notebook")
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var notebook = new Notebook();
        var kernels = new HashSet<string>(KnownKernels, StringComparer.Ordinal);

        var section = (Kernel: (string?)null, Lines: new List<string>());
        var sections = new List<(string? Kernel, List<string> Lines)>();
        foreach (var line in lines)
        {
            var trimmed = line.TrimEnd();
            if (trimmed == "#!meta" || (trimmed.StartsWith("#!", StringComparison.Ordinal) && kernels.Contains(trimmed[2..])))
            {
                sections.Add(section);
                section = (trimmed[2..], new List<string>());
                if (trimmed == "#!meta") continue;
            }
            else
            {
                section.Lines.Add(line);
            }
        }
        sections.Add(section);

        var defaultKernel = Notebook.CSharp;
        foreach (var (kernel, body) in sections)
        {
            var content = TrimBlankLines(body);
            if (kernel == "meta")
            {
                var meta = ParseMeta(content, name);
                notebook.Metadata["polyglot_notebook"] = meta;
                defaultKernel = notebook.DefaultLanguage;
                foreach (var declared in DeclaredKernels(meta)) kernels.Add(declared);
                continue;
            }
            // Text before the first kernel line belongs to the default kernel; blank text there is no cell.
            if (kernel is null && content.Length == 0) continue;
            notebook.Cells.Add(MakeCell(kernel ?? defaultKernel, content));
        }

        NotebookIds.Fill(notebook);
        return notebook;
    }

    /// <summary>The notebook as .dib text. Outputs are not kept (.dib has none); raw cells cannot be written.</summary>
    public static string Write(Notebook notebook)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        var parts = new List<string>();
        if (notebook.Metadata["polyglot_notebook"] is JsonObject meta)
            parts.Add("#!meta\n\n" + JupyterJson.SerializeCompact(meta));
        for (var i = 0; i < notebook.Cells.Count; i++)
        {
            var cell = notebook.Cells[i];
            if (cell.Kind == CellKind.Raw)
                throw new NotebookFormatException($"Cell {i} is a raw cell, which a .dib file cannot hold; save the notebook as .ipynb instead.");
            var kernel = notebook.LanguageOf(cell);
            parts.Add($"#!{kernel}\n\n{cell.Source.TrimEnd('\n')}");
        }
        return string.Join("\n\n", parts) + "\n";
    }

    private static NotebookCell MakeCell(string kernel, string content)
    {
        var language = Notebook.NormalizeLanguage(kernel);
        if (language == "markdown") return new NotebookCell(CellKind.Markdown, content);
        var cell = new NotebookCell(CellKind.Code, content);
        // The cell metadata Polyglot writes, so the language survives a save as .ipynb.
        cell.Metadata["dotnet_interactive"] = new JsonObject { ["language"] = language };
        cell.Metadata["polyglot_notebook"] = new JsonObject { ["kernelName"] = language };
        return cell;
    }

    private static JsonObject ParseMeta(string content, string name)
    {
        try
        {
            return JsonNode.Parse(content) as JsonObject
                   ?? throw new NotebookFormatException($"{name}: the #!meta header must hold a JSON object.");
        }
        catch (JsonException e)
        {
            throw new NotebookFormatException($"{name}: the #!meta header is not valid JSON ({e.Message}). Fix it or delete the #!meta section.");
        }
    }

    private static IEnumerable<string> DeclaredKernels(JsonObject meta)
    {
        if (meta["kernelInfo"]?["items"] is not JsonArray items) yield break;
        foreach (var item in items.OfType<JsonObject>())
        {
            if (item["name"] is JsonValue n && n.TryGetValue(out string? kernelName)) yield return kernelName;
            if (item["aliases"] is JsonArray aliases)
                foreach (var alias in aliases.OfType<JsonValue>())
                    if (alias.TryGetValue(out string? a)) yield return a.TrimStart('#', '!');
        }
    }

    private static string TrimBlankLines(List<string> lines)
    {
        var start = 0;
        var end = lines.Count;
        while (start < end && string.IsNullOrWhiteSpace(lines[start])) start++;
        while (end > start && string.IsNullOrWhiteSpace(lines[end - 1])) end--;
        var builder = new StringBuilder();
        for (var i = start; i < end; i++)
        {
            if (i > start) builder.Append('\n');
            builder.Append(lines[i]);
        }
        return builder.ToString();
    }
}
