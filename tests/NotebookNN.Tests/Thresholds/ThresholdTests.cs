using NotebookNN.Metrics;
using NotebookNN.Tests.Reference;
using NotebookNN.Thresholds;
using static TorchSharp.torch;

namespace NotebookNN.Tests.Thresholds;

public class ThresholdTests
{
    [Fact]
    public void Each_criterion_reaches_the_brute_force_optimum_and_its_threshold_reproduces_it()
    {
        using var s = Ref.Tensor("thresholds.binary.scores");
        using var y = Ref.LongTensor("thresholds.binary.labels");
        double costFp = Ref.Number("thresholds.binary.cost_fp"), costFn = Ref.Number("thresholds.binary.cost_fn");

        var acc = Threshold.ByAccuracy(s, y);
        Near.Equal(Ref.Number("thresholds.binary.best.accuracy"), acc.Value, 1e-12, "accuracy");
        Near.Equal(acc.Value, Accuracy.Binary(s, y.to_type(ScalarType.Float64), acc.Threshold), 1e-12, "accuracy when applied");

        var youden = Threshold.ByYoudenJ(s, y);
        Near.Equal(Ref.Number("thresholds.binary.best.youden"), youden.Value, 1e-12, "Youden");
        var f1 = Threshold.ByF1(s, y);
        Near.Equal(Ref.Number("thresholds.binary.best.f1"), f1.Value, 1e-12, "F1");
        using (var decided = f1.Apply(s))
            Near.Equal(f1.Value, Classification.F1(y, decided), 1e-12, "F1 when applied");
        var cost = Threshold.ByCost(s, y, costFp, costFn);
        Near.Equal(Ref.Number("thresholds.binary.best.cost"), cost.Value, 1e-12, "cost");
        // A false negative costs 5x a false positive, so the cost-optimal threshold is lower than the accuracy-optimal one.
        Assert.True(cost.Threshold < acc.Threshold);
    }

    [Fact]
    public void Thresholds_never_equal_a_validation_score_and_ties_go_to_the_highest_threshold()
    {
        using var s = Ref.Tensor("thresholds.binary.scores");
        using var y = Ref.LongTensor("thresholds.binary.labels");
        var scores = s.data<double>().ToArray();
        foreach (var c in Enum.GetValues<ThresholdCriterion>())
            Assert.DoesNotContain(Threshold.Choose(s, y, c, 1, 5).Threshold, scores);

        // Only the cut between 0.2 and 0.6 is perfect; it sits at their midpoint.
        using var s2 = tensor(new[] { 0.1, 0.2, 0.6, 0.9 });
        using var y2 = tensor(new long[] { 0, 0, 1, 1 });
        Assert.Equal(0.4, Threshold.ByAccuracy(s2, y2).Threshold, 12);
        // With no positives, "nothing positive" and the cut below 0.1... all but one tie; the highest threshold wins.
        using var none = tensor(new long[] { 0, 0, 0, 0 });
        var allNegative = Threshold.ByAccuracy(s2, none);
        Assert.Equal(0.9, allNegative.Threshold);   // score > 0.9 for none of them
        Assert.Equal(1.0, allNegative.Value);
    }

    [Fact]
    public void Per_label_thresholds_minimise_the_hamming_loss()
    {
        using var s = Ref.Tensor("thresholds.multilabel.scores");
        using var y = Ref.LongTensor("thresholds.multilabel.labels");
        var per = Threshold.PerLabel(s, y);
        Near.Values(Ref.Doubles("thresholds.multilabel.best_accuracy"), per.Values.ToArray(), 1e-12);
        using var decided = per.Apply(s);
        Near.Equal(Ref.Number("thresholds.multilabel.best_hamming"), Classification.HammingLoss(y, decided), 1e-12);
        // One shared 0.5 threshold does no better.
        using var shared = (s > 0.5).to_type(ScalarType.Int64);
        Assert.True(Classification.HammingLoss(y, shared) >= Classification.HammingLoss(y, decided));
    }

    [Fact]
    public void Threshold_errors_name_the_mistake()
    {
        using var s = tensor(new[] { 0.1, 0.7 });
        using var oneClass = tensor(new long[] { 1, 1 });
        Assert.Contains("both classes", Assert.Throws<ArgumentException>(() => Threshold.ByYoudenJ(s, oneClass)).Message);
        using var wide = zeros(4, 3, ScalarType.Float64);
        using var y = zeros(4, ScalarType.Int64);
        Assert.Contains("per label", Assert.Throws<ArgumentException>(() => Threshold.ByAccuracy(wide, y)).Message);
        using var flat = zeros(4, ScalarType.Float64);
        Assert.Contains("one column per label", Assert.Throws<ArgumentException>(() => Threshold.PerLabel(flat, y)).Message);
        var per = new PerLabelThresholds([0.5, 0.5], [1, 1], ThresholdCriterion.Accuracy);
        Assert.Contains("(N, 2)", Assert.Throws<ArgumentException>(() => per.Apply(wide)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Threshold.ByCost(s, oneClass, -1, 1));
    }
}
