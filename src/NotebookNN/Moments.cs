using static TorchSharp.torch;

namespace NotebookNN;

/// <summary>
/// The library's one mean-and-variance computation: scikit-learn's <c>_incremental_mean_and_var</c> on a first
/// batch, the corrected two-pass algorithm of Chan, Golub and LeVeque (1983). With <c>d = x - mean</c> it returns
/// <c>(sum(d^2) - sum(d)^2 / n) / (n - ddof)</c>: the second term removes, to first order, the rounding error of the
/// mean, so values far from 0 compared with their spread (1e14 + a few units) keep their variance to the last bits
/// where the plain <c>mean(d^2)</c> loses several digits. A result below 0 from rounding is returned as 0.
/// </summary>
internal static class Moments
{
    /// <summary>The mean and the variance of <paramref name="x"/> along <paramref name="dim"/> (divided by n - ddof).</summary>
    public static (Tensor Mean, Tensor Variance) MeanAndVariance(Tensor x, long dim, long ddof = 0)
    {
        long n = x.shape[dim < 0 ? x.dim() + dim : dim];
        using var scope = NewDisposeScope();
        // scikit-learn divides the sum (not a running mean) by the count.
        var mean = x.sum(dim) / n;
        var deviations = x - mean.unsqueeze(dim);
        var correction = deviations.sum(dim);
        var unnormalised = deviations.square().sum(dim) - correction.square() / n;
        // Rounding can leave a constant column a hair below 0; a variance is never negative (a NaN std would follow).
        var variance = (unnormalised / (n - ddof)).clamp_min(0.0);
        return (scope.MoveToOuter(mean), scope.MoveToOuter(variance));
    }

    /// <summary>The same for a list of numbers, in double precision.</summary>
    public static (double Mean, double Variance) MeanAndVariance(IReadOnlyList<double> values, long ddof = 0)
    {
        using var scope = NewDisposeScope();
        var (mean, variance) = MeanAndVariance(tensor(values.ToArray(), ScalarType.Float64), 0, ddof);
        return (mean.item<double>(), variance.item<double>());
    }
}
