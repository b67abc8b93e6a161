using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN;

/// <summary>
/// The library's one place for argument validation. Every check throws an <see cref="ArgumentException"/>
/// (or <see cref="ArgumentOutOfRangeException"/>) whose message names the mistake and says how to fix it, so a
/// notebook user sees "these look like logits; apply sigmoid first" instead of a NaN three cells later.
/// Checks that read tensor values move a scalar summary to the CPU; they never copy the whole tensor.
/// <para><b>The rule for empty and non-finite input</b>: every loss, metric, calibration and uncertainty entry point
/// rejects an empty input (<see cref="NotEmpty(Tensor, string)"/>) and NaN or infinite scores, logits, probabilities
/// or targets (<see cref="Finite(Tensor, string)"/>, or <see cref="NotEmptyAndFinite"/> for both) with an
/// <see cref="ArgumentException"/> whose <see cref="ArgumentException.ParamName"/> is the argument, and whose message
/// says what was wrong and what to pass. None of them returns NaN for bad input. (Values at positions a mask excludes
/// are not read, so the masked losses still ignore whatever padding holds.)</para>
/// </summary>
public static class Checks
{
    static readonly AsyncLocal<bool> ValueChecksOff = new();

    /// <summary>
    /// Whether checks that read tensor <em>values</em> (probability ranges, finiteness, label ranges, 0/1 targets, row
    /// sums) run. Shape, dtype and argument checks always run. True unless inside <see cref="WithoutValueChecks"/>.
    /// </summary>
    public static bool ValueChecksEnabled => !ValueChecksOff.Value;

    /// <summary>
    /// Turns off the value-reading checks on this logical thread until the returned scope is disposed. Each such check
    /// copies a scalar from the device, which on a GPU waits for the queued work; a training loop that has validated its
    /// first batch can skip them for the rest. Outside the scope everything is checked again.
    /// </summary>
    public static IDisposable WithoutValueChecks()
    {
        bool previous = ValueChecksOff.Value;
        ValueChecksOff.Value = true;
        return new Restore(() => ValueChecksOff.Value = previous);
    }

