using System.Globalization;
using static TorchSharp.torch;

namespace NotebookNN.Metrics;

/// <summary>The three accuracies Keras can mean by the string <c>"accuracy"</c>.</summary>
public enum AccuracyMetric
{
    /// <summary>Keras' <c>binary_accuracy</c>: element-wise <c>(p &gt; threshold) == y</c>, averaged.</summary>
    BinaryAccuracy,
    /// <summary>Keras' <c>categorical_accuracy</c>: <c>argmax(y) == argmax(p)</c> per sample.</summary>
    CategoricalAccuracy,
    /// <summary>Keras' <c>sparse_categorical_accuracy</c>: <c>y == argmax(p)</c> per sample.</summary>
    SparseCategoricalAccuracy,
}

/// <summary>The loss a Keras model was compiled with, as far as the old "accuracy" rule cares.</summary>
public enum KerasLossKind
{
    /// <summary><c>binary_crossentropy</c>.</summary>
    BinaryCrossentropy,
    /// <summary><c>categorical_crossentropy</c>.</summary>
    CategoricalCrossentropy,
    /// <summary><c>sparse_categorical_crossentropy</c>.</summary>
    SparseCategoricalCrossentropy,
    /// <summary>Any other loss (MSE, hinge, ...).</summary>
    Other,
}

/// <summary>Which accuracy the string <c>"accuracy"</c> resolved to, why, and its value on the data given.</summary>
/// <param name="Metric">The metric chosen.</param>
/// <param name="Value">Its value on the predictions and targets given.</param>
/// <param name="Reason">The rule that chose it, in words.</param>
public sealed record AccuracyResolution(AccuracyMetric Metric, double Value, string Reason)
{
    /// <summary>The Keras name of the metric (<c>binary_accuracy</c>, ...).</summary>
    public string MetricName => Accuracy.KerasName(Metric);

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{MetricName} = {Value:F4} ({Reason})");
}

/// <summary>
/// Keras' accuracy metrics, with Keras' exact semantics (including its traps), and the resolution of the string
/// <c>"accuracy"</c> by today's rule and by the Keras 2.0-2.2 rule. Predictions come first, PyTorch style.
/// </summary>
public static class Accuracy
{
    /// <summary>
    /// Keras' <c>binary_accuracy</c>: a prediction counts as 1 when it is strictly greater than
    /// <paramref name="threshold"/> (so 0.5 itself is class 0), and every element is compared with its target
    /// (targets must equal exactly 0 or 1 to match). The mean over all elements is returned — Keras' mean over the
    /// last axis then over samples, which is the same number. A trailing axis of size 1 on either side is squeezed, as Keras does. On a one-hot multi-class problem this is the mean over
    /// all C outputs per sample, which is why an all-zeros predictor scores (C-1)/C.
    /// </summary>
    /// <param name="predictions">Probabilities, or any scores with a matching threshold (0 for logits).</param>
    /// <param name="targets">0/1 targets with the same shape.</param>
    /// <param name="threshold">The decision threshold (Keras' default 0.5).</param>
    public static double Binary(Tensor predictions, Tensor targets, double threshold = 0.5)
    {
        Checks.NotNull(predictions, nameof(predictions));
        Checks.NotNull(targets, nameof(targets));
        Checks.FloatingPoint(predictions, nameof(predictions));
        Checks.NotEmptyAndFinite(predictions, nameof(predictions));
        Checks.Finite(targets, nameof(targets));
        using var _ = NewDisposeScope();
        // Keras squeezes or expands a trailing axis of size 1 so (N, 1) outputs meet (N) labels.
        if (predictions.dim() == targets.dim() + 1 && predictions.shape[^1] == 1) predictions = predictions.squeeze(-1);
        else if (targets.dim() == predictions.dim() + 1 && targets.shape[^1] == 1) targets = targets.squeeze(-1);
        Checks.SameShape(predictions, targets, nameof(predictions), nameof(targets));
        var predicted = (predictions.to_type(ScalarType.Float64) > threshold).to_type(ScalarType.Float64);
        var truth = targets.to(predictions.device).to_type(ScalarType.Float64);
        return predicted.eq(truth).to_type(ScalarType.Float64).mean().item<double>();
    }

