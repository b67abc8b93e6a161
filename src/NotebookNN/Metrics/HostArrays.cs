using static TorchSharp.torch;

namespace NotebookNN.Metrics;

/// <summary>
/// Copies of small tensors as .NET arrays. Curves, thresholds and per-class counts are sequential algorithms over
/// sorted values; running them on the CPU in double precision is both exact and the way scikit-learn does them.
/// </summary>
internal static class HostArrays
{
    public static double[] Doubles(Tensor t)
    {
        using var _ = NewDisposeScope();
        return t.detach().to_type(ScalarType.Float64).cpu().contiguous().flatten().data<double>().ToArray();
    }

    public static long[] Longs(Tensor t)
    {
        using var _ = NewDisposeScope();
        return t.detach().to_type(ScalarType.Int64).cpu().contiguous().flatten().data<long>().ToArray();
    }

    /// <summary>Integer labels from a tensor that may be integer or float with whole values; a fraction is an error.</summary>
    public static long[] WholeLabels(Tensor t, string name)
    {
        Checks.NotNull(t, name);
        if (!is_floating_point(t) && t.dtype != ScalarType.Bool) return Longs(t);
        var values = Doubles(t);
        var labels = new long[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (!double.IsFinite(v))
                throw new ArgumentException(
                    $"'{name}' must hold class labels, but it contains {Checks.Num(v)} (index {i}): labels are whole numbers; " +
                    "find where the NaN or infinity came from (a failed conversion, a division by 0) and pass the integer class indices.",
                    name);
            if (v != Math.Floor(v))
                throw new ArgumentException(
                    $"'{name}' must hold class labels, but it contains {Checks.Num(v)} (index {i}): these look like scores " +
                    $"or probabilities; turn them into labels first ((scores > 0.5) for sigmoid outputs, argmax(-1) for softmax outputs).",
                    name);
            labels[i] = (long)v;
        }
        return labels;
    }
}
