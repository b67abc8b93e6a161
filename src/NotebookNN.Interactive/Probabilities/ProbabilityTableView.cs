using System.Globalization;
using System.Text;
using NotebookNN.Probabilities;

namespace NotebookNN.Interactive.Probabilities;

/// <summary>Text and HTML views of a <see cref="ProbabilityTable"/>: per-row bars, prediction, top-k, entropy,
/// true label, and the table's warnings where a reader cannot miss them.</summary>
public static class ProbabilityTableView
{
    /// <summary>Rows shown before the view says how many more there are.</summary>
    public const int MaxRows = 100;
    /// <summary>Above this many classes the per-class bars are left out and top-k carries the row.</summary>
    public const int MaxBarClasses = 10;

    /// <summary>What the table's kind means, in one phrase.</summary>
    public static string Describe(ProbabilityKind kind) => kind switch
    {
        ProbabilityKind.Softmax => "softmax: classes are mutually exclusive, prediction = argmax",
        ProbabilityKind.MultiLabel => "independent sigmoids (multi-label): each label on its own, predicted at or above the threshold",
        _ => "single sigmoid (binary): P(class 1) and P(class 0) = 1 - P(class 1)",
    };

    /// <summary>The plain-text table.</summary>
    public static string ToText(ProbabilityTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var sb = new StringBuilder();
        sb.Append("ProbabilityTable: ").Append(table.Rows).Append(" rows x ").Append(ClassCount(table)).Append(" classes (")
          .Append(Describe(table.Kind)).Append(ThresholdNote(table)).AppendLine(")");
        foreach (string w in table.Warnings) sb.Append("WARNING: ").AppendLine(w);
        var columns = BarColumns(table);
        var header = new List<string> { "#" };
        header.AddRange(columns.Select(c => "P(" + table.ClassNames[c] + ")"));
        header.AddRange(["predicted", $"top-{table.TopK}", "entropy"]);
        bool hasTruth = table.TrueLabels is not null || table.TrueLabelSets is not null;
        if (hasTruth) header.Add("true");
        var rows = new List<string[]> { header.ToArray() };
        for (int r = 0; r < Math.Min(table.Rows, MaxRows); r++)
        {
            var cells = new List<string> { r.ToString(CultureInfo.InvariantCulture) };
            cells.AddRange(columns.Select(c => Fixed(table.Probability(r, c))));
            cells.Add(PredictedText(table, r));
            cells.Add(string.Join(", ", table.Top(r).Select(t => $"{table.ClassNames[t.Class]} {Fixed(t.Probability, 2)}")));
            cells.Add(Fixed(table.Entropy(r)));
            if (hasTruth) cells.Add(TruthText(table, r) + (table.IsCorrect(r) == true ? " (correct)" : " (wrong)"));
            rows.Add(cells.ToArray());
        }
        int[] widths = Enumerable.Range(0, header.Count).Select(i => rows.Max(row => row[i].Length)).ToArray();
        foreach (var row in rows)
            sb.AppendLine(string.Join("  ", row.Select((cell, i) => i == 0 ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]))).TrimEnd());
        if (table.Rows > MaxRows) sb.Append("... ").Append(table.Rows - MaxRows).AppendLine(" more rows");
        return sb.ToString().TrimEnd('\n', '\r');
    }

    /// <summary>Class names in column headers are cut to this many characters when the whole names do not fit (the
    /// full name is the tooltip).</summary>
    public const int MaxHeaderChars = 7;

    /// <summary>The HTML table under <see cref="HtmlViewOptions.Current"/>.</summary>
    public static string ToHtml(ProbabilityTable table) => ToHtml(table, HtmlViewOptions.Current);

    /// <summary>
    /// The HTML table: per class a probability with a bar behind it, then prediction, top-k (one per line), entropy
    /// and the true label. When the class columns do not fit <paramref name="options"/>' width, the first and last
    /// classes are shown with "…" between (the top-k column still names the likeliest); the note under the table
    /// says how many were left out and how to see them all.
    /// </summary>
    public static string ToHtml(ProbabilityTable table, HtmlViewOptions options)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int shownRows = Math.Min(table.Rows, MaxRows);
        var sb = new StringBuilder(Html.Style).Append("<div class=\"nnb-out nnb-probabilities\">");
        sb.Append("<div class=\"nnb-chips\"><span class=\"nnb-chip\">").Append(table.Rows).Append(" rows</span><span class=\"nnb-chip\">")
          .Append(ClassCount(table)).Append(" classes</span><span class=\"nnb-chip nnb-kind\">").Append(Html.Escape(Describe(table.Kind) + ThresholdNote(table)))
          .Append("</span></div>");
        foreach (string w in table.Warnings)
            sb.Append("<div class=\"nnb-warning\" role=\"alert\">⚠ ").Append(Html.Escape(w)).Append("</div>");
        var columns = BarColumns(table);
        bool hasTruth = table.TrueLabels is not null || table.TrueLabelSets is not null;

        double fixedWidth = FixedColumnsWidth(table, shownRows, hasTruth);
        double ClassWidth(int c, bool cut) => Html.CellWidth(Math.Max(5, Header(table, c, cut).Length));
        // Long class names are cut only when the whole names do not fit.
        bool cut = fixedWidth + columns.Sum(c => ClassWidth(c, false)) > options.Budget;
        var (shown, split) = Html.FitColumns(columns.Select(c => ClassWidth(c, cut)).ToArray(), fixedWidth, options.Budget);
        sb.Append("<table class=\"nnb-table nnb-prob-table\"><thead><tr><th>#</th>");
        for (int i = 0; i < shown.Count; i++)
        {
            if (i == split) sb.Append("<th>…</th>");
            int c = columns[shown[i]];
            sb.Append("<th title=\"P(").Append(Html.Escape(table.ClassNames[c])).Append(")\">").Append(Html.Escape(Header(table, c, cut))).Append("</th>");
        }
        sb.Append("<th>predicted</th><th>top-").Append(table.TopK).Append("</th><th>entropy</th>");
        if (hasTruth) sb.Append("<th>true</th>");
        sb.Append("</tr></thead><tbody>");
        for (int r = 0; r < shownRows; r++)
        {
            sb.Append("<tr><th>").Append(r).Append("</th>");
            for (int i = 0; i < shown.Count; i++)
            {
                if (i == split) sb.Append("<td>…</td>");
                AppendBar(sb, table.Probability(r, columns[shown[i]]));
            }
            sb.Append("<td class=\"nnb-predicted\">").Append(Html.Escape(PredictedText(table, r))).Append("</td>");
            sb.Append("<td class=\"nnb-topk\">").Append(string.Join("<br>", TopTexts(table, r).Select(Html.Escape))).Append("</td>");
            sb.Append("<td class=\"nnb-entropy\">").Append(Fixed(table.Entropy(r), 3)).Append("</td>");
            if (hasTruth)
            {
                bool correct = table.IsCorrect(r) == true;
                sb.Append("<td class=\"").Append(correct ? "nnb-true" : "nnb-wrong").Append("\">").Append(Html.Escape(TruthText(table, r)))
                  .Append(correct ? " ✓" : " ✗").Append("</td>");
            }
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
        if (table.Rows > MaxRows) sb.Append("<div class=\"nnb-stats\">… ").Append(table.Rows - MaxRows).Append(" more rows</div>");
        if (split is not null)
            sb.Append("<div class=\"nnb-stats\">").Append(columns.Count - shown.Count).Append(" of ").Append(columns.Count)
              .Append(" class columns left out to fit ").Append(options.MaxWidth).Append(" px (top-").Append(table.TopK)
              .Append(" names the likeliest); all of them: <code>HtmlViewOptions.Current = HtmlViewOptions.Full</code></div>");
        sb.Append("<div class=\"nnb-stats\">entropy in nats (0 = certain)</div>");
        return sb.Append("</div>").ToString();
    }

    /// <summary>A class column's header: the class name, cut to <see cref="MaxHeaderChars"/> when <paramref name="cut"/>.</summary>
    static string Header(ProbabilityTable table, int c, bool cut)
    {
        string name = table.ClassNames[c];
        return !cut || name.Length <= MaxHeaderChars ? name : name[..(MaxHeaderChars - 1)] + "…";
    }

    static IEnumerable<string> TopTexts(ProbabilityTable table, int row) =>
        table.Top(row).Select(t => $"{table.ClassNames[t.Class]} {Fixed(t.Probability, 2)}");

    /// <summary>The width of every column but the class columns, from the longest text each shows.</summary>
    static double FixedColumnsWidth(ProbabilityTable table, int shownRows, bool hasTruth)
    {
        int Longest(Func<int, IEnumerable<string>> texts, string header) =>
            Math.Max(header.Length, Enumerable.Range(0, shownRows).SelectMany(texts).Select(t => t.Length).DefaultIfEmpty(0).Max());
        double width = Html.CellWidth(Math.Max(1, (shownRows - 1).ToString(CultureInfo.InvariantCulture).Length))
            + Html.CellWidth(Longest(r => [PredictedText(table, r)], "predicted"))
            + Html.CellWidth(Longest(r => TopTexts(table, r), "top-" + table.TopK))
            + Html.CellWidth("entropy".Length);
        if (hasTruth) width += Html.CellWidth(Longest(r => [TruthText(table, r) + " ✓"], "true"));
        return width;
    }

    /// <summary>A probability with a bar behind it, drawn as the cell's background so it takes no width.</summary>
    static void AppendBar(StringBuilder sb, double p)
    {
        double shown = double.IsFinite(p) ? Math.Clamp(p, 0, 1) : 0;
        string percent = (shown * 100).ToString("0.#", CultureInfo.InvariantCulture);
        sb.Append("<td class=\"nnb-p\" style=\"background:linear-gradient(90deg,#cddcf3 ").Append(percent).Append("%,transparent ")
          .Append(percent).Append("%)\">").Append(Fixed(p)).Append("</td>");
    }

    /// <summary>Binary tables list P(class 1) first, as the brief of a single sigmoid reads.</summary>
    static IReadOnlyList<int> BarColumns(ProbabilityTable table) =>
        table.Kind == ProbabilityKind.BinarySigmoid ? [1, 0]
        : table.Classes <= MaxBarClasses ? Enumerable.Range(0, table.Classes).ToArray()
        : [];

    static int ClassCount(ProbabilityTable table) => table.Classes;

    static string ThresholdNote(ProbabilityTable table) =>
        table.Kind == ProbabilityKind.Softmax ? "" : "; threshold " + table.Threshold.ToString("0.###", CultureInfo.InvariantCulture);

    static string PredictedText(ProbabilityTable table, int row)
    {
        var predicted = table.Predicted(row);
        return predicted.Count == 0 ? "(none)" : string.Join(", ", predicted.Select(c => table.ClassNames[c]));
    }

    static string TruthText(ProbabilityTable table, int row) =>
        table.TrueLabels is { } labels ? table.ClassNames[labels[row]]
        : table.TrueLabelSets![row].Count == 0 ? "(none)"
        : string.Join(", ", table.TrueLabelSets[row].Select(c => table.ClassNames[c]));

    static string Fixed(double value, int digits = 3) =>
        double.IsFinite(value) ? value.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : Html.Number(value);
}