    /// <summary>
    /// Keras' <c>categorical_accuracy</c>: <c>argmax(targets, -1) == argmax(predictions, -1)</c>, averaged over samples
    /// (ties go to the first maximum). Like Keras it does not insist on one-hot targets: targets of shape (N, 1) have
    /// argmax 0 everywhere, so the value becomes the share of samples predicted as class 0 — the mismatched-metric trap.
    /// </summary>
    public static double Categorical(Tensor predictions, Tensor targets)
    {
        CheckClassLast(predictions, targets, nameof(targets));
        if (targets.dim() != predictions.dim() || !targets.shape[..^1].SequenceEqual(predictions.shape[..^1]))
            throw new ArgumentException(
                $"Categorical accuracy needs one-hot targets shaped like the predictions {Checks.Shape(predictions)}, but the targets have shape {Checks.Shape(targets)}: " +
                "for integer labels use SparseCategorical (Keras' sparse_categorical_accuracy).", nameof(targets));
        using var _ = NewDisposeScope();
        var hit = targets.to(predictions.device).argmax(-1).eq(predictions.argmax(-1));
        return hit.to_type(ScalarType.Float64).mean().item<double>();
    }

    /// <summary>
    /// Keras' <c>sparse_categorical_accuracy</c>: <c>labels == argmax(predictions, -1)</c>, averaged over samples. Labels
    /// have the batch shape, or the batch shape with a trailing 1 (squeezed, as Keras does).
    /// <para>A label outside <c>0..C-1</c> is <em>not</em> an error here: it never equals an argmax, so it counts as a
    /// miss, exactly as Keras' metric does. This is kept on purpose so that notebooks reproduce Keras' numbers; the
    /// sparse losses reject such labels, so training with them fails loudly.</para>
    /// </summary>
    public static double SparseCategorical(Tensor predictions, Tensor labels)
    {
        CheckClassLast(predictions, labels, nameof(labels));
        var batch = predictions.shape[..^1];
        bool fits = labels.shape.SequenceEqual(batch)
                    || (labels.dim() == predictions.dim() && labels.shape[^1] == 1 && labels.shape[..^1].SequenceEqual(batch));
        if (!fits)
            throw new ArgumentException(
                $"Sparse categorical accuracy needs one integer label per sample, shape {Checks.Shape(batch)}, but the labels have shape {Checks.Shape(labels)}: " +
                "for one-hot targets use Categorical (Keras' categorical_accuracy).", nameof(labels));
        var classes = HostArrays.WholeLabels(labels, nameof(labels));
        using var _ = NewDisposeScope();
        var predicted = HostArrays.Longs(predictions.argmax(-1));
        long hits = 0;
        for (int i = 0; i < classes.Length; i++) if (classes[i] == predicted[i]) hits++;
        return (double)hits / classes.Length;
    }

    /// <summary>Computes the named accuracy.</summary>
    public static double Compute(AccuracyMetric metric, Tensor predictions, Tensor targets) => metric switch
    {
        AccuracyMetric.BinaryAccuracy => Binary(predictions, targets),
        AccuracyMetric.CategoricalAccuracy => Categorical(predictions, targets),
        AccuracyMetric.SparseCategoricalAccuracy => SparseCategorical(predictions, targets),
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown accuracy metric."),
    };

