using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Interactive.Tensors;

/// <summary>
/// The HTML view of a tensor: chips (shape, dtype, device, gradient state), a picture when the tensor is
/// image-shaped, a summarised table for 0-2 dimensions or labelled 2-D slices beyond, and a stats line.
/// Like <see cref="TensorText"/>, it reads only the elements it shows plus scalar reductions.
/// </summary>
public static class TensorHtml
{
    /// <summary>The HTML fragment for <paramref name="tensor"/> under the current (or given) print options. Tables
    /// wider than <paramref name="view"/>'s width (default <see cref="HtmlViewOptions.Current"/>) keep their first
    /// and last columns with "…" between, as the text repr wraps at its line width.</summary>
    public static string Format(Tensor tensor, TensorPrintOptions? options = null, HtmlViewOptions? view = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        options ??= TensorPrintOptions.Current;
        options.Validate();
        view ??= HtmlViewOptions.Current;
        view.Validate();
        var sb = new StringBuilder(Html.Style).Append("<div class=\"nnb-out nnb-tensor\">");
        AppendChips(sb, tensor);
        if (tensor.numel() == 0)
            return sb.Append("<div class=\"nnb-stats\">empty tensor</div></div>").ToString();
        if (torch.is_complex(tensor))
            return sb.Append("<pre>").Append(Html.Escape(TensorText.Format(tensor, options))).Append("</pre></div>").ToString();
        if (TensorImage.IsImageShaped(tensor)) AppendPicture(sb, TensorImage.ToPicture(tensor));
        var sample = TensorSample.Take(tensor, tensor.numel() > options.Threshold, options.EdgeItems);
        var formatter = new ElementFormatter(sample, options);
        if (sample.SampleShape.Length <= 2) AppendTable(sb, sample, formatter, 0, view.Budget);
        else AppendSlices(sb, sample, formatter, view.Budget);
        AppendStats(sb, TensorStats.Of(tensor));
        return sb.Append("</div>").ToString();
    }

    static void AppendChips(StringBuilder sb, Tensor tensor)
    {
        sb.Append("<div class=\"nnb-chips\">")
          .Append("<span class=\"nnb-chip nnb-shape\">shape ").Append(Html.Escape(TensorText.PythonTuple(tensor.shape))).Append("</span>")
          .Append("<span class=\"nnb-chip nnb-dtype\">").Append(TensorText.DTypeName(tensor.dtype)).Append("</span>")
          .Append("<span class=\"nnb-chip nnb-device\">").Append(Html.Escape(TensorText.DeviceName(tensor))).Append("</span>");
        string grad = tensor.requires_grad ? (tensor.is_leaf ? "requires_grad" : "requires_grad (non-leaf)") : "no grad";
        sb.Append("<span class=\"nnb-chip nnb-grad\">").Append(grad).Append("</span></div>");
    }

    static void AppendPicture(StringBuilder sb, Picture picture)
    {
        string title = picture.ImagesTotal > 1
            ? $"{picture.ImagesShown} of {picture.ImagesTotal} images"
            : "image";
        if (picture.Stride > 1) title += $", every {picture.Stride}th pixel";
        sb.Append("<div><img class=\"nnb-picture\" alt=\"").Append(Html.Escape(title)).Append("\" title=\"").Append(Html.Escape(title))
          .Append("\" width=\"").Append(DisplayWidth(picture.Width)).Append("\" src=\"").Append(picture.DataUri).Append("\"/></div>");
    }

    /// <summary>Small pictures are enlarged by a whole factor (drawn pixelated) so a 28x28 digit is readable.</summary>
    static int DisplayWidth(int width) => width * Math.Max(1, 160 / width);

