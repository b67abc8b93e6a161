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

    /// <summary>The HTML table.</summary>
    public static string ToHtml(ProbabilityTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var sb = new StringBuilder(Html.Style).Append("<div class=\"nnb-out nnb-probabilities\">");
        sb.Append("<div class=\"nnb-chips\"><span class=\"nnb-chip\">").Append(table.Rows).Append(" rows</span><span class=\"nnb-chip\">")
          .Append(ClassCount(table)).Append(" classes</span><span class=\"nnb-chip nnb-kind\">").Append(Html.Escape(Describe(table.Kind) + ThresholdNote(table)))
          .Append("</span></div>");
        foreach (string w in table.Warnings)
            sb.Append("<div class=\"nnb-warning\" role=\"alert\">⚠ ").Append(Html.Escape(w)).Append("</div>");
        var columns = BarColumns(table);
        bool hasTruth = table.TrueLabels is not null || table.TrueLabelSets is not null;
        sb.Append("<table class=\"nnb-table nnb-prob-table\"><thead><tr><th>#</th>");
        foreach (int c in columns) sb.Append("<th>P(").Append(Html.Escape(table.ClassNames[c])).Append(")</th>");
        sb.Append("<th>predicted</th><th>top-").Append(table.TopK).Append("</th><th>entropy</th>");
        if (hasTruth) sb.Append("<th>true</th>");
        sb.Append("</tr></thead><tbody>");
        for (int r = 0; r < Math.Min(table.Rows, MaxRows); r++)
        {
            sb.Append("<tr><th>").Append(r).Append("</th>");
            foreach (int c in columns) AppendBar(sb, table.Probability(r, c));
            sb.Append("<td class=\"nnb-predicted\">").Append(Html.Escape(PredictedText(table, r))).Append("</td>");
            sb.Append("<td class=\"nnb-topk\">").Append(Html.Escape(string.Join(", ", table.Top(r).Select(t => $"{table.ClassNames[t.Class]} {Fixed(t.Probability, 2)}")))).Append("</td>");
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
        sb.Append("<div class=\"nnb-stats\">entropy in nats (0 = certain)</div>");
        return sb.Append("</div>").ToString();
    }

    static void AppendBar(StringBuilder sb, double p)
    {
        double shown = double.IsFinite(p) ? Math.Clamp(p, 0, 1) : 0;
        sb.Append("<td><span class=\"nnb-bar-bg\"><span class=\"nnb-bar\" style=\"width:")
          .Append((shown * 120).ToString("0", CultureInfo.InvariantCulture)).Append("px\"></span></span>")
          .Append(Fixed(p)).Append("</td>");
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
