using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Validation;

/// <summary>
/// The shared part of the feature scalers: inputs are (N, F) with features on the last axis, or (N) for a single
/// feature (a regression target); statistics are computed in double precision and results keep the input's dtype and
/// device. Fit on the training data only, then transform training, validation and test data with the same statistics.
/// </summary>
public abstract class FeatureScaler
{
    double[]? _scale;
    double[]? _offset;

    /// <summary>Whether <see cref="Fit"/> has run.</summary>
    public bool IsFitted => _scale is not null;

    /// <summary>The number of features seen by <see cref="Fit"/>.</summary>
    public int Features => Fitted().Scale.Length;

    /// <summary>Learns the statistics of <paramref name="x"/> (rows are samples) and returns this scaler.</summary>
    public FeatureScaler Fit(Tensor x)
    {
        var columns = Columns(x, nameof(x));
        if (columns.shape[0] == 0)
            throw new ArgumentException("'x' has no rows: fit on at least one sample.", nameof(x));
        Checks.Finite(columns, nameof(x));
        using var _ = NewDisposeScope();
        var data = columns.detach().to_type(ScalarType.Float64).cpu();
        var (scale, offset) = Learn(data);
        _scale = scale;
        _offset = offset;
        return this;
    }

    /// <summary>Applies the learned map <c>x * scale + offset</c> feature by feature.</summary>
    public Tensor Transform(Tensor x)
    {
        var (scale, offset) = Fitted();
        var columns = Columns(x, nameof(x));
        CheckFeatures(columns, scale.Length, nameof(x));
        using var scope = NewDisposeScope();
        var (s, o) = Coefficients(scale, offset, x);
        var result = (columns.to_type(ScalarType.Float64) * s + o).to_type(x.dtype);
        return (x.dim() == 1 ? result.reshape(x.shape) : result).MoveToOuterDisposeScope();
    }

    /// <summary>Undoes <see cref="Transform"/>: <c>(z - offset) / scale</c>, giving values in the original units.</summary>
    public Tensor InverseTransform(Tensor z)
    {
        var (scale, offset) = Fitted();
        var columns = Columns(z, nameof(z));
        CheckFeatures(columns, scale.Length, nameof(z));
        using var scope = NewDisposeScope();
        var (s, o) = Coefficients(scale, offset, z);
        var result = ((columns.to_type(ScalarType.Float64) - o) / s).to_type(z.dtype);
        return (z.dim() == 1 ? result.reshape(z.shape) : result).MoveToOuterDisposeScope();
    }

    /// <summary>Fits on <paramref name="x"/> and transforms it.</summary>
    public Tensor FitTransform(Tensor x) => Fit(x).Transform(x);

    /// <summary>Learns per-feature <c>(scale, offset)</c> so that <c>transform(x) = x * scale + offset</c>.</summary>
    protected abstract (double[] Scale, double[] Offset) Learn(Tensor data);

    /// <summary>The learned multipliers (for derived statistics in subclasses).</summary>
    protected (double[] Scale, double[] Offset) Fitted() =>
        _scale is null || _offset is null
            ? throw new InvalidOperationException($"This {GetType().Name} is not fitted yet: call Fit on the training data first.")
            : (_scale, _offset);

    static Tensor Columns(Tensor x, string name)
    {
        Checks.NotNull(x, name);
        Checks.FloatingPoint(x, name);
        return x.dim() switch
        {
            1 => x.unsqueeze(1),
            2 => x,
            _ => throw new ArgumentException(
                $"'{name}' has shape {Checks.Shape(x)}: scalers take (N, F) features or (N) values; flatten images to (N, pixels) first.", name),
        };
    }

    static void CheckFeatures(Tensor columns, int expected, string name)
    {
        if (columns.shape[1] != expected)
            throw new ArgumentException(
                $"'{name}' has {columns.shape[1]} feature(s) (shape {Checks.Shape(columns)}) but the scaler was fitted on {expected}: " +
                "transform data with the same columns as the training data.", name);
    }

    static (Tensor Scale, Tensor Offset) Coefficients(double[] scale, double[] offset, Tensor like) =>
        (tensor(scale, ScalarType.Float64).to(like.device), tensor(offset, ScalarType.Float64).to(like.device));
}

/// <summary>
/// scikit-learn's <c>StandardScaler</c>: <c>z = (x - mean) / std</c> per feature, with the <em>population</em> standard
/// deviation (ddof = 0) and a scale of 1 for constant features. The variance is scikit-learn's corrected two-pass
/// formula, so a column whose mean is large against its spread (prices around 1e14 moving by cents) keeps its
/// variance to the last bits. <see cref="FeatureScaler.InverseTransform"/> gives
/// back original units; for a scaled regression target, an error of size <c>e</c> in scaled units is
/// <c>e * Scale</c> in original units (so RMSE scales by <c>Scale</c>, MSE by <c>Scale^2</c>, and neither is shifted
/// by the mean).
/// </summary>
public sealed class StandardScaler : FeatureScaler
{
    /// <summary>Creates the scaler.</summary>
    /// <param name="withMean">Subtract the mean (scikit-learn's <c>with_mean</c>).</param>
    /// <param name="withStd">Divide by the standard deviation (scikit-learn's <c>with_std</c>).</param>
    public StandardScaler(bool withMean = true, bool withStd = true)
    {
        WithMean = withMean;
        WithStd = withStd;
    }

