using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Gradients;

/// <summary>
/// Derivatives of a model's output with respect to its input: the per-sample input gradient of a scalar output, the
/// Jacobian of a vector output, and a central-difference numerical gradient to check hand-written cells against.
/// </summary>
public static class InputGradients
{
    /// <summary>
    /// d f(x)_i / d x_i for every sample i, where <paramref name="f"/> gives one value per sample (<c>[N]</c> or
    /// <c>[N, 1]</c>); the result has <paramref name="x"/>'s shape. The per-sample outputs are summed before the
    /// backward pass, which is exact as long as sample i's output depends only on sample i (no batch statistics:
    /// run models in evaluation mode).
    /// </summary>
    public static Tensor OfScalarOutput(Func<Tensor, Tensor> f, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(f);
        Checks.NotEmpty(Checks.NotNull(x, nameof(x)), nameof(x));
        Checks.FloatingPoint(x, nameof(x));
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var input = x.detach().clone().requires_grad_(true);
        var y = f(input);
        long n = x.dim() == 0 ? 1 : x.shape[0];
        if (y.numel() != n)
            throw new ArgumentException(
                $"The function must give one value per sample ({n}), but its output has shape {Checks.Shape(y)}: " +
                "select one output column, or use Jacobian for vector outputs.", nameof(f));
        var g = autograd.grad([y.sum()], [input])[0];
        return scope.MoveToOuter(g.detach());
    }

    /// <summary>The input gradient of a model with one output per sample, evaluated in evaluation mode.</summary>
    public static Tensor OfScalarOutput(nn.Module<Tensor, Tensor> model, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var modes = Models.ModeScope.Save(model);
        model.eval();
        return OfScalarOutput(model.call, x);
    }

    /// <summary>
    /// The Jacobian of <paramref name="f"/> at the single input <paramref name="x"/> (no batch axis): shape
    /// <c>f(x).shape ++ x.shape</c>, entry [j..., k...] = d f(x)[j...] / d x[k...]. One backward pass per output element.
    /// </summary>
    public static Tensor Jacobian(Func<Tensor, Tensor> f, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(f);
        Checks.NotEmpty(Checks.NotNull(x, nameof(x)), nameof(x));
        Checks.FloatingPoint(x, nameof(x));
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var input = x.detach().clone().requires_grad_(true);
        var y = f(input);
        var flat = y.reshape(-1);
        long m = flat.shape[0];
        var rows = new Tensor[m];
        for (long j = 0; j < m; j++)
        {
            var g = autograd.grad([flat[j]], [input], retain_graph: j < m - 1, allow_unused: true)[0];
            rows[j] = g is null || g.IsInvalid ? zeros_like(input) : g.detach();
        }
        var shape = y.shape.Concat(x.shape).ToArray();
        return scope.MoveToOuter(stack(rows).reshape(shape));
    }

    /// <summary>
    /// Per-sample Jacobians for a batch: <paramref name="f"/> maps <c>[N, ...in]</c> to <c>[N, ...out]</c>; the result is
    /// <c>[N, ...out, ...in]</c>. Exact under the same condition as <see cref="OfScalarOutput(Func{Tensor, Tensor}, Tensor)"/>
    /// (sample i's output depends only on sample i); one backward pass per output element of a sample.
    /// </summary>
    public static Tensor BatchJacobian(Func<Tensor, Tensor> f, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(f);
        Checks.NotEmpty(Checks.NotNull(x, nameof(x)), nameof(x));
        Checks.FloatingPoint(x, nameof(x));
        if (x.dim() < 1) throw new ArgumentException("'x' needs a batch axis; use Jacobian for a single input.", nameof(x));
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var input = x.detach().clone().requires_grad_(true);
        var y = f(input);
        long n = x.shape[0];
        if (y.dim() < 1 || y.shape[0] != n)
            throw new ArgumentException(
                $"The output must keep the batch axis ({n} samples first), but has shape {Checks.Shape(y)}.", nameof(f));
        var perSample = y.reshape(n, -1);
        long m = perSample.shape[1];
        var columns = new Tensor[m];
        for (long j = 0; j < m; j++)
        {
            var g = autograd.grad([perSample.select(1, j).sum()], [input], retain_graph: j < m - 1, allow_unused: true)[0];
            columns[j] = g is null || g.IsInvalid ? zeros_like(input) : g.detach();
        }
        var shape = y.shape.Concat(x.shape.Skip(1)).ToArray();
        return scope.MoveToOuter(stack(columns, 1).reshape(shape));
    }

    /// <summary>
    /// The central-difference gradient (f(x + h) - f(x - h)) / 2h of a scalar function, one input element at a time,
    /// for checking analytic gradients. Use float64 inputs: in float32 the rounding error swamps the difference.
    /// </summary>
    public static Tensor Numerical(Func<Tensor, Tensor> scalarFunction, Tensor x, double step = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(scalarFunction);
        Checks.NotEmpty(Checks.NotNull(x, nameof(x)), nameof(x));
        Checks.FloatingPoint(x, nameof(x));
        Checks.Positive(step, nameof(step));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var point = x.detach().clone();
        var flat = point.view(-1);
        var result = zeros_like(flat);
        for (long k = 0; k < flat.shape[0]; k++)
        {
            using var inner = NewDisposeScope();
            double original = flat[k].item<double>();
            flat[k] = original + step;
            double up = ScalarOf(scalarFunction(point));
            flat[k] = original - step;
            double down = ScalarOf(scalarFunction(point));
            flat[k] = original;
            result[k] = (up - down) / (2 * step);
        }
        return scope.MoveToOuter(result.view(x.shape));
    }

    static double ScalarOf(Tensor value)
    {
        if (value.numel() != 1)
            throw new ArgumentException($"The function must return a scalar, but returned shape {Checks.Shape(value)}.");
        return value.to_type(ScalarType.Float64).item<double>();
    }
}
