using System.Globalization;
using System.Text;

using NotebookNN.Extensibility;

namespace NotebookNN.Interactive;

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

    /// <summary>Width of one character of the tables' monospace font (12 px), in CSS pixels, rounded up over the
    /// fonts browsers pick for ui-monospace (DejaVu Sans Mono, Menlo, Consolas are 7.2-7.3 px).</summary>
    public const double MonoCharWidth = 7.4;

    /// <summary>A table cell's horizontal padding (6 px each side) plus a pixel of rounding.</summary>
    public const double CellPadding = 13;

    /// <summary>The width a table cell holding <paramref name="characters"/> monospace characters takes.</summary>
    public static double CellWidth(int characters) => characters * MonoCharWidth + CellPadding;

    /// <summary>
    /// Which columns of the given <paramref name="widths"/> to show within <paramref name="budget"/>
    /// pixels (after <paramref name="fixedWidth"/> for the other columns): all when they fit, else the first and
    /// last columns with an ellipsis column between, as many as fit (at least one each side), as PyTorch keeps
    /// edge items. Returns the indices shown and whether the ellipsis goes after position <c>Split</c>.
    /// </summary>
    public static (IReadOnlyList<int> Shown, int? Split) FitColumns(IReadOnlyList<double> widths, double fixedWidth, double budget)
    {
        int count = widths.Count;
        // No column, or one: nothing can be left out (a table wider than the budget without them stays as it is).
        if (count <= 1 || fixedWidth + widths.Sum() <= budget) return (Enumerable.Range(0, count).ToArray(), null);
        double ellipsis = CellWidth(1);
        for (int edge = (count - 1) / 2; edge >= 1; edge--)
        {
            var shown = Enumerable.Range(0, edge).Concat(Enumerable.Range(count - edge, edge)).ToArray();
            if (fixedWidth + ellipsis + shown.Sum(i => widths[i]) <= budget) return (shown, edge);
        }
        return ([0, count - 1], 1);
    }

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