    /// <summary>Whether the mean is subtracted.</summary>
    public bool WithMean { get; }

    /// <summary>Whether the data are divided by the standard deviation.</summary>
    public bool WithStd { get; }

    /// <summary>The per-feature mean (<c>mean_</c>).</summary>
    public IReadOnlyList<double> Mean { get; private set; } = [];

    /// <summary>The per-feature population variance (<c>var_</c>).</summary>
    public IReadOnlyList<double> Variance { get; private set; } = [];

    /// <summary>The per-feature divisor (<c>scale_</c>): the population std, or 1 for a constant feature or without <see cref="WithStd"/>.</summary>
    public IReadOnlyList<double> Scale { get; private set; } = [];

    /// <inheritdoc />
    protected override (double[] Scale, double[] Offset) Learn(Tensor data)
    {
        var (mean, variance) = Moments.MeanAndVariance(data, 0);
        Mean = Metrics.HostArrays.Doubles(mean);
        Variance = Metrics.HostArrays.Doubles(variance);
        long n = data.shape[0];
        Scale = Variance.Select((v, i) => WithStd && !IsConstant(v, Mean[i], n) ? Math.Sqrt(v) : 1.0).ToArray();
        var multiplier = Scale.Select(s => 1.0 / s).ToArray();
        var offset = Mean.Select((m, i) => WithMean ? -m * multiplier[i] : 0.0).ToArray();
        return (multiplier, offset);
    }

    // scikit-learn 1.2's _is_constant_feature: a variance within the rounding error of its computation counts as 0,
    // and such a feature keeps scale 1 instead of being divided by (almost) 0.
    static bool IsConstant(double variance, double mean, long n)
    {
        double eps = Math.BitIncrement(1.0) - 1.0;
        double bound = n * eps * variance + Math.Pow(n * mean * eps, 2);
        return variance <= bound;
    }
}

/// <summary>
/// scikit-learn's <c>MinMaxScaler</c>: maps each feature's training range [min, max] linearly onto
/// [<see cref="Low"/>, <see cref="High"/>] (default [0, 1]); a constant feature maps to <see cref="Low"/>.
/// New data outside the training range map outside the target range (no clipping, as scikit-learn's default).
/// </summary>
public sealed class MinMaxScaler : FeatureScaler
{
    /// <summary>Creates the scaler for the target range [<paramref name="low"/>, <paramref name="high"/>].</summary>
    public MinMaxScaler(double low = 0.0, double high = 1.0)
    {
        if (!(low < high) || double.IsInfinity(low) || double.IsInfinity(high))
            throw new ArgumentException($"The target range must satisfy low < high with finite ends, but it is [{Checks.Num(low)}, {Checks.Num(high)}].", nameof(high));
        Low = low;
        High = high;
    }

    /// <summary>The lower end of the target range.</summary>
    public double Low { get; }

    /// <summary>The upper end of the target range.</summary>
    public double High { get; }

    /// <summary>The per-feature training minimum (<c>data_min_</c>).</summary>
    public IReadOnlyList<double> DataMin { get; private set; } = [];

    /// <summary>The per-feature training maximum (<c>data_max_</c>).</summary>
    public IReadOnlyList<double> DataMax { get; private set; } = [];

    /// <summary>The per-feature multiplier (<c>scale_</c>).</summary>
    public IReadOnlyList<double> Scale { get; private set; } = [];

    /// <summary>The per-feature offset added after scaling (<c>min_</c>).</summary>
    public IReadOnlyList<double> Offset { get; private set; } = [];

    /// <inheritdoc />
    protected override (double[] Scale, double[] Offset) Learn(Tensor data)
    {
        DataMin = Metrics.HostArrays.Doubles(data.amin([0L]));
        DataMax = Metrics.HostArrays.Doubles(data.amax([0L]));
        var scale = DataMin.Select((lo, i) =>
        {
            double range = DataMax[i] - lo;
            // scikit-learn's _handle_zeros_in_scale: a constant feature gets range 1.
            if (range < 10 * (Math.BitIncrement(1.0) - 1.0)) range = 1.0;
            return (High - Low) / range;
        }).ToArray();
        var offset = DataMin.Select((lo, i) => Low - lo * scale[i]).ToArray();
        Scale = scale;
        Offset = offset;
        return (scale, offset);
    }
}
