using System.Text;

namespace NotebookNN.Kernel.Engine;

/// <summary>A piece of a cell, in the order the engine runs them. Line numbers are 0-based lines of the cell.</summary>
internal abstract record CellItem(int Line);

/// <summary>C# code on lines [<paramref name="Line"/>, <paramref name="EndLine"/>).</summary>
internal sealed record CodeItem(int Line, int EndLine) : CellItem(Line);

/// <summary><c>#r "..."</c>: an assembly path or <c>nuget: Name[, Version]</c>.</summary>
internal sealed record ReferenceItem(int Line, string Argument) : CellItem(Line);

/// <summary><c>#i "nuget: source"</c>: a package source for later restores.</summary>
internal sealed record SourceItem(int Line, string Argument) : CellItem(Line);

/// <summary><c>#!name arguments</c>. Magics that take the rest of the cell (<c>#!time</c>, <c>#!markdown</c>) end the
/// item list; their body starts on the next line.</summary>
internal sealed record MagicItem(int Line, string Name, string RawArguments) : CellItem(Line);

/// <summary>
/// Splits a cell into code and directives the way .NET Interactive did: <c>#r</c>, <c>#i</c> and <c>#!magic</c> lines
/// may appear anywhere, are handled in order, and split the code around them. Code keeps the cell's line numbers:
/// <see cref="CodeFor"/> blanks every other line, so compiler positions are positions in the cell.
/// </summary>
internal sealed class CellParser
{
    /// <summary>Magic commands whose body is the rest of the cell.</summary>
    public static readonly IReadOnlySet<string> RestOfCellMagics = new HashSet<string>(StringComparer.Ordinal) { "time", "markdown", "html", "value" };

    /// <summary>Magics whose rest of the cell is text, not C# (language services stop there).</summary>
    public static readonly IReadOnlySet<string> TextMagics = new HashSet<string>(StringComparer.Ordinal) { "markdown", "html", "value" };

    private readonly string[] _lines;

    public CellParser(string code)
    {
        _lines = code.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
    }

    public int LineCount => _lines.Length;

    /// <summary>The items from line <paramref name="fromLine"/> on.</summary>
    public IReadOnlyList<CellItem> Parse(int fromLine = 0)
    {
        var items = new List<CellItem>();
        var codeStart = -1;
        for (var i = fromLine; i < _lines.Length; i++)
        {
            var directive = ParseDirective(i, _lines[i]);
            if (directive is null)
            {
                if (codeStart < 0 && _lines[i].Trim().Length > 0) codeStart = i;
                continue;
            }
            if (codeStart >= 0) items.Add(new CodeItem(codeStart, i));
            codeStart = -1;
            items.Add(directive);
            if (directive is MagicItem magic && RestOfCellMagics.Contains(magic.Name))
                return items;
        }
        if (codeStart >= 0) items.Add(new CodeItem(codeStart, _lines.Length));
        return items;
    }

    /// <summary>The cell with only the lines of <paramref name="item"/> kept, all others empty.</summary>
    public string CodeFor(CodeItem item)
    {
        var text = new StringBuilder();
        for (var i = 0; i < item.EndLine; i++)
        {
            if (i >= item.Line) text.Append(_lines[i]);
            if (i < item.EndLine - 1) text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>The text of the lines after <paramref name="line"/> (the body of a rest-of-cell magic).</summary>
    public string TextAfter(int line) => string.Join('\n', _lines.Skip(line + 1));

    /// <summary>The cell with directive lines replaced by spaces: same length and offsets, only C# left for Roslyn.</summary>
    public static string BlankDirectives(string code)
    {
        var text = new StringBuilder(code.Length);
        var lines = code.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var bare = line.TrimEnd('\r');
            text.Append(ParseDirective(i, bare) is null ? line : new string(' ', bare.Length) + line[bare.Length..]);
            if (i < lines.Length - 1) text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>The cell up to a <c>#!markdown</c>, <c>#!html</c> or <c>#!value</c> line: what follows it is text, not code.</summary>
    public static string CodeBeforeMarkdown(string code)
    {
        var lines = code.Split('\n');
        var markdown = Array.FindIndex(lines, line => ParseDirective(0, line) is MagicItem magic && TextMagics.Contains(magic.Name));
        return markdown < 0 ? code : string.Join('\n', lines.Take(markdown));
    }

    /// <summary>Whether <paramref name="line"/> is a directive line (<c>#r</c>, <c>#i</c>, <c>#!...</c>).</summary>
    public static bool IsDirectiveLine(string line) => ParseDirective(0, line) is not null;

    private static CellItem? ParseDirective(int index, string line)
    {
        var text = line.Trim();
        if (text.StartsWith("#!", StringComparison.Ordinal) && text.Length > 2 && !char.IsWhiteSpace(text[2]))
        {
            var body = text[2..];
            var space = body.IndexOfAny([' ', '\t']);
            return space < 0
                ? new MagicItem(index, body, "")
                : new MagicItem(index, body[..space], body[(space + 1)..].Trim());
        }
        if (IsKeyword(text, "#r")) return new ReferenceItem(index, Unquote(text[2..]));
        if (IsKeyword(text, "#i")) return new SourceItem(index, Unquote(text[2..]));
        return null;
    }

    // "#r" followed by a space or a quote; "#region" and "#if" are C#.
    private static bool IsKeyword(string text, string keyword) =>
        text.StartsWith(keyword, StringComparison.Ordinal) && text.Length > keyword.Length
        && (text[keyword.Length] == '"' || char.IsWhiteSpace(text[keyword.Length]));

    private static string Unquote(string argument)
    {
        var text = argument.Trim();
        if (text.EndsWith(';')) text = text[..^1].TrimEnd();
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"') text = text[1..^1];
        return text.Trim();
    }
}
