using NotebookNN.Metrics;
using NotebookNN.Tests.Reference;
using static TorchSharp.torch;

namespace NotebookNN.Tests.Metrics;

public class CurveTests
{
    [Theory]
    [InlineData("metrics.curves_ties")]
    [InlineData("metrics.curves_continuous")]
    public void Roc_curve_matches_sklearn_point_for_point(string set)
    {
        using var s = Ref.Tensor($"{set}.scores");
        using var y = Ref.LongTensor($"{set}.labels");
        var roc = Curves.Roc(s, y);
        Near.Values(Ref.Doubles($"{set}.roc.fpr"), roc.Fpr, 1e-12, "fpr");
        Near.Values(Ref.Doubles($"{set}.roc.tpr"), roc.Tpr, 1e-12, "tpr");
        Near.Values(Ref.Doubles($"{set}.roc.thresholds"), roc.Thresholds, 1e-12, "thresholds");
        var all = Curves.Roc(s, y, dropIntermediate: false);
        Near.Values(Ref.Doubles($"{set}.roc_all.fpr"), all.Fpr, 1e-12, "fpr (all)");
        Near.Values(Ref.Doubles($"{set}.roc_all.thresholds"), all.Thresholds, 1e-12, "thresholds (all)");
        Near.Equal(Ref.Number($"{set}.auc"), Curves.RocAuc(s, y), 1e-12, "auc");
        Near.Equal(Ref.Number($"{set}.auc"), all.Auc, 1e-12, "auc over all points");
    }

    [Theory]
    [InlineData("metrics.curves_ties")]
    [InlineData("metrics.curves_continuous")]
    public void Precision_recall_curve_and_average_precision_match_sklearn(string set)
    {
        using var s = Ref.Tensor($"{set}.scores");
        using var y = Ref.LongTensor($"{set}.labels");
        var pr = Curves.PrecisionRecall(s, y);
        Near.Values(Ref.Doubles($"{set}.pr.precision"), pr.Precision, 1e-12, "precision");
        Near.Values(Ref.Doubles($"{set}.pr.recall"), pr.Recall, 1e-12, "recall");
        Near.Values(Ref.Doubles($"{set}.pr.thresholds"), pr.Thresholds, 1e-12, "thresholds");
        Near.Equal(Ref.Number($"{set}.average_precision"), Curves.AveragePrecision(s, y), 1e-12, "AP");
    }

    [Fact]
    public void Logits_and_probabilities_give_the_same_ranking_metrics()
    {
        using var z = Ref.Tensor("metrics.curves_continuous.scores");
        using var y = Ref.LongTensor("metrics.curves_continuous.labels");
        Assert.Equal(Curves.RocAuc(z, y), Curves.RocAuc(z.sigmoid(), y), 12);
    }

    [Fact]
    public void Auc_handles_decreasing_x_and_rejects_unsorted_x()
    {
        Assert.Equal(0.5, Curves.Auc([0.0, 1.0], [0.0, 1.0]), 15);
        Assert.Equal(0.5, Curves.Auc([1.0, 0.0], [1.0, 0.0]), 15);
        Assert.Contains("sort", Assert.Throws<ArgumentException>(() => Curves.Auc([0.0, 1.0, 0.5], [0.0, 1.0, 1.0])).Message);
    }

    [Fact]
    public void Curve_errors_name_the_mistake()
    {
        using var s = tensor(new[] { 0.1, 0.4, 0.8 });
        using var one = tensor(new long[] { 1, 1, 1 });
        Assert.Contains("only one class", Assert.Throws<ArgumentException>(() => Curves.RocAuc(s, one)).Message);
        using var two = tensor(new[,] { { 0.9, 0.1 }, { 0.2, 0.8 }, { 0.5, 0.5 } });
        using var y = tensor(new long[] { 0, 1, 1 });
        Assert.Contains("probabilities[:, 1]", Assert.Throws<ArgumentException>(() => Curves.Roc(two, y)).Message);
        using var multi = tensor(new long[] { 0, 1, 2 });
        Assert.Contains("one-vs-rest", Assert.Throws<ArgumentException>(() => Curves.Roc(s, multi)).Message);
        using var nan = tensor(new[] { 0.1, double.NaN, 0.3 });
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => Curves.Roc(nan, y)).Message);
    }

    [Fact]
    public void A_curve_without_negatives_has_nan_false_positive_rates_like_sklearn()
    {
        using var s = tensor(new[] { 0.1, 0.4, 0.8 });
        using var one = tensor(new long[] { 1, 1, 1 });
        var roc = Curves.Roc(s, one);
        Assert.All(roc.Fpr, v => Assert.True(double.IsNaN(v)));
        Assert.Equal(1.0, roc.Tpr[^1]);
    }
}
