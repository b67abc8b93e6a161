using System.Text.Json;
using NotebookNN.Interactive.Plots;
using Plotly.NET;
using TorchSharp;

namespace NotebookNN.Interactive.Tests;

[Collection("Global state")]
public class PlotTests
{
    static JsonElement Figure(GenericChart chart) => JsonDocument.Parse(PlotlyHtml.ToPlotlyJson(chart)).RootElement;

    [Fact]
    public void TheSessionsFirstChartCarriesTheLoaderAndLaterChartsOnlyDrawWithIt()
    {
        var chart = Plots.Plots.Roc([0, 0.5, 1], [0, 0.9, 1], [1.9, 0.6, 0.1], threshold: 0.5);
        PlotlyHtml.ResetSession();
        string first = PlotlyHtml.ToHtml(chart), second = PlotlyHtml.ToHtml(chart);

        Assert.Equal(PlotlyJsInclusion.FirstOutputOnly, PlotlyHtml.Inclusion);
        Assert.Equal(1, first.Split(PlotlyHtml.LoaderAttribute).Length - 1);
        Assert.DoesNotContain(PlotlyHtml.LoaderAttribute, second);
        Assert.Contains("window.Plotly.newPlot('nnb-plot-", first);
        Assert.Contains("window.Plotly.newPlot('nnb-plot-", second);
        Assert.True(second.Length < 10_000, $"a chart without the loader should be small, got {second.Length} characters");
        // Nothing refers to the network: no script src, no URL outside the packed library.
        string own = first.Replace(PlotlyHtml.LoaderHtml, "");
        Assert.DoesNotContain("http", own);
        Assert.DoesNotContain("<script src=", first);
    }

    [Fact]
    public void TheLoaderPacksTheWholeOfPlotlyJsAtLessThanHalfItsSize()
    {
        string loader = PlotlyHtml.LoaderHtml;
        Assert.Contains("plotly.js v2.28.0", PlotlyHtml.PlotlyJs);
        int start = loader.IndexOf("atob('", StringComparison.Ordinal) + "atob('".Length;
        byte[] packed = Convert.FromBase64String(loader[start..loader.IndexOf('\'', start)]);
        using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(packed), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        Assert.Equal(PlotlyHtml.PlotlyJs, reader.ReadToEnd());
        Assert.True(loader.Length < PlotlyHtml.PlotlyJs.Length / 2, $"loader {loader.Length} characters, library {PlotlyHtml.PlotlyJs.Length}");
        Assert.StartsWith("<script type=\"text/javascript\" " + PlotlyHtml.LoaderAttribute + "=\"2.28.0\">", loader);
    }

    [Fact]
    public void EveryOutputModeCarriesTheLoaderInEachChart()
    {
        var previous = PlotlyHtml.Inclusion;
        try
        {
            PlotlyHtml.Inclusion = PlotlyJsInclusion.EveryOutput;
            var chart = Plots.Plots.TrainingHistory(new Dictionary<string, IReadOnlyList<double>> { ["loss"] = [1.0, 0.5] });
            Assert.Contains(PlotlyHtml.LoaderHtml, PlotlyHtml.ToHtml(chart));
            Assert.Contains(PlotlyHtml.LoaderHtml, PlotlyHtml.ToHtml(chart));
        }
        finally { PlotlyHtml.Inclusion = previous; }
    }

