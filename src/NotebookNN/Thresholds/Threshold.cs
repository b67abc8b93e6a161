using System.Globalization;
using NotebookNN.Metrics;
using static TorchSharp.torch;

namespace NotebookNN.Thresholds;

/// <summary>What a threshold is chosen to optimise.</summary>
public enum ThresholdCriterion
{
    /// <summary>The fraction of correct decisions (maximised).</summary>
    Accuracy,
    /// <summary>Youden's J = true-positive rate - false-positive rate (maximised; the ROC point farthest above the diagonal).</summary>
    YoudenJ,
    /// <summary>F1 of the positive class (maximised).</summary>
    F1,
    /// <summary>The mean cost per sample, <c>(costFP * FP + costFN * FN) / N</c> (minimised).</summary>
    Cost,
}

/// <summary>A chosen threshold: predict positive when <c>score &gt; Threshold</c>.</summary>
/// <param name="Threshold">The threshold. No validation score equals it, so <c>score &gt; Threshold</c> and
/// <c>score &gt;= Threshold</c> make the same decisions on the validation data, in every case: between two scores it is
/// their midpoint; for "nothing positive" it is <c>Math.BitIncrement</c> of the highest score (the next double above
/// it, so it prints like that score but is above it); for "everything positive" <c>Math.BitDecrement</c> of the lowest.
/// Two scores that are neighbouring doubles are never separated (see <see cref="Threshold"/>).</param>
/// <param name="Value">The criterion's value there on the validation data (accuracy, J, F1, or mean cost).</param>
/// <param name="Criterion">What was optimised.</param>
public sealed record ThresholdChoice(double Threshold, double Value, ThresholdCriterion Criterion)
{
    /// <summary>The 0/1 decisions (float64) for new scores: <c>score &gt; Threshold</c>.</summary>
    public Tensor Apply(Tensor scores)
    {
        Checks.NotNull(scores, nameof(scores));
        Checks.FloatingPoint(scores, nameof(scores));
        return (scores.to_type(ScalarType.Float64) > Threshold).to_type(ScalarType.Float64);
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"threshold {Threshold:G6} ({Criterion} = {Value:F4} on the validation data)");
}

/// <summary>Thresholds chosen per label of a multi-label output.</summary>
/// <param name="Thresholds">One threshold per label column.</param>
/// <param name="Values">The criterion per label on the validation data.</param>
/// <param name="Criterion">What was optimised.</param>
public sealed record PerLabelThresholds(IReadOnlyList<double> Thresholds, IReadOnlyList<double> Values, ThresholdCriterion Criterion)
{
    /// <summary>The 0/1 decisions (float64) for new scores (N, L): <c>scores[:, j] &gt; Thresholds[j]</c>.</summary>
    public Tensor Apply(Tensor scores)
    {
        Checks.NotNull(scores, nameof(scores));
        Checks.FloatingPoint(scores, nameof(scores));
        if (scores.dim() != 2 || scores.shape[1] != Thresholds.Count)
            throw new ArgumentException(
                $"'scores' has shape {Checks.Shape(scores)} but these thresholds are for (N, {Thresholds.Count}).", nameof(scores));
        using var t = tensor(Thresholds.ToArray());
        return (scores.to_type(ScalarType.Float64) > t.to(scores.device)).to_type(ScalarType.Float64);
    }
}

/// <summary>
/// Chooses decision thresholds on <em>validation</em> data (never on the test set: a threshold tuned on the test set
/// makes its score optimistic). Every cut between two neighbouring distinct scores is tried, plus "everything positive"
/// and "nothing positive"; a cut between scores <c>a &lt; b</c> is placed at their midpoint. Ties between equally good
/// cuts go to the highest threshold (the fewest positives), as <c>thresholds[argmax(tpr - fpr)]</c> does on an ROC curve.
/// <para><b>Neighbouring doubles</b>: when <c>a &lt; b</c> are adjacent doubles (e.g. 0.5 and 0.5000000000000001) no
/// double lies between them, so any threshold would equal one of them and <c>&gt;</c> and <c>&gt;=</c> would decide
/// that score differently. The rule: such scores are treated as tied, and the cut between them is not offered; the
/// criterion's value is that of the best cut that can be represented, so applying the returned threshold to the
/// validation data always reproduces <see cref="ThresholdChoice.Value"/>. A one-ulp difference is rounding noise
/// (another batch size or device can swap it), so no decision should rest on it.</para>
/// </summary>
public static class Threshold
{
    /// <summary>The threshold with the highest accuracy.</summary>
    public static ThresholdChoice ByAccuracy(Tensor scores, Tensor labels) => Choose(scores, labels, ThresholdCriterion.Accuracy);

    /// <summary>The threshold with the highest Youden's J (needs both classes in the labels).</summary>
    public static ThresholdChoice ByYoudenJ(Tensor scores, Tensor labels) => Choose(scores, labels, ThresholdCriterion.YoudenJ);

    /// <summary>The threshold with the highest F1 of the positive class.</summary>
    public static ThresholdChoice ByF1(Tensor scores, Tensor labels) => Choose(scores, labels, ThresholdCriterion.F1);

    /// <summary>The threshold with the lowest mean cost, a false positive costing <paramref name="falsePositiveCost"/> and a false negative <paramref name="falseNegativeCost"/>.</summary>
    public static ThresholdChoice ByCost(Tensor scores, Tensor labels, double falsePositiveCost, double falseNegativeCost) =>
        Choose(scores, labels, ThresholdCriterion.Cost, falsePositiveCost, falseNegativeCost);

