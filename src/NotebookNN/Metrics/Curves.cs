using System.Globalization;
using static TorchSharp.torch;

namespace NotebookNN.Metrics;

/// <summary>An ROC curve: <c>Fpr[i]</c>, <c>Tpr[i]</c> are the rates when samples with score &gt;= <c>Thresholds[i]</c> are
/// called positive. <c>Thresholds</c> decrease; <c>Thresholds[0]</c> is max(score) + 1 (the empty prediction).</summary>
/// <param name="Fpr">False-positive rates, increasing from 0 to 1.</param>
/// <param name="Tpr">True-positive rates, increasing from 0 to 1.</param>
/// <param name="Thresholds">The score thresholds, decreasing.</param>
public sealed record RocCurve(double[] Fpr, double[] Tpr, double[] Thresholds)
{
    /// <summary>The area under this curve (trapezoids).</summary>
    public double Auc => Curves.Auc(Fpr, Tpr);

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"ROC curve: {Fpr.Length} points, AUC {Auc:F4}");
}

/// <summary>A precision-recall curve as scikit-learn 1.2 returns it: <c>Precision</c> and <c>Recall</c> have one more
/// entry than <c>Thresholds</c> (the final point precision 1, recall 0); thresholds increase, recall decreases.</summary>
/// <param name="Precision">Precision at each threshold, then 1.</param>
/// <param name="Recall">Recall at each threshold, then 0.</param>
/// <param name="Thresholds">The distinct scores, increasing.</param>
public sealed record PrecisionRecallCurve(double[] Precision, double[] Recall, double[] Thresholds);

/// <summary>
/// Ranking metrics for a binary problem with scikit-learn 1.2's exact semantics (the version Debian ships):
/// <c>roc_curve</c> (with <c>drop_intermediate</c>, tied scores counted as one threshold, and
/// <c>thresholds[0] = max(score) + 1</c>; scikit-learn 1.3 and later write +infinity there instead),
/// <c>auc</c>, <c>roc_auc_score</c>, <c>precision_recall_curve</c> and <c>average_precision_score</c>.
/// Arguments are <c>(scores, labels)</c>: scores are any real numbers where larger means "more positive" (probabilities
/// or logits give the same curve); labels are 0/1 with 1 the positive class.
/// </summary>
public static class Curves
{
    /// <summary>
    /// scikit-learn's <c>roc_curve</c>. With <paramref name="dropIntermediate"/> the points that lie on a straight
    /// segment between their neighbours are dropped (they never change the plot or the area).
    /// A curve over labels of one class only has NaN rates on the missing side, as in scikit-learn.
    /// </summary>
    public static RocCurve Roc(Tensor scores, Tensor labels, bool dropIntermediate = true)
    {
        var (fps, tps, thresholds) = BinaryClassifierCounts(scores, labels);
        if (dropIntermediate && fps.Length > 2)
        {
            var keep = new List<int> { 0 };
            for (int i = 1; i < fps.Length - 1; i++)
            {
                // The second difference is non-zero at a corner of the curve.
                double d2f = fps[i + 1] - 2 * fps[i] + fps[i - 1];
                double d2t = tps[i + 1] - 2 * tps[i] + tps[i - 1];
                if (d2f != 0 || d2t != 0) keep.Add(i);
            }
            keep.Add(fps.Length - 1);
            fps = keep.Select(i => fps[i]).ToArray();
            tps = keep.Select(i => tps[i]).ToArray();
            thresholds = keep.Select(i => thresholds[i]).ToArray();
        }
        double[] allFps = [0.0, .. fps];
        double[] allTps = [0.0, .. tps];
        double[] allThresholds = [thresholds[0] + 1.0, .. thresholds];
        double negatives = allFps[^1], positives = allTps[^1];
        var fpr = allFps.Select(v => negatives <= 0 ? double.NaN : v / negatives).ToArray();
        var tpr = allTps.Select(v => positives <= 0 ? double.NaN : v / positives).ToArray();
        return new RocCurve(fpr, tpr, allThresholds);
    }

    /// <summary>
    /// scikit-learn's <c>auc</c>: the trapezoidal area under <c>y(x)</c>; <paramref name="x"/> must be monotonic
    /// (increasing, or decreasing for a negative direction).
    /// </summary>
    public static double Auc(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        Checks.Finite(x, nameof(x));
        Checks.Finite(y, nameof(y));
        if (x.Count != y.Count)
            throw new ArgumentException($"x has {x.Count} point(s) but y has {y.Count}: give one y per x.", nameof(y));
        if (x.Count < 2)
            throw new ArgumentException($"At least 2 points are needed to compute an area, but {x.Count} were given.", nameof(x));
        double direction = 1.0;
        bool anyDown = false, anyUp = false;
        for (int i = 1; i < x.Count; i++)
        {
            if (x[i] < x[i - 1]) anyDown = true;
            if (x[i] > x[i - 1]) anyUp = true;
        }
        if (anyDown && anyUp)
            throw new ArgumentException("x is neither increasing nor decreasing: sort the points by x first.", nameof(x));
        if (anyDown) direction = -1.0;
        double area = 0.0;
        for (int i = 1; i < x.Count; i++) area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2.0;
        return direction * area;
    }

