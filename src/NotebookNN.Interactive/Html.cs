using System.Globalization;
using System.Text;

namespace NotebookNN.Interactive;

/// <summary>
/// The one HTML escaper of NotebookNN: the formatters, the HTML pages nnb writes and the kernel's own views all use it.
/// </summary>
public static class HtmlText
{
    /// <summary>Escapes text for element content and attribute values. Only the five markup characters are replaced;
    /// other characters stay readable in the page source (pages and outputs are UTF-8).</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        if (text.AsSpan().IndexOfAny("<>&\"'") < 0) return text;
        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            switch (c)
            {
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                case '&': builder.Append("&amp;"); break;
                case '"': builder.Append("&quot;"); break;
                case '\'': builder.Append("&#39;"); break;
                default: builder.Append(c); break;
            }
        }
        return builder.ToString();
    }

    /// <summary>Keeps text placed inside a &lt;script&gt; element from ending it early (<c>&lt;/script</c>) or opening
    /// an HTML comment (<c>&lt;!--</c>); both rewrites mean the same in JavaScript.</summary>
    public static string EscapeScript(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase).Replace("<!--", "<\\!--", StringComparison.Ordinal);
    }
}

/// <summary>Small HTML helpers shared by the formatters.</summary>
internal static class Html
{
    public static string Escape(string? text) => HtmlText.Escape(text);

    /// <summary>A number for display: up to <paramref name="digits"/> significant digits, invariant culture.</summary>
    public static string Number(double value, int digits = 4) =>
        double.IsNaN(value) ? "nan"
        : double.IsPositiveInfinity(value) ? "inf"
        : double.IsNegativeInfinity(value) ? "-inf"
        : value.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture).Replace('E', 'e');

    /// <summary>A fraction as a percentage with one decimal.</summary>
    public static string Percent(double fraction) =>
        (fraction * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>Shared look of NotebookNN outputs; class names are prefixed so they do not clash with a host's CSS.</summary>
    public const string Style = """
        <style>
        .nnb-out{font-family:system-ui,-apple-system,Segoe UI,sans-serif;font-size:13px;line-height:1.4}
        .nnb-chips{margin:2px 0 6px 0}
        .nnb-chip{display:inline-block;padding:1px 8px;margin:0 4px 2px 0;border-radius:10px;background:#e8eef7;color:#1d3b63;font-size:12px}
        .nnb-chip.nnb-grad{background:#fbe9d4;color:#6b3b00}
        .nnb-table{border-collapse:collapse;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}
        .nnb-table td,.nnb-table th{padding:1px 6px;text-align:right;border-bottom:1px solid #eee;white-space:nowrap}
        .nnb-table th{color:#888;font-weight:normal}
        .nnb-slice{display:inline-block;vertical-align:top;margin:0 12px 8px 0}
        .nnb-slice-label{color:#555;font-family:ui-monospace,monospace;font-size:12px}
        .nnb-stats{color:#444;font-size:12px;margin-top:4px}
        .nnb-warning{background:#fff4e5;border-left:4px solid #f0a020;padding:4px 8px;margin:4px 0;color:#663c00}
        .nnb-bar{display:inline-block;height:10px;background:#4a7fd0;vertical-align:middle}
        .nnb-bar-bg{display:inline-block;width:120px;height:10px;background:#eef1f6;vertical-align:middle;margin-right:6px}
        .nnb-true{font-weight:bold;color:#1a7f37}
        .nnb-wrong{color:#b42318}
        img.nnb-picture{image-rendering:pixelated;border:1px solid #ddd;max-width:100%}
        </style>
        """;
}
