using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Calibration;

/// <summary>
/// Minimises a smooth convex objective of a few scalar parameters with TorchSharp's L-BFGS, in double precision, and
/// confirms the result is a minimum (gradient near zero) instead of trusting the optimiser's stopping rule.
/// </summary>
internal static class ScalarFit
{
    const int MaxOuterSteps = 200;
    const double GradientTolerance = 1e-9;

    /// <summary>Fits the parameters in place; returns the final objective. Throws with <paramref name="failure"/> if it does not converge.</summary>
    public static double Minimise(IReadOnlyList<TorchSharp.Modules.Parameter> parameters, Func<Tensor> objective, string failure)
    {
        using var optimizer = optim.LBFGS(parameters, lr: 1.0, max_iter: 50, max_eval: 70,
            tolerange_grad: 1e-12, tolerance_change: 1e-15, history_size: 20);
        Func<Tensor> closure = () =>
        {
            optimizer.zero_grad();
            var loss = objective();
            loss.backward();
            return loss;
        };
        for (int step = 0; step < MaxOuterSteps; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.step(closure);
            if (GradientNorm(parameters, objective) < GradientTolerance) break;
        }
        using var final = NewDisposeScope();
        double gradient = GradientNorm(parameters, objective);
        if (!(gradient < GradientTolerance * 1e3) || parameters.Any(p => !torch.isfinite(p).all().item<bool>()))
            throw new InvalidOperationException(failure);
        using (no_grad()) return objective().item<double>();
    }

    static double GradientNorm(IReadOnlyList<TorchSharp.Modules.Parameter> parameters, Func<Tensor> objective)
    {
        foreach (var p in parameters) p.grad?.zero_();
        var loss = objective();
        loss.backward();
        double norm = 0.0;
        foreach (var p in parameters)
            if (p.grad is not null) norm = Math.Max(norm, p.grad.abs().max().item<double>());
        return norm;
    }
}
