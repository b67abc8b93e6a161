using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using NotebookNN.Interactive.Models;
using NotebookNN.Interactive.Probabilities;
using NotebookNN.Interactive.Tensors;
using NotebookNN.Models;
using NotebookNN.Probabilities;
using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Interactive.Tests;

/// <summary>
/// Wide views at the defaults fit a 900 px notebook column, measured in a real browser: each view is laid out by
/// headless Chromium (Debian's, which CI installs) in a 900 px wide box whose scrollWidth must stay 900.
/// </summary>
public partial class ViewWidthTests
{
    static readonly string[] Cifar = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    static ProbabilityTable TenClassTable(string[] names, int rows = 20)
    {
        var random = new Random(7);
        var probabilities = new double[rows][];
        var labels = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            var logits = Enumerable.Range(0, names.Length).Select(_ => random.NextDouble() * 4).ToArray();
            double sum = logits.Sum(Math.Exp);
            probabilities[r] = logits.Select(l => Math.Exp(l) / sum).ToArray();
            labels[r] = random.Next(names.Length);
        }
        return ProbabilityTable.FromProbabilities(probabilities, names, trueLabels: labels);
    }

    [Fact]
    public void A_ten_class_table_with_long_class_names_fits_900_px_with_edge_classes_and_the_full_view_has_all()
    {
        var table = TenClassTable(Cifar);
        string fitted = ProbabilityTableView.ToHtml(table, HtmlViewOptions.Default);
        string full = ProbabilityTableView.ToHtml(table, HtmlViewOptions.Full);
        var widths = RenderedWidths(fitted, full);

        Assert.True(widths[0].Scroll <= 900, $"fitted table: scrollWidth {widths[0].Scroll} px (table {widths[0].Table} px)");
        // Summarised like PyTorch's repr: the first and last classes, "…" between, and a note saying how to see all.
        Assert.Contains("<th title=\"P(airplane)\">airpla…</th>", fitted);
        Assert.Contains("<th title=\"P(truck)\">truck</th>", fitted);
        Assert.Contains("<th>…</th>", fitted);
        Assert.Contains("HtmlViewOptions.Current = HtmlViewOptions.Full", fitted);
        Assert.Contains("<th>predicted</th><th>top-3</th><th>entropy</th><th>true</th>", fitted);
        foreach (string name in Cifar)
            Assert.Contains($"<th title=\"P({name})\">", full);
        Assert.DoesNotContain("<th>…</th>", full);
        Assert.True(widths[1].Table > widths[0].Table, $"the full table ({widths[1].Table} px) is wider than the fitted one ({widths[0].Table} px)");
    }

    [Fact]
    public void A_ten_class_table_with_digit_names_shows_every_class_and_fits_900_px()
    {
        var table = TenClassTable(Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray(), rows: 100);
        string html = ProbabilityTableView.ToHtml(table);
        var width = RenderedWidths(html)[0];
        Assert.True(width.Scroll <= 900, $"scrollWidth {width.Scroll} px (table {width.Table} px)");
        for (int c = 0; c < 10; c++)
            Assert.Contains($"<th title=\"P({c})\">{c}</th>", html);
        Assert.DoesNotContain("<th>…</th>", html);
    }

    // 130 characters: longer than any 900 px column holds beside the shape and counts.
    static readonly string LongName = string.Concat(Enumerable.Repeat("a_very_long_layer_name_", 6)) + "projection";

    [Fact]
    public void A_wide_tensor_table_and_a_model_summary_with_long_names_fit_900_px()
    {
        using var wide = torch.linspace(-1000, 1000, 12 * 60).reshape(12, 60) / 7;
        using var deep = torch.rand(4, 5, 40);
        using var model = nn.Sequential(
            (LongName, nn.Linear(4, 8)),
            ("relu", nn.ReLU()),
            ("the_classifier_head_that_produces_the_logits_of_the_ten_classes", nn.Linear(8, 10)));
        using var x = torch.zeros(2, 4);
        string tensorHtml = TensorHtml.Format(wide, TensorPrintOptions.Default, HtmlViewOptions.Default);
        string deepHtml = TensorHtml.Format(deep, TensorPrintOptions.Default, HtmlViewOptions.Default);
        string summaryHtml = ModelSummaryView.ToHtml(ModelSummary.Of(model, x), HtmlViewOptions.Default);
        string fullTensorHtml = TensorHtml.Format(wide, TensorPrintOptions.Default, HtmlViewOptions.Full);

        var widths = RenderedWidths(tensorHtml, deepHtml, summaryHtml, fullTensorHtml);
        Assert.True(widths[0].Scroll <= 900, $"tensor: scrollWidth {widths[0].Scroll} px (table {widths[0].Table} px)");
        Assert.True(widths[1].Scroll <= 900, $"3-d tensor: scrollWidth {widths[1].Scroll} px (table {widths[1].Table} px)");
        Assert.True(widths[2].Scroll <= 900, $"model summary: scrollWidth {widths[2].Scroll} px (table {widths[2].Table} px)");
        // The tensor keeps its first and last columns by their real indices; the full view has all 60.
        Assert.Contains("<th>0</th>", tensorHtml);
        Assert.Contains("<th>59</th>", tensorHtml);
        Assert.Contains("<th>…</th>", tensorHtml);
        Assert.Equal(61, Regex.Matches(fullTensorHtml.Split("<tbody>")[0], "<th>").Count);
        Assert.True(widths[3].Scroll > 900, $"the full tensor view is wider than the column ({widths[3].Scroll} px)");
        // A cut layer name keeps its whole name as the tooltip.
        Assert.Contains($"title=\"{LongName} (Linear)\"", summaryHtml);
        Assert.Contains("_…", summaryHtml.Split("<tbody>")[1].Split("</tr>")[0]);
    }

    [Fact]
    public void A_multi_label_table_with_more_classes_than_bars_renders_without_class_columns()
    {
        // 14 labels, more than MaxBarClasses: no class columns at all, the top-k column names the likeliest.
        var names = Enumerable.Range(0, ProbabilityTableView.MaxBarClasses + 4).Select(i => $"label{i}").ToArray();
        var outputs = Enumerable.Range(0, 3).Select(r => names.Select((_, c) => (r + c) % 3 / 3.0 + 0.1).ToArray()).ToArray();
        using var probabilities = torch.tensor(outputs.SelectMany(row => row).ToArray(), 3, names.Length);
        var table = ProbabilityTable.MultiLabel(probabilities, names, fromLogits: false);
        string html = ProbabilityTableView.ToHtml(table);
        Assert.Contains("14 classes", html);
        Assert.DoesNotContain("title=\"P(label0)\"", html);
        Assert.Contains("label", html);
        // The fitting rule itself, where Q13's wide multi-label table broke it: no columns (or one) and fixed columns
        // wider than the budget leave nothing to cut.
        Assert.Equal((Array.Empty<int>(), (int?)null), (Html.FitColumns([], 2000, 900).Shown.ToArray(), Html.FitColumns([], 2000, 900).Split));
        Assert.Equal([0], Html.FitColumns([50], 2000, 900).Shown);
    }

    [Fact]
    public void A_width_below_the_minimum_is_rejected_with_what_to_use_instead()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => HtmlViewOptions.Current = new HtmlViewOptions(100));
        Assert.Contains("at least 300 px, or null for no limit (HtmlViewOptions.Full)", error.Message);
        Assert.Equal(HtmlViewOptions.Default, HtmlViewOptions.Current);
    }

    public sealed record Width(int Scroll, int Table);

    /// <summary>Lays out each fragment in its own 900 px box in headless Chromium and reads back the box's
    /// scrollWidth and its first table's width.</summary>
    static IReadOnlyList<Width> RenderedWidths(params string[] fragments)
    {
        string folder = Directory.CreateTempSubdirectory("nnb-width-").FullName;
        try
        {
            var page = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body style=\"margin:0\">");
            foreach (string fragment in fragments)
                page.Append("<div class=\"col\" style=\"width:900px;overflow:auto\">").Append(fragment).Append("</div>");
            page.Append("<pre id=\"widths\"></pre><script>document.getElementById('widths').textContent = ")
                .Append("[...document.querySelectorAll('.col')].map(c => 'W' + c.scrollWidth + ',' + Math.ceil(c.querySelector('table').getBoundingClientRect().width)).join(' ');")
                .Append("</script></body></html>");
            string path = Path.Combine(folder, "views.html");
            File.WriteAllText(path, page.ToString());
            string dom = RunChromium(folder, path);
            var matches = WidthPattern().Matches(dom);
            Assert.True(matches.Count == fragments.Length, $"Chromium reported {matches.Count} widths for {fragments.Length} views:\n{dom[..Math.Min(dom.Length, 2000)]}");
            return matches.Select(m => new Width(int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value))).ToArray();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    static string RunChromium(string folder, string path)
    {
        var start = new ProcessStartInfo("chromium")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                     $"--user-data-dir={Path.Combine(folder, "profile")}", "--window-size=1280,800", "--dump-dom", "file://" + path })
            start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("These tests measure views in headless Chromium: install Debian's chromium package (apt-get install chromium), as .ci/run does.", e);
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            Assert.True(process.WaitForExit(60_000), "Chromium did not finish within 60 s.");
            Assert.True(process.ExitCode == 0, $"Chromium failed ({process.ExitCode}): {stderr.Result}");
            return stdout;
        }
    }

    [GeneratedRegex(@"W(\d+),(\d+)")]
    private static partial Regex WidthPattern();
}