    [Fact]
    public void PlotlyJsonHasDataAndLayoutOnly()
    {
        var fig = Figure(Plots.Plots.Roc([0, 0.5, 1], [0, 0.9, 1], [1.9, 0.6, 0.1]));
        Assert.Equal(["data", "layout"], fig.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("scatter", fig.GetProperty("data")[0].GetProperty("type").GetString());
    }

    [Fact]
    public void RocMarksTheThresholdAndShowsAuc()
    {
        // sklearn-style points: thresholds decrease along the curve.
        var fig = Figure(Plots.Plots.Roc([0, 0, 0.5, 1], [0, 0.5, 1, 1], [1.8, 0.8, 0.4, 0.1], threshold: 0.5));
        Assert.Equal("ROC curve (AUC = 0.875)", fig.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
        var marker = fig.GetProperty("data")[2];
        Assert.Equal(0.0, marker.GetProperty("x")[0].GetDouble());
        Assert.Equal(0.5, marker.GetProperty("y")[0].GetDouble());
        Assert.StartsWith("threshold 0.5: TPR 0.5, FPR 0", marker.GetProperty("name").GetString());
    }

    [Fact]
    public void ReliabilityFromConfidencesShowsAccuracyGapAndEce()
    {
        double[] conf = [0.05, 0.15, 0.95, 0.95, 1.0, 0.55];
        bool[] ok = [false, false, true, true, false, true];
        var fig = Figure(Plots.Plots.ReliabilityDiagramFromConfidences(conf, ok, 10));
        double ece = (1 * 0.05 + 1 * 0.15 + 1 * 0.45 + 3 * Math.Abs(2.0 / 3 - (0.95 + 0.95 + 1.0) / 3)) / 6;
        Assert.Equal($"Reliability diagram (ECE = {ece:0.0000}, 10 bins, n = 6)", fig.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
        var names = fig.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(["accuracy", "gap to confidence", "perfect calibration", "predictions per bin"], names);
        var counts = fig.GetProperty("data")[3].GetProperty("y").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal([1.0, 1, 0, 0, 0, 1, 0, 0, 0, 3], counts);
        Assert.Equal(2.0 / 3, fig.GetProperty("data")[0].GetProperty("y")[3].GetDouble(), 12);
    }

    [Fact]
    public void ReliabilityFromTensorsUsesTheLibrarysTopLabelBins()
    {
        using var p = torch.tensor(new[] { 0.7f, 0.3f, 0.2f, 0.8f }).reshape(2, 2);
        using var y = torch.tensor(new long[] { 0, 0 });
        var fig = Figure(Plots.Plots.ReliabilityDiagram(p, y, NotebookNN.Calibration.ScoreKind.Probabilities, bins: 10));
        // 0.7 (right) and 0.8 (wrong) land in bins (0.6, 0.7] and (0.7, 0.8]: ECE = (0.3 + 0.8) / 2.
        Assert.StartsWith("Reliability diagram (ECE = 0.5500", fig.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
        Assert.Throws<ArgumentException>(() => Plots.Plots.ReliabilityDiagramFromConfidences([1.5], [true], 10));
    }

    [Fact]
    public void RocFromScoresUsesTheLibrarysCurve()
    {
        using var scores = torch.tensor(new[] { 0.1f, 0.4f, 0.35f, 0.8f });
        using var labels = torch.tensor(new long[] { 0, 0, 1, 1 });
        var fig = Figure(Plots.Plots.Roc(scores, labels, threshold: 0.5));
        Assert.Equal("ROC curve (AUC = 0.750)", fig.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
        Assert.StartsWith("threshold 0.5: TPR 0.5, FPR 0", fig.GetProperty("data")[2].GetProperty("name").GetString());
    }

    [Fact]
    public void TrainingHistoryPairsTrainAndValidation()
    {
        var fig = Figure(Plots.Plots.TrainingHistory(new Dictionary<string, IReadOnlyList<double>>
        {
            ["accuracy"] = [0.5, 0.7], ["loss"] = [1.0, 0.6], ["val_loss"] = [1.1, 0.8], ["val_accuracy"] = [0.4, 0.6],
        }));
        var traces = fig.GetProperty("data").EnumerateArray().Select(t => (t.GetProperty("name").GetString(), t.GetProperty("yaxis").GetString())).ToArray();
        Assert.Equal([("training loss", "y"), ("validation loss", "y"), ("training accuracy", "y2"), ("validation accuracy", "y2")], traces);
        Assert.Equal(2, fig.GetProperty("layout").GetProperty("grid").GetProperty("rows").GetInt32());
    }

    [Fact]
    public void McDropoutSpreadReadsOnlyTheChosenInputs()
    {
        // T = 4 passes, N = 3 inputs, C = 2 classes; pass t gives input n the probabilities [v, 1 - v] with v = (t + n) / 10.
        var values = new float[4 * 3 * 2];
        for (int t = 0; t < 4; t++) for (int n = 0; n < 3; n++) { values[(t * 3 + n) * 2] = (t + n) / 10f; values[(t * 3 + n) * 2 + 1] = 1 - (t + n) / 10f; }
        using var samples = torch.tensor(values).reshape(4, 3, 2);
        var fig = Figure(Plots.Plots.McDropoutSpread(samples, [2], ["no", "yes"], ["noisy input"]));
        var box = Assert.Single(fig.GetProperty("data").EnumerateArray());
        Assert.Equal("box", box.GetProperty("type").GetString());
        Assert.Equal("noisy input", box.GetProperty("name").GetString());
        var ys = box.GetProperty("y").EnumerateArray().Select(v => Math.Round(v.GetDouble(), 5)).ToArray();
        Assert.Equal([0.2, 0.8, 0.3, 0.7, 0.4, 0.6, 0.5, 0.5], ys);
        Assert.Throws<ArgumentOutOfRangeException>(() => Plots.Plots.McDropoutSpread(samples, [3], ["no", "yes"]));
    }

    [Fact]
    public void UncertaintyHistogramSharesBins()
    {
        var fig = Figure(Plots.Plots.UncertaintyHistogram([0.1, 0.2, 0.2], [0.9, 1.1], "mutual information", bins: 10));
        var data = fig.GetProperty("data");
        Assert.Equal(2, data.GetArrayLength());
        Assert.Equal(data[0].GetProperty("xbins").GetRawText(), data[1].GetProperty("xbins").GetRawText());
        Assert.Equal(0.1, data[0].GetProperty("xbins").GetProperty("start").GetDouble(), 12);
        Assert.StartsWith("in-distribution (n=3", data[0].GetProperty("name").GetString());
        Assert.Equal("Mutual information: in-distribution vs out-of-distribution", fig.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
    }

    [Fact]
    public void LinesDrawsEverySeriesOverTheSharedX()
    {
        var fig = Figure(Plots.Plots.Lines("derivative", "x", "dy/dx", [0.0, 1.0, 2.0], ("network", [0.1, 0.2, 0.3]), ("exact", [0.0, 0.2, 0.4])));
        var data = fig.GetProperty("data");
        Assert.Equal(2, data.GetArrayLength());
        Assert.Equal(["network", "exact"], data.EnumerateArray().Select(t => t.GetProperty("name").GetString()!).ToArray());
        Assert.Equal([0.0, 0.2, 0.4], data[1].GetProperty("y").EnumerateArray().Select(v => v.GetDouble()).ToArray());
        Assert.Equal([0.0, 1.0, 2.0], data[0].GetProperty("x").EnumerateArray().Select(v => v.GetDouble()).ToArray());
        Assert.Equal("dy/dx", fig.GetProperty("layout").GetProperty("yaxis").GetProperty("title").GetProperty("text").GetString());
        var error = Assert.Throws<ArgumentException>(() => Plots.Plots.Lines("t", "x", "y", [0.0, 1.0], ("short", [1.0])));
        Assert.Contains("'short' has 1 values but there are 2 x values", error.Message);
        Assert.Throws<ArgumentException>(() => Plots.Plots.Lines("t", "x", "y", [0.0]));
    }
}
