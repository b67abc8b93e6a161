using System.Globalization;
using System.Text;
using static TorchSharp.torch;

namespace NotebookNN.Metrics;

/// <summary>How per-label precision, recall and F1 are combined (scikit-learn's <c>average</c>).</summary>
public enum Average
{
    /// <summary>Only the positive label of a binary problem (<c>average='binary'</c>).</summary>
    Binary,
    /// <summary>Counts pooled over all labels, then one ratio (<c>'micro'</c>).</summary>
    Micro,
    /// <summary>The unweighted mean of the per-label scores (<c>'macro'</c>).</summary>
    Macro,
    /// <summary>The per-label scores averaged with the labels' supports as weights (<c>'weighted'</c>).</summary>
    Weighted,
}

/// <summary>Precision, recall and F1 with the per-label values they were built from.</summary>
/// <param name="Precision">The averaged precision.</param>
/// <param name="Recall">The averaged recall.</param>
/// <param name="F1">The averaged F1 (for Macro/Weighted: the mean of per-label F1, as scikit-learn does).</param>
/// <param name="Average">How they were averaged.</param>
/// <param name="Labels">The labels (classes, or multi-label columns) in the order of the per-label arrays.</param>
/// <param name="PerLabelPrecision">Precision of each label.</param>
/// <param name="PerLabelRecall">Recall of each label.</param>
/// <param name="PerLabelF1">F1 of each label.</param>
/// <param name="Support">The number of true occurrences of each label.</param>
public sealed record ClassificationScores(
    double Precision, double Recall, double F1, Average Average, IReadOnlyList<long> Labels,
    IReadOnlyList<double> PerLabelPrecision, IReadOnlyList<double> PerLabelRecall, IReadOnlyList<double> PerLabelF1,
    IReadOnlyList<long> Support)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"precision {Precision:F4}, recall {Recall:F4}, F1 {F1:F4} ({Average.ToString().ToLowerInvariant()} over {Labels.Count} label(s))");
}

/// <summary>A confusion matrix: <c>Counts[i, j]</c> is the number of samples whose true label is <c>Labels[i]</c> and
/// predicted label is <c>Labels[j]</c> (rows true, columns predicted, as scikit-learn).</summary>
/// <param name="Labels">The labels, sorted, naming rows and columns.</param>
/// <param name="Counts">The counts.</param>
public sealed record ConfusionMatrix(IReadOnlyList<long> Labels, long[,] Counts)
{
    /// <summary>The count for a true and a predicted label.</summary>
    public long this[long trueLabel, long predictedLabel]
    {
        get
        {
            int i = IndexOf(trueLabel), j = IndexOf(predictedLabel);
            return Counts[i, j];
        }
    }

    int IndexOf(long label)
    {
        for (int i = 0; i < Labels.Count; i++) if (Labels[i] == label) return i;
        throw new ArgumentException(
            $"Label {label} is not in this confusion matrix; its labels are {string.Join(", ", Labels)}.", nameof(label));
    }