    /// <summary>Chooses by the given criterion (costs are used only by <see cref="ThresholdCriterion.Cost"/>).</summary>
    public static ThresholdChoice Choose(Tensor scores, Tensor labels, ThresholdCriterion criterion,
        double falsePositiveCost = 1.0, double falseNegativeCost = 1.0)
    {
        Checks.NonNegative(falsePositiveCost, nameof(falsePositiveCost));
        Checks.NonNegative(falseNegativeCost, nameof(falseNegativeCost));
        var s = Curves.ReadScores(scores, labels);
        var y = Curves.ReadLabels(labels, nameof(labels));
        return Best(s, y, criterion, falsePositiveCost, falseNegativeCost);
    }

    /// <summary>
    /// One threshold per label column of a multi-label output (N, L), each chosen independently on that column.
    /// With <see cref="ThresholdCriterion.Accuracy"/> (the default) this minimises the Hamming loss, which is the mean of
    /// the per-label error rates.
    /// </summary>
    public static PerLabelThresholds PerLabel(Tensor scores, Tensor labels, ThresholdCriterion criterion = ThresholdCriterion.Accuracy,
        double falsePositiveCost = 1.0, double falseNegativeCost = 1.0)
    {
        Checks.NotNull(scores, nameof(scores));
        Checks.NotNull(labels, nameof(labels));
        Checks.FloatingPoint(scores, nameof(scores));
        Checks.Rank(scores, 2, nameof(scores), "(N, L): one column per label");
        Checks.SameShape(scores, labels, nameof(scores), nameof(labels));
        Checks.NonNegative(falsePositiveCost, nameof(falsePositiveCost));
        Checks.NonNegative(falseNegativeCost, nameof(falseNegativeCost));
        int width = (int)scores.shape[1];
        var thresholds = new double[width];
        var values = new double[width];
        using var _ = NewDisposeScope();
        for (int j = 0; j < width; j++)
        {
            var s = Curves.ReadScores(scores[.., j], labels[.., j]);
            var y = Curves.ReadLabels(labels[.., j], $"labels[:, {j}]");
            var choice = Best(s, y, criterion, falsePositiveCost, falseNegativeCost, $" (label column {j})");
            thresholds[j] = choice.Threshold;
            values[j] = choice.Value;
        }
        return new PerLabelThresholds(thresholds, values, criterion);
    }

    static ThresholdChoice Best(double[] s, double[] y, ThresholdCriterion criterion, double costFp, double costFn, string where = "")
    {
        double positives = y.Sum(), negatives = y.Length - positives;
        if (criterion == ThresholdCriterion.YoudenJ && (positives == 0 || negatives == 0))
            throw new ArgumentException(
                $"Youden's J needs both classes in the validation labels{where}, but only one is present: use accuracy or cost, or a larger validation set.",
                "labels");
        // Distinct scores from high to low with the cumulative counts above each (scikit-learn's _binary_clf_curve).
        var (fps, tps, distinct) = Curves.BinaryClassifierCounts(s, y);
        int m = distinct.Length;
        double bestValue = double.NaN, bestThreshold = double.NaN;
        // Cut k calls the k highest distinct scores positive: k = 0 (nothing) .. m (everything).
        for (int k = 0; k <= m; k++)
        {
            // Two scores that are neighbouring doubles have no double between them: no threshold separates them so
            // that > and >= agree, so that cut is not offered and the two act as one tied score.
            if (!Separable(distinct, k)) continue;
            double tp = k == 0 ? 0 : tps[k - 1], fp = k == 0 ? 0 : fps[k - 1];
            double value = Evaluate(criterion, tp, fp, positives, negatives, costFp, costFn);
            bool better = double.IsNaN(bestValue) || (criterion == ThresholdCriterion.Cost ? value < bestValue : value > bestValue);
            if (!better) continue;
            bestValue = value;
            bestThreshold = CutBelow(distinct, k);
        }
        return new ThresholdChoice(bestThreshold, bestValue, criterion);
    }

    // Whether some double lies strictly between the k-th and (k+1)-th highest distinct scores (always, at both ends).
    static bool Separable(double[] distinctDescending, int k) =>
        k == 0 || k == distinctDescending.Length || Math.BitIncrement(distinctDescending[k]) < distinctDescending[k - 1];

    // A threshold t with the k highest distinct scores strictly above it and the rest strictly below it.
    static double CutBelow(double[] distinctDescending, int k)
    {
        int m = distinctDescending.Length;
        // Nothing positive: the next double above the top score (+infinity only above double.MaxValue).
        if (k == 0) return Math.BitIncrement(distinctDescending[0]);
        // Everything positive: the next double below the lowest score.
        if (k == m) return Math.BitDecrement(distinctDescending[m - 1]);
        double above = distinctDescending[k - 1], below = distinctDescending[k];
        double mid = below + (above - below) / 2.0;
        // The difference overflows for scores near +-double.MaxValue; halving first cannot.
        if (!double.IsFinite(mid)) mid = below / 2.0 + above / 2.0;
        // Two doubles apart, the midpoint can round onto an end; the double just above the lower score is then between.
        return below < mid && mid < above ? mid : Math.BitIncrement(below);
    }

    static double Evaluate(ThresholdCriterion criterion, double tp, double fp, double positives, double negatives,
        double costFp, double costFn)
    {
        double fn = positives - tp, tn = negatives - fp, n = positives + negatives;
        return criterion switch
        {
            ThresholdCriterion.Accuracy => (tp + tn) / n,
            ThresholdCriterion.YoudenJ => tp / positives - fp / negatives,
            ThresholdCriterion.F1 => tp == 0 ? 0.0 : 2 * tp / (2 * tp + fp + fn),
            ThresholdCriterion.Cost => (costFp * fp + costFn * fn) / n,
            _ => throw new ArgumentOutOfRangeException(nameof(criterion), criterion, "Unknown threshold criterion."),
        };
    }
}
