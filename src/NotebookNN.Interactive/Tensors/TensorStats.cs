using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Interactive.Tensors;

/// <summary>Summary statistics of a tensor's finite values, and how many values are NaN or infinite.</summary>
/// <param name="Count">All elements.</param>
/// <param name="Min">Smallest finite value (NaN when there is none).</param>
/// <param name="Max">Largest finite value.</param>
/// <param name="Mean">Mean of the finite values.</param>
/// <param name="Std">Sample standard deviation (n - 1) of the finite values, as torch.std.</param>
/// <param name="NaNCount">Elements that are NaN.</param>
/// <param name="InfCount">Elements that are +inf or -inf.</param>
public sealed record TensorStats(long Count, double Min, double Max, double Mean, double Std, long NaNCount, long InfCount)
{
    /// <summary>
    /// Computes the statistics on the tensor's own device as scalar reductions; only the scalars reach the host.
    /// A tensor without NaN or infinity (the usual case, detected from its sum) needs no mask.
    /// </summary>
    public static TensorStats Of(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.numel() == 0)
            throw new ArgumentException("An empty tensor has no statistics.", nameof(tensor));
        if (torch.is_complex(tensor))
            throw new ArgumentException("Statistics of complex tensors are not supported; use x.abs() or x.real.", nameof(tensor));
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        Tensor x = tensor.detach();
        if (!torch.is_floating_point(x) || x.dtype is ScalarType.Float16 or ScalarType.BFloat16)
            x = x.to_type(x.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32);
        long count = x.numel();
        if (!torch.is_floating_point(tensor) || double.IsFinite(HostReads.Scalar(x.sum())))
            return Reduce(x, count, 0, 0);
        long nan = (long)HostReads.Scalar(x.isnan().sum());
        long inf = (long)HostReads.Scalar(x.isinf().sum());
        Tensor finite = x.masked_select(x.isfinite());
        if (finite.numel() == 0) return new(count, double.NaN, double.NaN, double.NaN, double.NaN, nan, inf);
        return Reduce(finite, count, nan, inf);
    }

    static TensorStats Reduce(Tensor x, long count, long nan, long inf) => new(
        count,
        HostReads.Scalar(x.min()),
        HostReads.Scalar(x.max()),
        HostReads.Scalar(x.mean()),
        x.numel() > 1 ? HostReads.Scalar(x.std()) : double.NaN,
        nan,
        inf);
}