    /// <summary>A plain-text table, rows true labels, columns predicted labels.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("true \\ predicted");
        foreach (var l in Labels) sb.Append('\t').Append(l.ToString(CultureInfo.InvariantCulture));
        for (int i = 0; i < Labels.Count; i++)
        {
            sb.Append('\n').Append(Labels[i].ToString(CultureInfo.InvariantCulture));
            for (int j = 0; j < Labels.Count; j++) sb.Append('\t').Append(Counts[i, j].ToString(CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}

/// <summary>
/// Label-based classification metrics with scikit-learn's semantics (<c>precision_recall_fscore_support</c>,
/// <c>hamming_loss</c>, <c>accuracy_score</c>, <c>confusion_matrix</c>, version 1.2). Arguments are
/// <c>(yTrue, yPred)</c> as in scikit-learn. Labels are integer class indices of shape (N) (binary or multi-class),
/// or 0/1 indicator matrices of shape (N, L) (multi-label). Predictions must already be labels: scores are rejected.
/// Ill-defined ratios (no predicted or no true samples of a label) take the value <c>zeroDivision</c>, scikit-learn's
/// default of 0.
/// </summary>
public static class Classification
{
    /// <summary>
    /// Precision, recall and F1 averaged as asked. <see cref="Average.Binary"/> needs a binary problem and reports
    /// <paramref name="positiveLabel"/> only; <see cref="Average.Micro"/> on a multi-class problem equals the accuracy.
    /// </summary>
    /// <param name="yTrue">True labels (N) or indicators (N, L).</param>
    /// <param name="yPred">Predicted labels with the same shape.</param>
    /// <param name="average">How to combine the per-label scores.</param>
    /// <param name="labels">The labels to score (multi-class only); default: every label seen in either tensor, sorted.</param>
    /// <param name="positiveLabel">The positive class for <see cref="Average.Binary"/>.</param>
    /// <param name="zeroDivision">The value of a ratio whose denominator is 0 (0 or 1).</param>
    public static ClassificationScores PrecisionRecallF1(Tensor yTrue, Tensor yPred, Average average = Average.Binary,
        IReadOnlyList<long>? labels = null, long positiveLabel = 1, double zeroDivision = 0.0)
    {
        if (zeroDivision is not (0.0 or 1.0))
            throw new ArgumentOutOfRangeException(nameof(zeroDivision), zeroDivision, "zeroDivision must be 0 or 1, as in scikit-learn.");
        var targets = Targets.Read(yTrue, yPred);
        long[] scored;
        if (average == Average.Binary)
        {
            if (targets.IsMultiLabel)
                throw new ArgumentException(
                    "The targets are multi-label (an indicator matrix) but average is Binary: choose Micro, Macro or Weighted.", nameof(average));
            if (targets.Present.Length > 2)
                throw new ArgumentException(
                    $"The targets are multi-class (labels {string.Join(", ", targets.Present)}) but average is Binary: choose Micro, Macro or Weighted.",
                    nameof(average));
            if (targets.Present.Length == 2 && Array.IndexOf(targets.Present, positiveLabel) < 0)
                throw new ArgumentException(
                    $"positiveLabel={positiveLabel} is not one of the labels present ({string.Join(", ", targets.Present)}): pass the label of the positive class.",
                    nameof(positiveLabel));
            scored = [positiveLabel];
        }
        else
            scored = labels?.ToArray() ?? targets.Present;
        if (scored.Length == 0)
            throw new ArgumentException("'labels' is empty: name at least one label to score.", nameof(labels));

        var (tp, predicted, actual) = targets.Counts(scored);
        var precision = Divide(tp, predicted, zeroDivision);
        var recall = Divide(tp, actual, zeroDivision);
        var f1 = new double[scored.Length];
        for (int i = 0; i < f1.Length; i++)
        {
            double denom = precision[i] + recall[i];
            f1[i] = denom == 0.0 ? 0.0 : 2.0 * precision[i] * recall[i] / denom;
        }

        double p, r, f;
        switch (average)
        {
            case Average.Binary:
                (p, r, f) = (precision[0], recall[0], f1[0]);
                break;
            case Average.Micro:
                long tps = tp.Sum(), preds = predicted.Sum(), trues = actual.Sum();
                p = Divide([tps], [preds], zeroDivision)[0];
                r = Divide([tps], [trues], zeroDivision)[0];
                f = p + r == 0.0 ? 0.0 : 2.0 * p * r / (p + r);
                break;
            case Average.Macro:
                (p, r, f) = (precision.Average(), recall.Average(), f1.Average());
                break;
            case Average.Weighted:
                double total = actual.Sum();
                if (total == 0.0)
                {
                    // scikit-learn: with no true samples at all, precision/F1 are zeroDivision only if nothing was predicted either.
                    bool nonePredicted = predicted.Sum() == 0;
                    (p, r, f) = nonePredicted ? (zeroDivision, zeroDivision, zeroDivision) : (0.0, zeroDivision, 0.0);
                }
                else
                {
                    p = WeightedAverage(precision, actual);
                    r = WeightedAverage(recall, actual);
                    f = WeightedAverage(f1, actual);
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(average), average, "Unknown average.");
        }
        return new ClassificationScores(p, r, f, average, scored, precision, recall, f1, actual);
    }

    /// <summary>Precision (see <see cref="PrecisionRecallF1"/>).</summary>
    public static double Precision(Tensor yTrue, Tensor yPred, Average average = Average.Binary, IReadOnlyList<long>? labels = null,
        long positiveLabel = 1, double zeroDivision = 0.0) =>
        PrecisionRecallF1(yTrue, yPred, average, labels, positiveLabel, zeroDivision).Precision;

    /// <summary>Recall (see <see cref="PrecisionRecallF1"/>).</summary>
    public static double Recall(Tensor yTrue, Tensor yPred, Average average = Average.Binary, IReadOnlyList<long>? labels = null,
        long positiveLabel = 1, double zeroDivision = 0.0) =>
        PrecisionRecallF1(yTrue, yPred, average, labels, positiveLabel, zeroDivision).Recall;

    /// <summary>F1 (see <see cref="PrecisionRecallF1"/>).</summary>
    public static double F1(Tensor yTrue, Tensor yPred, Average average = Average.Binary, IReadOnlyList<long>? labels = null,
        long positiveLabel = 1, double zeroDivision = 0.0) =>
        PrecisionRecallF1(yTrue, yPred, average, labels, positiveLabel, zeroDivision).F1;

    /// <summary>
    /// scikit-learn's <c>hamming_loss</c>: the fraction of wrong labels — over all N x L entries for multi-label
    /// indicators, over the N samples for multi-class labels.
    /// </summary>
    public static double HammingLoss(Tensor yTrue, Tensor yPred)
    {
        var t = Targets.Read(yTrue, yPred);
        long wrong = 0;
        for (int i = 0; i < t.True.Length; i++) if (t.True[i] != t.Pred[i]) wrong++;
        return (double)wrong / t.True.Length;
    }

    /// <summary>
    /// scikit-learn's <c>accuracy_score</c>: for multi-label indicators the subset accuracy (a sample counts only when
    /// all of its L labels are right); for multi-class labels the plain accuracy.
    /// </summary>
    public static double SubsetAccuracy(Tensor yTrue, Tensor yPred)
    {
        var t = Targets.Read(yTrue, yPred);
        int width = t.Width, exact = 0;
        for (int s = 0; s < t.Samples; s++)
        {
            bool all = true;
            for (int j = 0; j < width && all; j++) all = t.True[s * width + j] == t.Pred[s * width + j];
            if (all) exact++;
        }
        return (double)exact / t.Samples;
    }

    /// <summary>
    /// scikit-learn's <c>confusion_matrix</c> for binary or multi-class labels: rows are true labels, columns predicted
    /// labels, both in the order of <paramref name="labels"/> (default: every label seen, sorted). As in scikit-learn,
    /// at least one of the given <paramref name="labels"/> must occur in <paramref name="yTrue"/>: a matrix of zeros
    /// would otherwise hide that the labels are mistyped or encoded differently.
    /// </summary>
    public static ConfusionMatrix ConfusionMatrix(Tensor yTrue, Tensor yPred, IReadOnlyList<long>? labels = null)
    {
        var t = Targets.Read(yTrue, yPred);
        if (t.IsMultiLabel)
            throw new ArgumentException(
                "A confusion matrix needs one class label per sample, but the targets are multi-label indicators (N, L): " +
                "compute one 2x2 matrix per label column, or pass class labels (N).", nameof(yTrue));
        var order = labels?.ToArray() ?? t.Present;
        if (order.Length == 0) throw new ArgumentException("'labels' is empty: name at least one label.", nameof(labels));
        var index = new Dictionary<long, int>();
        for (int i = 0; i < order.Length; i++)
            if (!index.TryAdd(order[i], i))
                throw new ArgumentException($"'labels' names label {order[i]} twice: list each label once.", nameof(labels));
        if (labels is not null && !t.True.Any(index.ContainsKey))
            throw new ArgumentException(
                $"None of the labels given ({string.Join(", ", order)}) occurs in 'yTrue', whose labels are " +
                $"{string.Join(", ", t.True.Distinct().Order())}: pass labels that occur in yTrue (or none, to use every label seen).",
                nameof(labels));
        var counts = new long[order.Length, order.Length];
        for (int s = 0; s < t.True.Length; s++)
            if (index.TryGetValue(t.True[s], out int i) && index.TryGetValue(t.Pred[s], out int j))
                counts[i, j]++;
        return new ConfusionMatrix(order, counts);
    }

    static double[] Divide(long[] numerator, long[] denominator, double zeroDivision)
    {
        var result = new double[numerator.Length];
        for (int i = 0; i < result.Length; i++)
            result[i] = denominator[i] == 0 ? zeroDivision : (double)numerator[i] / denominator[i];
        return result;
    }

    static double WeightedAverage(double[] values, long[] weights)
    {
        double sum = 0.0, total = 0.0;
        for (int i = 0; i < values.Length; i++) { sum += values[i] * weights[i]; total += weights[i]; }
        return sum / total;
    }

    /// <summary>True and predicted labels read once to the host, with their kind (multi-class or multi-label).</summary>
    sealed class Targets
    {
        public required long[] True { get; init; }
        public required long[] Pred { get; init; }
        public required int Samples { get; init; }
        public required int Width { get; init; }
        public required bool IsMultiLabel { get; init; }
        public required long[] Present { get; init; }

        public static Targets Read(Tensor yTrue, Tensor yPred)
        {
            Checks.NotNull(yTrue, nameof(yTrue));
            Checks.NotNull(yPred, nameof(yPred));
            Checks.NotEmpty(yTrue, nameof(yTrue));
            var t = ColumnToVector(yTrue);
            var p = ColumnToVector(yPred);
            Checks.SameShape(t, p, nameof(yTrue), nameof(yPred));
            if (t.dim() > 2)
                throw new ArgumentException(
                    $"'yTrue' has shape {Checks.Shape(t)}: pass class labels (N) or multi-label indicators (N, L); flatten sequence positions first.",
                    nameof(yTrue));
            var trueLabels = HostArrays.WholeLabels(t, nameof(yTrue));
            var predLabels = HostArrays.WholeLabels(p, nameof(yPred));
            bool multi = t.dim() == 2;
            if (multi)
            {
                RequireIndicator(trueLabels, nameof(yTrue));
                RequireIndicator(predLabels, nameof(yPred));
            }
            int width = multi ? (int)t.shape[1] : 1;
            var present = multi
                ? Enumerable.Range(0, width).Select(i => (long)i).ToArray()
                : trueLabels.Concat(predLabels).Distinct().Order().ToArray();
            return new Targets
            {
                True = trueLabels, Pred = predLabels, Samples = (int)t.shape[0], Width = width,
                IsMultiLabel = multi, Present = present,
            };
        }

        // scikit-learn's column_or_1d: an (N, 1) column is a label vector, not a 1-label indicator matrix.
        static Tensor ColumnToVector(Tensor x) => x.dim() == 2 && x.shape[1] == 1 ? x.squeeze(1) : x;

        static void RequireIndicator(long[] values, string name)
        {
            foreach (var v in values)
                if (v is not (0 or 1))
                    throw new ArgumentException(
                        $"'{name}' is an (N, L) matrix, so it must be a 0/1 multi-label indicator, but it contains {v}: " +
                        "pass class labels as a vector (N), or binarise the matrix.", name);
        }

        public (long[] Tp, long[] Predicted, long[] Actual) Counts(long[] labels)
        {
            var tp = new long[labels.Length];
            var predicted = new long[labels.Length];
            var actual = new long[labels.Length];
            if (IsMultiLabel)
            {
                for (int k = 0; k < labels.Length; k++)
                {
                    long col = labels[k];
                    if (col < 0 || col >= Width)
                        throw new ArgumentException(
                            $"Label column {col} does not exist: the indicator matrix has {Width} column(s), 0..{Width - 1}.", "labels");
                    for (int s = 0; s < Samples; s++)
                    {
                        long y = True[s * Width + col], yhat = Pred[s * Width + col];
                        if (y == 1 && yhat == 1) tp[k]++;
                        if (yhat == 1) predicted[k]++;
                        if (y == 1) actual[k]++;
                    }
                }
                return (tp, predicted, actual);
            }
            var index = new Dictionary<long, int>();
            for (int k = 0; k < labels.Length; k++) index.TryAdd(labels[k], k);
            for (int s = 0; s < True.Length; s++)
            {
                bool tk = index.TryGetValue(True[s], out int ti);
                bool pk = index.TryGetValue(Pred[s], out int pi);
                if (tk) actual[ti]++;
                if (pk) predicted[pi]++;
                if (tk && pk && ti == pi) tp[ti]++;
            }
            return (tp, predicted, actual);
        }
    }
}
