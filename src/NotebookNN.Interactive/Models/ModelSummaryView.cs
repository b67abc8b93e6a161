using System.Globalization;
using System.Text;
using NotebookNN.Models;

namespace NotebookNN.Interactive.Models;

/// <summary>Keras <c>model.summary()</c>-style text and HTML for a <see cref="ModelSummary"/>.</summary>
public static class ModelSummaryView
{
    const int NameWidth = 34, ShapeWidth = 22, ParamWidth = 12;

    /// <summary>The Keras-like text table: layer (type), output shape, parameters, trainable, then the totals.</summary>
    public static string ToText(ModelSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        int width = NameWidth + ShapeWidth + 2 * ParamWidth + 3;
        var sb = new StringBuilder();
        sb.Append("Model: \"").Append(summary.ModelType).AppendLine("\"");
        sb.Append("Input shape: ").AppendLine(Shape(summary.InputShape));
        sb.AppendLine(new string('_', width));
        sb.AppendLine(Row("Layer (type)", "Output Shape", "Param #", "Trainable"));
        sb.AppendLine(new string('=', width));
        foreach (var layer in summary.Layers)
            sb.AppendLine(Row($"{layer.Name} ({layer.Type})", Shape(layer.OutputShape), Count(layer.Parameters), Count(layer.TrainableParameters)));
        sb.AppendLine(new string('=', width));
        sb.Append("Total params: ").Append(Count(summary.TotalParameters)).Append(" (").Append(Bytes(summary.ParameterBytes)).AppendLine(")");
        sb.Append("Trainable params: ").AppendLine(Count(summary.TrainableParameters));
        sb.Append("Non-trainable params: ").AppendLine(Count(summary.NonTrainableParameters));
        sb.Append("Output shape: ").Append(Shape(summary.OutputShape));
        return sb.ToString();
    }

    /// <summary>The same table as HTML, under <see cref="HtmlViewOptions.Current"/>.</summary>
    public static string ToHtml(ModelSummary summary) => ToHtml(summary, HtmlViewOptions.Current);

    /// <summary>The same table as HTML. Layer names too long for <paramref name="options"/>' width are cut with "…"
    /// (the whole name is the tooltip), so the shapes and counts stay in view.</summary>
    public static string ToHtml(ModelSummary summary, HtmlViewOptions options)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int Longest(Func<LayerTexts, string> text, string header) => Math.Max(header.Length, summary.Layers.Select(l => text(Texts(l)).Length).DefaultIfEmpty(0).Max());
        double others = Html.CellWidth(Longest(t => t.Shape, "Output Shape")) + Html.CellWidth(Longest(t => t.Parameters, "Param #"))
            + Html.CellWidth(Longest(t => t.Trainable, "Trainable"));
        int nameChars = Math.Max(8, (int)Math.Floor((options.Budget - others - Html.CellPadding) / Html.MonoCharWidth));

        var sb = new StringBuilder(Html.Style).Append("<div class=\"nnb-out nnb-summary\">");
        sb.Append("<div class=\"nnb-chips\"><span class=\"nnb-chip\">").Append(Html.Escape(summary.ModelType)).Append("</span>")
          .Append("<span class=\"nnb-chip\">input ").Append(Html.Escape(Shape(summary.InputShape))).Append("</span>")
          .Append("<span class=\"nnb-chip\">output ").Append(Html.Escape(Shape(summary.OutputShape))).Append("</span></div>");
        sb.Append("<table class=\"nnb-table\"><thead><tr><th style=\"text-align:left\">Layer (type)</th><th>Output Shape</th><th>Param #</th><th>Trainable</th></tr></thead><tbody>");
        foreach (var layer in summary.Layers)
        {
            var texts = Texts(layer);
            // The type is kept whole when the name can give way: it says what the layer is.
            string type = $" ({layer.Type})";
            string name = layer.Name.Length + type.Length <= nameChars ? layer.Name : Fit(layer.Name, Math.Max(4, nameChars - type.Length));
            if (name.Length + type.Length > nameChars) type = Fit(type, Math.Max(4, nameChars - name.Length));
            sb.Append("<tr><td style=\"text-align:left\"");
            if (name != layer.Name || type != $" ({layer.Type})") sb.Append(" title=\"").Append(Html.Escape($"{layer.Name} ({layer.Type})")).Append('"');
            sb.Append('>').Append(Html.Escape(name)).Append(" <span style=\"color:#888\">").Append(Html.Escape(type.TrimStart())).Append("</span></td><td>")
              .Append(Html.Escape(texts.Shape)).Append("</td><td>").Append(texts.Parameters).Append("</td><td>")
              .Append(texts.Trainable).Append("</td></tr>");
        }
        sb.Append("</tbody></table><div class=\"nnb-stats\">Total params: ").Append(Count(summary.TotalParameters)).Append(" (").Append(Bytes(summary.ParameterBytes))
          .Append(") · Trainable: ").Append(Count(summary.TrainableParameters)).Append(" · Non-trainable: ").Append(Count(summary.NonTrainableParameters)).Append("</div>");
        return sb.Append("</div>").ToString();
    }

    record struct LayerTexts(string Shape, string Parameters, string Trainable);

    static LayerTexts Texts(LayerSummary layer) => new(Shape(layer.OutputShape), Count(layer.Parameters), Count(layer.TrainableParameters));

    static string Row(string name, string shape, string parameters, string trainable) =>
        (" " + Fit(name, NameWidth - 1)).PadRight(NameWidth) + " " + shape.PadRight(ShapeWidth) + " " + parameters.PadLeft(ParamWidth) + " " + trainable.PadLeft(ParamWidth);

    static string Fit(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";

    static string Shape(IReadOnlyList<long>? shape) =>
        shape is null ? "?" : shape.Count == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";

    static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    static string Bytes(long bytes) =>
        bytes >= 1 << 30 ? (bytes / (double)(1 << 30)).ToString("0.00", CultureInfo.InvariantCulture) + " GB"
        : bytes >= 1 << 20 ? (bytes / (double)(1 << 20)).ToString("0.00", CultureInfo.InvariantCulture) + " MB"
        : bytes >= 1 << 10 ? (bytes / 1024.0).ToString("0.00", CultureInfo.InvariantCulture) + " KB"
        : bytes.ToString(CultureInfo.InvariantCulture) + " B";
}
