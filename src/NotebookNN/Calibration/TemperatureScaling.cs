using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NotebookNN.Calibration;

/// <summary>
/// Temperature scaling (Guo et al. 2017): one scalar <c>T &gt; 0</c> divides the logits, chosen to minimise the negative
/// log-likelihood on held-out validation logits. It never changes the argmax, so accuracy is unchanged exactly; only
/// the confidence moves. Works for multi-class logits (N, C) (softmax) and binary logits (N) or (N, 1) (sigmoid).
/// Fitting needs logits — temperature scaling of probabilities is not defined.
/// </summary>
public sealed class TemperatureScaling
{
    TemperatureScaling(double temperature, double nllBefore, double nllAfter)
    {
        Temperature = temperature;
        ValidationNllBefore = nllBefore;
        ValidationNllAfter = nllAfter;
    }

    /// <summary>The fitted temperature: above 1 softens over-confident outputs, below 1 sharpens them.</summary>
    public double Temperature { get; }

    /// <summary>The mean NLL of the validation logits before scaling (T = 1).</summary>
    public double ValidationNllBefore { get; }

    /// <summary>The mean NLL of the validation logits after scaling: never above <see cref="ValidationNllBefore"/>.</summary>
    public double ValidationNllAfter { get; }

    /// <summary>
    /// Fits the temperature on validation logits by minimising their NLL with L-BFGS (TorchSharp's <c>optim.LBFGS</c>,
    /// double precision). The optimisation runs over <c>1/T</c>, where the NLL is convex, so the minimum is unique.
    /// </summary>
    /// <param name="validationLogits">Logits of held-out samples: (N, C) with C &gt;= 2, or (N) / (N, 1) for a binary sigmoid output.</param>
    /// <param name="labels">Their integer labels (N).</param>
    public static TemperatureScaling Fit(Tensor validationLogits, Tensor labels)
    {
        using var _ = NewDisposeScope();
        // Validates shapes and labels, and rejects probabilities passed as logits.
        var scored = ScoredProbabilities.From(validationLogits, labels, ScoreKind.Logits);
        var z = validationLogits.detach().to_type(ScalarType.Float64).cpu();
        if (scored.IsBinary) z = z.reshape(-1);
        var y = tensor(scored.Labels);
        Func<Tensor, Tensor> nll = scored.IsBinary
            ? scaled => F.binary_cross_entropy_with_logits(scaled, y.to_type(ScalarType.Float64))
            : scaled => F.cross_entropy(scaled, y);
        RejectSeparable(z, y, scored.IsBinary);
        double before;
        using (no_grad()) before = nll(z).item<double>();
        var inverse = new TorchSharp.Modules.Parameter(tensor(1.0, ScalarType.Float64));
        double after = ScalarFit.Minimise([inverse], () => nll(z * inverse),
            "Temperature scaling did not converge: the validation NLL keeps falling as the temperature goes to 0 (every validation " +
            "sample is classified correctly with a margin), or rising logits make it worse (the model ranks wrong classes higher). " +
            "Use a larger validation set with some errors on it.");
        double beta = inverse.item<double>();
        if (!(beta > 0.0))
            throw new InvalidOperationException(
                $"Temperature scaling found 1/T = {Checks.Num(beta)} <= 0: the logits are anti-correlated with the labels on the " +
                "validation set, so no positive temperature helps. Check that the labels and the logits' class order agree.");
        return new TemperatureScaling(1.0 / beta, before, after);
    }

    // When every sample's true class already has the largest logit (or, binary, the logit has the label's sign), the NLL
    // keeps falling as T goes to 0: there is no finite temperature to find.
    static void RejectSeparable(Tensor z, Tensor y, bool binary)
    {
        bool separable = binary
            ? torch.where(y == 1, z >= 0, z <= 0).all().item<bool>()
            : (z.gather(1, y.unsqueeze(1)).squeeze(1) >= z.amax([1L])).all().item<bool>();
        if (separable)
            throw new InvalidOperationException(
                "Temperature scaling has no answer here: every validation sample's true class already has the largest logit, so the NLL " +
                "keeps falling as the temperature goes to 0. Fit it on a held-out set where the model makes some mistakes " +
                "(a larger validation split), not on the training data.");
    }

    /// <summary>Divides logits by the temperature (the calibrated logits; their argmax is unchanged).</summary>
    public Tensor Apply(Tensor logits)
    {
        Checks.NotNull(logits, nameof(logits));
        Checks.FloatingPoint(logits, nameof(logits));
        Checks.NotEmptyAndFinite(logits, nameof(logits));
        return logits / Temperature;
    }

    /// <summary>
    /// Calibrated probabilities: <c>softmax(z / T)</c> over the last axis for (N, C) logits, <c>sigmoid(z / T)</c> for
    /// binary logits ((N) or (N, 1)).
    /// </summary>
    public Tensor Probabilities(Tensor logits)
    {
        var scaled = Apply(logits);
        return logits.dim() == 1 || logits.shape[^1] == 1 ? torch.sigmoid(scaled) : torch.softmax(scaled, -1);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"T = {Temperature:F4} (validation NLL {ValidationNllBefore:F4} -> {ValidationNllAfter:F4})");
}