    /// <summary>
    /// scikit-learn's <c>roc_auc_score</c> for a binary problem: the area under <see cref="Roc"/>. Undefined, and an
    /// error, when the labels hold only one class.
    /// </summary>
    public static double RocAuc(Tensor scores, Tensor labels)
    {
        // Scores first: an empty or NaN input is reported as such, not as "one class".
        ReadScores(scores, labels);
        var y = ReadLabels(labels, nameof(labels));
        if (!(y.Contains(0) && y.Contains(1)))
            throw new ArgumentException(
                $"ROC AUC is not defined when the labels hold only one class, but every label is {y[0]}: " +
                "evaluate on a set with both positives and negatives (a larger or stratified split).",
                nameof(labels));
        return Roc(scores, labels).Auc;
    }

    /// <summary>scikit-learn 1.2's <c>precision_recall_curve</c> (every distinct score is a threshold).</summary>
    public static PrecisionRecallCurve PrecisionRecall(Tensor scores, Tensor labels)
    {
        var (fps, tps, thresholds) = BinaryClassifierCounts(scores, labels);
        int n = fps.Length;
        var precision = new double[n + 1];
        var recall = new double[n + 1];
        double positives = tps[^1];
        for (int i = 0; i < n; i++)
        {
            double predicted = tps[i] + fps[i];
            // Reversed so recall decreases; no positives at all means recall 1 everywhere (scikit-learn).
            precision[n - 1 - i] = predicted == 0 ? 0.0 : tps[i] / predicted;
            recall[n - 1 - i] = positives == 0 ? 1.0 : tps[i] / positives;
        }
        precision[n] = 1.0;
        recall[n] = 0.0;
        return new PrecisionRecallCurve(precision, recall, thresholds.Reverse().ToArray());
    }

    /// <summary>
    /// scikit-learn's <c>average_precision_score</c> for a binary problem: <c>sum_n (R_n - R_{n-1}) P_n</c>, the step
    /// integral of the precision-recall curve (no interpolation).
    /// </summary>
    public static double AveragePrecision(Tensor scores, Tensor labels)
    {
        var curve = PrecisionRecall(scores, labels);
        double sum = 0.0;
        for (int i = 0; i < curve.Recall.Length - 1; i++)
            sum += (curve.Recall[i + 1] - curve.Recall[i]) * curve.Precision[i];
        return -sum;
    }

    /// <summary>
    /// scikit-learn's <c>_binary_clf_curve</c>: false and true positive counts when everything scoring at least each
    /// distinct score is called positive, from the highest score down. Tied scores form one threshold.
    /// </summary>
    internal static (double[] Fps, double[] Tps, double[] Thresholds) BinaryClassifierCounts(Tensor scores, Tensor labels)
    {
        var s = ReadScores(scores, labels);
        var y = ReadLabels(labels, nameof(labels));
        return BinaryClassifierCounts(s, y);
    }

    /// <summary>The counts of <see cref="BinaryClassifierCounts(Tensor, Tensor)"/> from validated host arrays.</summary>
    internal static (double[] Fps, double[] Tps, double[] Thresholds) BinaryClassifierCounts(double[] s, double[] y)
    {
        // A stable sort descending; ties are merged below, so their order does not matter.
        var order = Enumerable.Range(0, s.Length).OrderByDescending(i => s[i]).ToArray();
        var fps = new List<double>();
        var tps = new List<double>();
        var thresholds = new List<double>();
        double tp = 0;
        for (int k = 0; k < order.Length; k++)
        {
            tp += y[order[k]];
            bool lastOfTie = k == order.Length - 1 || s[order[k + 1]] != s[order[k]];
            if (!lastOfTie) continue;
            tps.Add(tp);
            fps.Add(k + 1 - tp);
            thresholds.Add(s[order[k]]);
        }
        return (fps.ToArray(), tps.ToArray(), thresholds.ToArray());
    }

    internal static double[] ReadScores(Tensor scores, Tensor labels)
    {
        Checks.NotNull(scores, nameof(scores));
        Checks.NotNull(labels, nameof(labels));
        Checks.FloatingPoint(scores, nameof(scores));
        Checks.NotEmptyAndFinite(scores, nameof(scores));
        var s = scores.dim() == 2 && scores.shape[1] == 1 ? scores.squeeze(1) : scores;
        var l = labels.dim() == 2 && labels.shape[1] == 1 ? labels.squeeze(1) : labels;
        if (s.dim() != 1)
            throw new ArgumentException(
                $"'scores' has shape {Checks.Shape(scores)}, but one score per sample (N) is expected for a binary curve: " +
                "for a 2-unit softmax pass probabilities[:, 1]; for multi-label outputs compute one curve per label column.",
                nameof(scores));
        Checks.SameShape(s, l, nameof(scores), nameof(labels));
        return HostArrays.Doubles(s);
    }

    internal static double[] ReadLabels(Tensor labels, string name)
    {
        var y = HostArrays.WholeLabels(labels, name);
        foreach (var v in y)
            if (v is not (0 or 1))
                throw new ArgumentException(
                    $"'{name}' must hold 0/1 labels (1 = positive), but it contains {v}: for several classes compute one-vs-rest " +
                    $"curves with (labels == k) as the labels.", name);
        return y.Select(v => (double)v).ToArray();
    }
}