    /// <summary>
    /// Resolves the string <c>"accuracy"</c> the way Keras does today (tf.keras 2.2+ and Keras 3,
    /// <c>compile_utils.get_metric</c>): from the shapes alone. If the prediction's last axis is 1 it is
    /// <c>binary_accuracy</c>; else if the labels have a lower rank, or their last axis is 1, it is
    /// <c>sparse_categorical_accuracy</c>; else <c>categorical_accuracy</c>. The loss plays no part.
    /// </summary>
    public static AccuracyResolution ResolveKeras(Tensor predictions, Tensor targets)
    {
        CheckResolvable(predictions, targets);
        long predLast = predictions.shape[^1];
        long targLast = targets.dim() == 0 ? 1 : targets.shape[^1];
        AccuracyMetric metric;
        string reason;
        if (predLast == 1)
            (metric, reason) = (AccuracyMetric.BinaryAccuracy, "today's Keras: the output has 1 unit");
        else if (targets.dim() < predictions.dim() || (targLast == 1 && predLast > 1))
            (metric, reason) = (AccuracyMetric.SparseCategoricalAccuracy, "today's Keras: the labels are integer class indices (lower rank or last axis 1)");
        else
            (metric, reason) = (AccuracyMetric.CategoricalAccuracy, "today's Keras: the output has several units and the labels match its shape");
        return new AccuracyResolution(metric, Compute(metric, predictions, targets), reason);
    }

    /// <summary>
    /// Resolves <c>"accuracy"</c> by the Keras 2.0-2.2 rule (<c>training.py</c>): <c>binary_accuracy</c> when the output
    /// has 1 unit <em>or the loss is binary cross-entropy</em> (whatever the number of classes — the classic trap that
    /// makes BCE "beat" CCE on 10 classes); otherwise <c>sparse_categorical_accuracy</c> when the loss is sparse
    /// categorical cross-entropy; otherwise <c>categorical_accuracy</c>.
    /// <para>The trap is reproduced on purpose, not fixed: notebooks use it to show why old Keras reported a higher
    /// "accuracy" for binary cross-entropy on several classes. For today's rule use <see cref="ResolveKeras"/>.</para>
    /// </summary>
    public static AccuracyResolution ResolveKeras2Legacy(Tensor predictions, Tensor targets, KerasLossKind loss)
    {
        CheckResolvable(predictions, targets);
        AccuracyMetric metric;
        string reason;
        if (predictions.shape[^1] == 1)
            (metric, reason) = (AccuracyMetric.BinaryAccuracy, "old Keras: the output has 1 unit");
        else if (loss == KerasLossKind.BinaryCrossentropy)
            (metric, reason) = (AccuracyMetric.BinaryAccuracy, "old Keras: the loss is binary cross-entropy, whatever the number of classes");
        else if (loss == KerasLossKind.SparseCategoricalCrossentropy)
            (metric, reason) = (AccuracyMetric.SparseCategoricalAccuracy, "old Keras: the loss is sparse categorical cross-entropy");
        else
            (metric, reason) = (AccuracyMetric.CategoricalAccuracy, "old Keras: any other loss with several output units");
        return new AccuracyResolution(metric, Compute(metric, predictions, targets), reason);
    }

    /// <summary>The Keras name of a metric.</summary>
    public static string KerasName(AccuracyMetric metric) => metric switch
    {
        AccuracyMetric.BinaryAccuracy => "binary_accuracy",
        AccuracyMetric.CategoricalAccuracy => "categorical_accuracy",
        AccuracyMetric.SparseCategoricalAccuracy => "sparse_categorical_accuracy",
        _ => metric.ToString(),
    };

    static void CheckClassLast(Tensor predictions, Tensor targets, string targetsName)
    {
        Checks.NotNull(predictions, nameof(predictions));
        Checks.NotNull(targets, targetsName);
        Checks.FloatingPoint(predictions, nameof(predictions));
        Checks.NotEmptyAndFinite(predictions, nameof(predictions));
        Checks.Finite(targets, targetsName);
        if (predictions.dim() < 2)
            throw new ArgumentException(
                $"'predictions' has shape {Checks.Shape(predictions)}, but class scores with the classes on the last axis are expected, e.g. (N, C): " +
                "for a single sigmoid output use Binary (binary_accuracy).", nameof(predictions));
    }

    static void CheckResolvable(Tensor predictions, Tensor targets)
    {
        Checks.NotNull(predictions, nameof(predictions));
        Checks.NotNull(targets, nameof(targets));
        if (predictions.dim() < 1)
            throw new ArgumentException("'predictions' is a scalar: pass one row of outputs per sample.", nameof(predictions));
        Checks.SameBatch(predictions, targets, nameof(predictions), nameof(targets));
    }
}
