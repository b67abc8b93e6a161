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
        Assert.Equal(Math.BitIncrement(0.9), allNegative.Threshold);   // the next double above 0.9: > and >= call none positive
        Assert.Equal(1.0, allNegative.Value);
    }

    [Theory]
    [InlineData(ThresholdCriterion.Accuracy, 0.5)]
    [InlineData(ThresholdCriterion.YoudenJ, 0.0)]
    public void When_predicting_nothing_positive_wins_the_threshold_lies_just_above_the_top_score(ThresholdCriterion criterion, double value)
    {
        // The case: calling 0.8 positive is wrong and calling 0.2 negative is wrong, so "nothing" ties with
        // "everything" and wins as the higher threshold. It used to be 0.8 itself, which >= calls positive.
        using var s = tensor(new[] { 0.2, 0.8 });
        using var y = tensor(new long[] { 1, 0 });
        var choice = Threshold.Choose(s, y, criterion);
        Assert.Equal(Math.BitIncrement(0.8), choice.Threshold);
        Assert.Equal(value, choice.Value);
        AssertGreaterAndGreaterOrEqualAgree(s, choice.Threshold);
        using var decided = choice.Apply(s);
        Assert.Equal(new[] { 0.0, 0.0 }, decided.data<double>().ToArray());
    }

    [Theory]
    [InlineData(ThresholdCriterion.Accuracy, 0.75, 1)]
    [InlineData(ThresholdCriterion.YoudenJ, 0.5, 1)]
    [InlineData(ThresholdCriterion.F1, 0.8, 3)]
    [InlineData(ThresholdCriterion.Cost, 0.25, 1)]
    public void Scores_that_are_neighbouring_doubles_are_never_split(ThresholdCriterion criterion, double value, int positives)
    {
        // 0.5 and 0.5000000000000001 are adjacent doubles: no threshold lies between them. They used to be split at
        // t = 0.5 (value 1.0 with >, but 0.5 is positive with >=); now they count as one tied score.
        using var s = tensor(new[] { 0.5, 0.5000000000000001, 0.1, 0.9 });
        using var y = tensor(new long[] { 0, 1, 0, 1 });
        Assert.Equal(0.5000000000000001, Math.BitIncrement(0.5));
        var choice = Threshold.Choose(s, y, criterion, 1.0, 1.0);
        Assert.DoesNotContain(choice.Threshold, s.data<double>().ToArray());
        Assert.Equal(value, choice.Value, 15);
        AssertGreaterAndGreaterOrEqualAgree(s, choice.Threshold);
        using var decided = choice.Apply(s);
        Assert.Equal(positives, (int)decided.sum().item<double>());
        // The reported value is what the decisions achieve on the validation data.
        if (criterion == ThresholdCriterion.Accuracy)
            Assert.Equal(choice.Value, Accuracy.Binary(s, y.to_type(ScalarType.Float64), choice.Threshold), 15);
        if (criterion == ThresholdCriterion.F1)
            Assert.Equal(choice.Value, Classification.F1(y, decided), 15);
        // The two neighbours always get the same decision.
        Assert.Equal(decided[0].item<double>(), decided[1].item<double>());
    }

    [Fact]
    public void Per_label_thresholds_keep_the_same_promise()
    {
        using var s = tensor(new[,] { { 0.2, 0.5 }, { 0.8, 0.5000000000000001 }, { 0.3, 0.1 }, { 0.4, 0.9 } });
        using var y = tensor(new long[,] { { 1, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } });
        var per = Threshold.PerLabel(s, y);
        for (int j = 0; j < 2; j++)
        {
            using var column = s[.., j].contiguous();
            AssertGreaterAndGreaterOrEqualAgree(column, per.Thresholds[j]);
        }
    }

    [Fact]
    public void Cuts_at_the_ends_of_the_double_range_stay_ordered()
    {
        // A midpoint of -MaxValue and MaxValue overflows when computed as below + (above - below) / 2.
        using var s = tensor(new[] { -double.MaxValue, double.MaxValue });
        using var y = tensor(new long[] { 0, 1 });
        var choice = Threshold.ByAccuracy(s, y);
        Assert.Equal(1.0, choice.Value);
        Assert.Equal(0.0, choice.Threshold);
        // "Nothing positive" above double.MaxValue can only be +infinity, which both comparisons still respect.
        using var none = tensor(new long[] { 0, 0 });
        Assert.Equal(double.PositiveInfinity, Threshold.ByAccuracy(s, none).Threshold);
    }

    static void AssertGreaterAndGreaterOrEqualAgree(Tensor scores, double threshold)
    {
        var values = scores.to_type(ScalarType.Float64).data<double>().ToArray();
        Assert.Equal(values.Select(v => v > threshold), values.Select(v => v >= threshold));
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