    /// <summary>The 0-2 trailing dimensions starting at flat position <paramref name="offset"/> as a table, its
    /// columns cut to the first and last ones that fit <paramref name="budget"/> pixels.</summary>
    static void AppendTable(StringBuilder sb, TensorSample sample, ElementFormatter formatter, long offset, double budget)
    {
        int dims = Math.Min(2, sample.SampleShape.Length);
        int first = sample.SampleShape.Length - dims;
        sb.Append("<table class=\"nnb-table\">");
        if (dims == 0)
        {
            sb.Append("<tr><td>").Append(Html.Escape(formatter.Format((int)offset).Trim())).Append("</td></tr></table>");
            return;
        }
        int colDim = first + dims - 1;
        long cols = sample.SampleShape[colDim];
        string ColumnLabel(long c) => RealIndex(sample, colDim, c).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var widths = Enumerable.Range(0, (int)cols).Select(c => Html.CellWidth(Math.Max(formatter.Width, ColumnLabel(c).Length))).ToArray();
        var rowLabels = dims == 2 ? AxisLabels(sample, first).ToList() : [""];
        double rowLabelWidth = dims == 2 ? Html.CellWidth(rowLabels.Max(l => l.Length)) : 0;
        var (shown, split) = Html.FitColumns(widths, rowLabelWidth + (sample.Summarized[colDim] ? Html.CellWidth(1) : 0), budget);
        // One ellipsis column: where the columns were cut to fit, else where the sample itself skipped columns.
        int? ellipsis = split ?? (sample.Summarized[colDim] ? sample.EdgeItems : null);

        sb.Append("<thead><tr>").Append(dims == 2 ? "<th></th>" : "");
        for (int i = 0; i < shown.Count; i++)
        {
            if (i == ellipsis) sb.Append("<th>…</th>");
            sb.Append("<th>").Append(ColumnLabel(shown[i])).Append("</th>");
        }
        sb.Append("</tr></thead><tbody>");
        int cellsPerRow = shown.Count + (ellipsis is null ? 0 : 1);
        int r = 0;
        foreach (string rowLabel in rowLabels)
        {
            sb.Append("<tr>").Append(dims == 2 ? $"<th>{rowLabel}</th>" : "");
            if (rowLabel == "⋮")
            {
                sb.Append(string.Concat(Enumerable.Repeat("<td>⋮</td>", cellsPerRow)));
                sb.Append("</tr>");
                continue;
            }
            for (int i = 0; i < shown.Count; i++)
            {
                if (i == ellipsis) sb.Append("<td>…</td>");
                sb.Append("<td>").Append(Html.Escape(formatter.Format((int)(offset + r * cols + shown[i])).Trim())).Append("</td>");
            }
            sb.Append("</tr>");
            r++;
        }
        sb.Append("</tbody></table>");
    }

    /// <summary>The real indices along a dimension of the sample, with an ellipsis where it was summarised.</summary>
    static IEnumerable<string> AxisLabels(TensorSample sample, int dim)
    {
        for (long i = 0; i < sample.SampleShape[dim]; i++)
        {
            if (sample.Summarized[dim] && i == sample.EdgeItems) yield return dim == sample.SampleShape.Length - 1 ? "…" : "⋮";
            yield return RealIndex(sample, dim, i).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    static long RealIndex(TensorSample sample, int dim, long i) =>
        sample.Summarized[dim] && i >= sample.EdgeItems ? sample.Shape[dim] - 2L * sample.EdgeItems + i : i;

    /// <summary>Tensors of 3+ dimensions: one table per shown index of the leading dimensions, labelled [i, j, :, :].</summary>
    static void AppendSlices(StringBuilder sb, TensorSample sample, ElementFormatter formatter, double budget)
    {
        int leading = sample.SampleShape.Length - 2;
        long sliceSize = sample.SampleShape[^1] * sample.SampleShape[^2];
        long sliceCount = 1;
        for (int d = 0; d < leading; d++) sliceCount *= sample.SampleShape[d];
        bool anySkipped = Enumerable.Range(0, leading).Any(d => sample.Summarized[d]);
        sb.Append("<div class=\"nnb-slices\">");
        for (long s = 0; s < sliceCount; s++)
        {
            var index = new long[leading];
            long rest = s;
            for (int d = leading - 1; d >= 0; d--)
            {
                index[d] = RealIndex(sample, d, rest % sample.SampleShape[d]);
                rest /= sample.SampleShape[d];
            }
            sb.Append("<div class=\"nnb-slice\"><div class=\"nnb-slice-label\">[")
              .Append(string.Join(", ", index)).Append(", :, :]</div>");
            AppendTable(sb, sample, formatter, s * sliceSize, budget);
            sb.Append("</div>");
        }
        sb.Append("</div>");
        if (anySkipped)
            sb.Append("<div class=\"nnb-stats\">leading dimensions summarised: showing the first and last ")
              .Append(sample.EdgeItems).Append(" indices of each</div>");
    }

    static void AppendStats(StringBuilder sb, TensorStats s)
    {
        sb.Append("<div class=\"nnb-stats\">");
        if (!s.IsExact)
            sb.Append("≈ from every k-th element (").Append(s.SampledCount.ToString("N0", System.Globalization.CultureInfo.InvariantCulture))
              .Append(" of ").Append(s.Count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)).Append("): ");
        sb.Append("min ").Append(Html.Number(s.Min)).Append(" · max ").Append(Html.Number(s.Max))
          .Append(" · mean ").Append(Html.Number(s.Mean)).Append(" · std ").Append(Html.Number(s.Std))
          .Append(" · NaN ").Append(s.NaNCount).Append(" · Inf ").Append(s.InfCount)
          .Append("</div>");
    }
}
