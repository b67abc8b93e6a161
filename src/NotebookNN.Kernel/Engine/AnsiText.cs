using System.Text.RegularExpressions;

namespace NotebookNN.Kernel.Engine;

/// <summary>
/// The ANSI SGR colour codes error tracebacks carry (as ipykernel's do: Jupyter front ends colour them), and the
/// ways back out: plain text for logs and XML, and segments a renderer turns into markup (the HTML pages).
/// </summary>
public static partial class AnsiText
{
    private const string Escape = "\u001b[";
    private const string Reset = Escape + "0m";

    /// <summary><paramref name="text"/> in red (exception types, compiler errors).</summary>
    public static string Red(string text) => Colour(31, text);

    /// <summary><paramref name="text"/> in green (where: cell and line, the failing line's marker).</summary>
    public static string Green(string text) => Colour(32, text);

    /// <summary><paramref name="text"/> in cyan (the failing line's number).</summary>
    public static string Cyan(string text) => Colour(36, text);

    private static string Colour(int code, string text) => $"{Escape}0;{code}m{text}{Reset}";

    /// <summary><paramref name="text"/> without any ANSI escape sequence.</summary>
    public static string Strip(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Sequence().Replace(text, "");
    }

    /// <summary>A run of text and the SGR foreground colour (30-37, bright ones folded onto them) and weight in force
    /// for it; sequences other than SGR are dropped. What a renderer needs to turn the codes into markup.</summary>
    public readonly record struct Segment(string Text, int? Colour, bool Bold);

    /// <summary><paramref name="text"/> cut into <see cref="Segment"/>s, empty runs left out.</summary>
    public static IEnumerable<Segment> Segments(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int? colour = null;
        bool bold = false;
        int position = 0;
        foreach (Match match in Sequence().Matches(text))
        {
            if (match.Index > position)
                yield return new Segment(text[position..match.Index], colour, bold);
            position = match.Index + match.Length;
            if (match.Groups["final"].Value != "m")
                continue;
            foreach (var code in match.Groups["params"].Value.Split(';'))
            {
                int value = code.Length == 0 ? 0 : int.Parse(code, System.Globalization.CultureInfo.InvariantCulture);
                switch (value)
                {
                    case 0: colour = null; bold = false; break;
                    case 1: bold = true; break;
                    case 22: bold = false; break;
                    case 39: colour = null; break;
                    case >= 30 and <= 37: colour = value; break;
                    case >= 90 and <= 97: colour = value - 60; break;
                }
            }
        }
        if (position < text.Length)
            yield return new Segment(text[position..], colour, bold);
    }

    // CSI sequences: ESC [ parameters final-byte; SGR ("m") is the only kind acted on.
    [GeneratedRegex(@"\x1b\[(?<params>[0-9;]*)(?<final>[A-Za-z])")]
    private static partial Regex Sequence();
}