    sealed class Restore(Action restore) : IDisposable
    {
        bool _done;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            restore();
        }
    }

    /// <summary>Throws when <paramref name="tensor"/> is null.</summary>
    public static Tensor NotNull(Tensor? tensor, string name)
    {
        if (tensor is null)
            throw new ArgumentNullException(name, $"'{name}' is null: pass a tensor.");
        return tensor;
    }

    /// <summary>Throws when the tensor has no elements: an empty batch has no loss, metric or threshold.</summary>
    public static void NotEmpty(Tensor tensor, string name)
    {
        NotNull(tensor, name);
        if (tensor.numel() == 0)
            throw new ArgumentException(
                $"'{name}' is empty (shape {Shape(tensor)}): pass at least one sample.", name);
    }

    /// <summary>
    /// The rule for values every loss, metric, calibration and uncertainty function computes with: throws when the tensor
    /// is empty or (for a floating-point tensor, while value checks are on) holds NaN or infinite values.
    /// </summary>
    public static Tensor NotEmptyAndFinite(Tensor? tensor, string name)
    {
        var t = NotNull(tensor, name);
        NotEmpty(t, name);
        Finite(t, name);
        return t;
    }

    /// <summary>Throws when a list of numbers holds NaN or infinite values, naming the first and where it is.</summary>
    public static void Finite(IReadOnlyList<double> values, string name)
    {
        if (values is null) throw new ArgumentNullException(name, $"'{name}' is null: pass a list of numbers.");
        for (int i = 0; i < values.Count; i++)
            if (!double.IsFinite(values[i]))
                throw new ArgumentException(
                    $"'{name}' contains {Num(values[i])} at index {i}: only finite numbers can be used here; " +
                    "find where the NaN or infinity came from (a 0/0, a log of 0, a failed run) and fix it there.",
                    name);
    }

    /// <summary>Throws when the tensor is not of a floating-point type (scores, logits and probabilities must be).</summary>
    public static void FloatingPoint(Tensor tensor, string name)
    {
        NotNull(tensor, name);
        if (!torch.is_floating_point(tensor))
            throw new ArgumentException(
                $"'{name}' has dtype {tensor.dtype}, but floating-point scores are expected: " +
                $"convert with {name}.to(torch.float32) (or float64), or check that labels and predictions are not swapped.",
                name);
    }

    /// <summary>Throws when the tensor holds NaN or infinite values.</summary>
    public static void Finite(Tensor tensor, string name)
    {
        NotNull(tensor, name);
        if (!ValueChecksEnabled || !torch.is_floating_point(tensor) || tensor.numel() == 0) return;
        using var _ = NewDisposeScope();
        if (!torch.isfinite(tensor).all().item<bool>())
            ThrowNotFinite(tensor, name);
    }

    static void ThrowNotFinite(Tensor tensor, string name)
    {
        using var _ = NewDisposeScope();
        long nan = torch.isnan(tensor).sum().item<long>();
        long inf = torch.isinf(tensor).sum().item<long>();
        throw new ArgumentException(
            $"'{name}' contains {nan} NaN and {inf} infinite value(s): the model or the data produced them " +
            "(a log of 0, a division by 0, a diverged training run); fix the source before computing this.",
            name);
    }

    /// <summary>
    /// Throws when the tensor holds values outside [0, 1]. Such values are almost always logits (raw scores)
    /// passed where probabilities are expected; the message says which function takes logits instead.
    /// </summary>
    /// <param name="tensor">The values that must be probabilities.</param>
    /// <param name="name">The argument name shown in the message.</param>
    /// <param name="logitsAlternative">The function to call with logits instead, named in the message when given.</param>
    public static void Probabilities(Tensor tensor, string name, string? logitsAlternative = null)
    {
        FloatingPoint(tensor, name);
        if (!ValueChecksEnabled || tensor.numel() == 0) return;
        var (min, max) = MinMax(tensor);
        if (!double.IsFinite(min) || !double.IsFinite(max)) ThrowNotFinite(tensor, name);
        if (min < 0.0 || max > 1.0)
        {
            string fix = logitsAlternative is null
                ? "apply torch.sigmoid (one output per label) or torch.softmax (one output per class) first"
                : $"pass the logits to {logitsAlternative} instead, or apply torch.sigmoid / torch.softmax first";
            throw new ArgumentException(
                $"'{name}' must hold probabilities in [0, 1], but its values run from {Num(min)} to {Num(max)}: " +
                $"this looks like logits (raw scores); {fix}.",
                name);
        }
    }

    /// <summary>
    /// Throws when the rows (last axis) of a probability tensor do not each sum to 1 within <paramref name="tolerance"/>:
    /// independent sigmoid outputs or unnormalised scores are not a distribution over classes.
    /// </summary>
    public static void RowsSumToOne(Tensor probabilities, string name, double tolerance = 1e-4)
    {
        Probabilities(probabilities, name);
        if (!ValueChecksEnabled || probabilities.numel() == 0) return;
        using var _ = NewDisposeScope();
        var sums = probabilities.to_type(ScalarType.Float64).sum(-1);
        double worst = (sums - 1.0).abs().max().item<double>();
        if (worst > tolerance)
        {
            long row = (sums - 1.0).abs().argmax().item<long>();
            double s = sums.flatten()[row].item<double>();
            throw new ArgumentException(
                $"'{name}' should hold one probability distribution per row (rows summing to 1), but row {row} sums to {Num(s)}: " +
                "these look like independent sigmoid outputs (multi-label) or unnormalised scores; apply torch.softmax over the " +
                "class axis, or use the multi-label/binary form of this function.",
                name);
        }
    }

    /// <summary>Throws when the two tensors do not have the same shape, naming both shapes.</summary>
    public static void SameShape(Tensor a, Tensor b, string nameA, string nameB)
    {
        NotNull(a, nameA);
        NotNull(b, nameB);
        if (!a.shape.SequenceEqual(b.shape))
            throw new ArgumentException(
                $"'{nameA}' has shape {Shape(a)} but '{nameB}' has shape {Shape(b)}: they must have the same shape. " +
                ShapeHint(a.shape, b.shape, nameA, nameB),
                nameB);
    }

    /// <summary>Throws when the first dimension (the batch) of two tensors differs.</summary>
    public static void SameBatch(Tensor a, Tensor b, string nameA, string nameB)
    {
        NotNull(a, nameA);
        NotNull(b, nameB);
        long na = a.dim() == 0 ? 1 : a.shape[0];
        long nb = b.dim() == 0 ? 1 : b.shape[0];
        if (na != nb)
            throw new ArgumentException(
                $"'{nameA}' has {na} sample(s) (shape {Shape(a)}) but '{nameB}' has {nb} (shape {Shape(b)}): " +
                "pass predictions and labels for the same samples, in the same order.",
                nameB);
    }

    /// <summary>Throws when the tensor does not have exactly <paramref name="rank"/> dimensions.</summary>
    public static void Rank(Tensor tensor, int rank, string name, string expectedLayout)
    {
        NotNull(tensor, name);
        if (tensor.dim() != rank)
            throw new ArgumentException(
                $"'{name}' must have {rank} dimension(s) {expectedLayout}, but it has shape {Shape(tensor)}.",
                name);
    }

    /// <summary>Throws when the tensor does not have a rank between <paramref name="min"/> and <paramref name="max"/>.</summary>
    public static void RankBetween(Tensor tensor, int min, int max, string name, string expectedLayout)
    {
        NotNull(tensor, name);
        if (tensor.dim() < min || tensor.dim() > max)
            throw new ArgumentException(
                $"'{name}' must have {min} to {max} dimension(s) {expectedLayout}, but it has shape {Shape(tensor)}.",
                name);
    }

    /// <summary>Throws when the tensor is not of an integer type (class labels must be).</summary>
    public static void IntegerLabels(Tensor labels, string name)
    {
        NotNull(labels, name);
        if (torch.is_floating_point(labels) || labels.dtype == ScalarType.Bool || torch.is_complex(labels))
            throw new ArgumentException(
                $"'{name}' must hold integer class indices, but it has dtype {labels.dtype}: " +
                $"convert with {name}.to(torch.int64); if it is one-hot, use the categorical (not sparse) form or take argmax(-1).",
                name);
    }

    /// <summary>
    /// Throws when an integer label lies outside [0, <paramref name="numClasses"/>), naming the bad label, where it is,
    /// and the valid range.
    /// </summary>
    public static void LabelsInRange(Tensor labels, long numClasses, string name = "labels")
    {
        IntegerLabels(labels, name);
        if (numClasses < 1)
            throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "The number of classes must be at least 1.");
        if (!ValueChecksEnabled || labels.numel() == 0) return;
        using var _ = NewDisposeScope();
        var flat = labels.flatten();
        var bad = (flat < 0).logical_or(flat >= numClasses);
        if (bad.any().item<bool>())
        {
            long at = bad.to_type(ScalarType.Int64).argmax().item<long>();
            long value = flat[at].item<long>();
            long count = bad.sum().item<long>();
            throw new ArgumentException(
                $"'{name}' contains label {value} (at flat index {at}; {count} bad label(s) in all), but the model has " +
                $"{numClasses} class(es), so labels must lie in 0..{numClasses - 1}. " +
                "Re-encode the labels to 0-based class indices (e.g. subtract 1 from 1-based labels), " +
                "or give the output layer one unit per class.",
                name);
        }
    }

    /// <summary>Throws when a target tensor holds values other than exactly 0 and 1.</summary>
    public static void BinaryTargets(Tensor targets, string name)
    {
        NotNull(targets, name);
        if (!ValueChecksEnabled || targets.numel() == 0) return;
        using var _ = NewDisposeScope();
        var t = targets.to_type(ScalarType.Float64);
        var bad = (t != 0.0).logical_and(t != 1.0);
        if (bad.any().item<bool>())
        {
            long at = bad.flatten().to_type(ScalarType.Int64).argmax().item<long>();
            double value = t.flatten()[at].item<double>();
            throw new ArgumentException(
                $"'{name}' must hold 0/1 labels, but it contains {Num(value)} (at flat index {at}): " +
                "threshold or re-encode the labels (class 1 = 1, every other class = 0); for several classes use the " +
                "categorical or sparse form.",
                name);
        }
    }

    /// <summary>Throws when a target tensor holds values outside [0, 1] (soft targets are allowed, negatives are not).</summary>
    public static void TargetsInUnitInterval(Tensor targets, string name)
    {
        NotNull(targets, name);
        if (!ValueChecksEnabled || targets.numel() == 0) return;
        var (min, max) = MinMax(targets);
        if (!double.IsFinite(min) || !double.IsFinite(max)) ThrowNotFinite(targets, name);
        if (min < 0.0 || max > 1.0)
            throw new ArgumentException(
                $"'{name}' must hold targets in [0, 1] (0/1 labels or soft labels), but its values run from {Num(min)} to {Num(max)}: " +
                "re-encode the labels as 0/1; for several classes use sparse labels with the categorical forms.",
                name);
    }

    /// <summary>
    /// Throws when a softmax is taken over a single unit: softmax of one value is always exactly 1, so the output is
    /// constant and its gradient is exactly 0 — the model cannot learn.
    /// </summary>
    /// <param name="units">The size of the axis the softmax (or softmax-based cross-entropy) runs over.</param>
    /// <param name="where">What is being built or computed, named in the message.</param>
    public static void NotSingleUnitSoftmax(long units, string where)
    {
        if (units == 1)
            throw new ArgumentException(
                $"{where}: a softmax over one unit is always 1 (its gradient is exactly 0), so the model cannot learn. " +
                "Use sigmoid with 1 unit and binary cross-entropy, or softmax with 2 units and categorical cross-entropy.");
    }

    /// <summary>The tensor overload: throws when the class axis (the last, or <paramref name="classAxis"/>) has size 1.</summary>
    public static void NotSingleUnitSoftmax(Tensor scores, string name, int classAxis = -1)
    {
        NotNull(scores, name);
        if (scores.dim() == 0) return;
        long axis = classAxis < 0 ? scores.dim() + classAxis : classAxis;
        if (axis >= 0 && axis < scores.dim())
            NotSingleUnitSoftmax(scores.shape[axis], $"'{name}' (shape {Shape(scores)})");
    }

    /// <summary>Throws when <paramref name="value"/> is not a finite number strictly greater than 0.</summary>
    public static double Positive(double value, string name)
    {
        if (!(value > 0.0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, value, $"'{name}' must be a finite number greater than 0, but it is {Num(value)}.");
        return value;
    }

    /// <summary>Throws when <paramref name="value"/> is not a finite number of at least 0.</summary>
    public static double NonNegative(double value, string name)
    {
        if (!(value >= 0.0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, value, $"'{name}' must be a finite number of at least 0, but it is {Num(value)}.");
        return value;
    }

    /// <summary>Throws when the integer is smaller than <paramref name="min"/>.</summary>
    public static int AtLeast(int value, int min, string name)
    {
        if (value < min)
            throw new ArgumentOutOfRangeException(name, value, $"'{name}' must be at least {min}, but it is {value}.");
        return value;
    }

    /// <summary>Throws when the collection is null or empty.</summary>
    /// <param name="items">The collection.</param>
    /// <param name="name">The argument name shown in the message.</param>
    /// <param name="what">What one element is, for the message ("pass at least one {what}").</param>
    public static IReadOnlyList<T> NotEmpty<T>(IReadOnlyList<T>? items, string name, string what = "item")
    {
        if (items is null)
            throw new ArgumentNullException(name, $"'{name}' is null: pass at least one {what}.");
        if (items.Count == 0)
            throw new ArgumentException($"'{name}' is empty: pass at least one {what}.", name);
        return items;
    }

    /// <summary>A shape written as in PyTorch messages, e.g. <c>[32, 10]</c>.</summary>
    public static string Shape(Tensor tensor) => Shape(tensor.shape);

    /// <summary>A shape written as in PyTorch messages, e.g. <c>[32, 10]</c>.</summary>
    public static string Shape(ReadOnlySpan<long> shape)
    {
        var parts = new string[shape.Length];
        for (int i = 0; i < shape.Length; i++) parts[i] = shape[i].ToString(CultureInfo.InvariantCulture);
        return "[" + string.Join(", ", parts) + "]";
    }

    /// <summary>A number formatted for messages: invariant culture, round-trippable, short when it can be.</summary>
    public static string Num(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    // One device-to-host copy for both ends of the range; NaN propagates into min and max, so it also flags non-finite values.
    static (double Min, double Max) MinMax(Tensor tensor)
    {
        using var _ = NewDisposeScope();
        var t = tensor.detach();
        var both = torch.stack([t.min(), t.max()]).to_type(ScalarType.Float64).cpu();
        var values = both.data<double>();
        return (values[0], values[1]);
    }

    // The common shape mistakes have a one-line fix; name it when the shapes show which one was made.
    static string ShapeHint(long[] a, long[] b, string nameA, string nameB)
    {
        if (a.Length == b.Length + 1 && a[^1] == 1 && a.Take(b.Length).SequenceEqual(b))
            return $"'{nameA}' has a trailing axis of size 1: squeeze it ({nameA}.squeeze(-1)) or reshape '{nameB}' with unsqueeze(-1).";
        if (b.Length == a.Length + 1 && b[^1] == 1 && b.Take(a.Length).SequenceEqual(a))
            return $"'{nameB}' has a trailing axis of size 1: squeeze it ({nameB}.squeeze(-1)) or reshape '{nameA}' with unsqueeze(-1).";
        if (a.Length == b.Length + 1 && a.Take(b.Length).SequenceEqual(b))
            return $"'{nameB}' looks like integer class labels for the scores in '{nameA}': use the sparse form, or one-hot encode '{nameB}'.";
        if (b.Length == a.Length + 1 && b.Take(a.Length).SequenceEqual(a))
            return $"'{nameA}' looks like integer class labels for the scores in '{nameB}': use the sparse form, or one-hot encode '{nameA}'.";
        if (a.Length == 3 && b.Length == 2 && a[0] == b[0] && a[2] == b[1])
            return $"'{nameA}' has a time axis that '{nameB}' lacks: a recurrent layer returning sequences (B, T, C) was paired with per-sequence labels (B, C); return only the last step or give labels per step.";
        if (b.Length == 3 && a.Length == 2 && a[0] == b[0] && a[1] == b[2])
            return $"'{nameB}' has a time axis that '{nameA}' lacks: a recurrent layer returning sequences (B, T, C) was paired with per-sequence outputs (B, C); return sequences or give labels per sequence.";
        return "Reshape one of them, or check that predictions and labels are for the same samples and outputs.";
    }
}
