using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Gradients;

/// <summary>How far one parameter's autograd gradient is from its central-difference estimate.</summary>
/// <param name="Parameter">The parameter's name in the module.</param>
/// <param name="MaxAbsoluteError">max |analytic - numerical| over the parameter's elements.</param>
/// <param name="MaxRelativeError">max |analytic - numerical| / max(|analytic| + |numerical|, 1e-12) over the elements.</param>
public sealed record GradientCheckResult(string Parameter, double MaxAbsoluteError, double MaxRelativeError)
{
    /// <summary>Whether every element agrees within <paramref name="absolute"/> or <paramref name="relative"/>.</summary>
    public bool Passes(double absolute = 1e-6, double relative = 1e-5) => MaxAbsoluteError <= absolute || MaxRelativeError <= relative;
}

/// <summary>
/// Numerical gradient checking for hand-written modules (such as <see cref="Models.TimeAwareLstmCell"/>): every
/// parameter's autograd gradient of a scalar loss is compared with central differences. Run it in float64
/// (<c>module.to(torch.float64)</c> and float64 inputs); float32 rounding swamps the differences.
/// </summary>
public static class GradientCheck
{
    /// <summary>Checks every parameter of <paramref name="module"/> (or those named in <paramref name="only"/>).</summary>
    /// <param name="module">The module whose parameters <paramref name="loss"/> depends on.</param>
    /// <param name="loss">Computes a scalar loss from the module's current parameters (deterministic: no dropout).</param>
    /// <param name="step">The finite-difference step.</param>
    /// <param name="only">Parameter names to check; all when null.</param>
    public static IReadOnlyList<GradientCheckResult> Parameters(nn.Module module, Func<Tensor> loss, double step = 1e-6,
        IReadOnlyCollection<string>? only = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(loss);
        Checks.Positive(step, nameof(step));
        var parameters = module.named_parameters().Where(p => only is null || only.Contains(p.name)).ToList();
        if (parameters.Count == 0)
            throw new ArgumentException(
                only is null ? "The module has no parameters to check."
                    : $"None of the names {string.Join(", ", only)} is a parameter. Parameters: {string.Join(", ", module.named_parameters().Select(p => p.name))}.",
                nameof(only));
        var results = new List<GradientCheckResult>();
        foreach (var (name, parameter) in parameters)
        {
            using var scope = NewDisposeScope();
            if (parameter.dtype != ScalarType.Float64)
                throw new ArgumentException(
                    $"Parameter '{name}' is {parameter.dtype}; gradient checks need float64: call module.to(torch.float64) and use float64 inputs.",
                    nameof(module));
            var analytic = Analytic(module, parameter, loss);
            var original = parameter.detach().clone();
            var numerical = InputGradients.Numerical(p =>
            {
                using (no_grad()) parameter.copy_(p);
                return loss();
            }, original, step);
            using (no_grad()) parameter.copy_(original);
            var difference = (analytic - numerical).abs();
            var scale = (analytic.abs() + numerical.abs()).clamp_min(1e-12);
            results.Add(new GradientCheckResult(name, difference.max().item<double>(), (difference / scale).max().item<double>()));
        }
        return results;
    }

    static Tensor Analytic(nn.Module module, Tensor parameter, Func<Tensor> loss)
    {
        using var grad = enable_grad();
        var value = loss();
        if (value.numel() != 1)
            throw new ArgumentException($"The loss must be a scalar, but has shape {Checks.Shape(value)}.", nameof(loss));
        var g = autograd.grad([value], [parameter], allow_unused: true)[0];
        return g is null || g.IsInvalid ? zeros_like(parameter) : g.detach();
    }
}
