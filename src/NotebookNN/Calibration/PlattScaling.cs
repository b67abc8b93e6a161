using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NotebookNN.Calibration;

/// <summary>
/// Platt scaling for a binary classifier: <c>p = sigmoid(Scale * z + Bias)</c> with <c>z</c> the model's logit (or any
/// real-valued score), fitted by maximum likelihood on held-out data. As in Platt (1999) and scikit-learn's
/// <c>CalibratedClassifierCV(method="sigmoid")</c>, the 0/1 targets are smoothed to <c>(N+ + 1)/(N+ + 2)</c> and
/// <c>1/(N- + 2)</c> to avoid over-fitting small sets. scikit-learn writes <c>1/(1 + exp(A z + B))</c>:
/// <c>Scale = -A</c>, <c>Bias = -B</c>.
/// </summary>
public sealed class PlattScaling
{
    PlattScaling(double scale, double bias)
    {
        Scale = scale;
        Bias = bias;
    }

    /// <summary>The fitted slope applied to the logit.</summary>
    public double Scale { get; }

    /// <summary>The fitted offset.</summary>
    public double Bias { get; }

    /// <summary>Fits the slope and offset on held-out binary logits with L-BFGS (double precision; the objective is convex).</summary>
    /// <param name="validationLogits">One logit per sample, (N) or (N, 1).</param>
    /// <param name="labels">0/1 labels (N).</param>
    /// <param name="smoothTargets">Platt's smoothed targets (default, as scikit-learn); false fits the plain 0/1 likelihood.</param>
    public static PlattScaling Fit(Tensor validationLogits, Tensor labels, bool smoothTargets = true)
    {
        using var _ = NewDisposeScope();
        var scored = ScoredProbabilities.From(validationLogits, labels, ScoreKind.Logits);
        if (!scored.IsBinary)
            throw new ArgumentException(
                $"Platt scaling calibrates one logit per sample, but the logits have shape {Checks.Shape(validationLogits)}: " +
                "for several classes use TemperatureScaling; for a 2-unit softmax pass logits[:, 1] - logits[:, 0].",
                nameof(validationLogits));
        long positives = scored.Labels.Count(l => l == 1), negatives = scored.Labels.Length - positives;
        if (positives == 0 || negatives == 0)
            throw new ArgumentException(
                "Platt scaling needs both classes in the validation labels, but only one is present: use a larger or stratified validation set.",
                nameof(labels));
        if (!smoothTargets) RejectSeparable(Metrics.HostArrays.Doubles(validationLogits), scored.Labels);
        double hi = smoothTargets ? (positives + 1.0) / (positives + 2.0) : 1.0;
        double lo = smoothTargets ? 1.0 / (negatives + 2.0) : 0.0;
        var z = validationLogits.detach().to_type(ScalarType.Float64).cpu().reshape(-1);
        var target = tensor(scored.Labels.Select(l => l == 1 ? hi : lo).ToArray());
        var scale = new TorchSharp.Modules.Parameter(tensor(0.0, ScalarType.Float64));
        // scikit-learn's starting point: slope 0, offset the smoothed log prior odds.
        var bias = new TorchSharp.Modules.Parameter(tensor(Math.Log((positives + 1.0) / (negatives + 1.0)), ScalarType.Float64));
        ScalarFit.Minimise([scale, bias], () => F.binary_cross_entropy_with_logits(z * scale + bias, target),
            "Platt scaling did not converge: the validation logits separate the classes perfectly, so the slope grows without " +
            "bound. Use smoothed targets (the default) or a larger validation set.");
        return new PlattScaling(scale.item<double>(), bias.item<double>());
    }

    // With plain 0/1 targets, logits that a single cut separates have no finite maximum-likelihood slope.
    static void RejectSeparable(double[] z, long[] labels)
    {
        double maxNeg = double.NegativeInfinity, minPos = double.PositiveInfinity, minNeg = double.PositiveInfinity, maxPos = double.NegativeInfinity;
        for (int i = 0; i < z.Length; i++)
        {
            if (labels[i] == 1) { minPos = Math.Min(minPos, z[i]); maxPos = Math.Max(maxPos, z[i]); }
            else { maxNeg = Math.Max(maxNeg, z[i]); minNeg = Math.Min(minNeg, z[i]); }
        }
        if (maxNeg < minPos || maxPos < minNeg)
            throw new InvalidOperationException(
                "Platt scaling with plain 0/1 targets has no answer here: one cut separates the classes perfectly, so the slope grows " +
                "without bound. Keep Platt's smoothed targets (smoothTargets: true) or use a larger validation set.");
    }

    /// <summary>The calibrated logit <c>Scale * z + Bias</c>.</summary>
    public Tensor ApplyToLogits(Tensor logits)
    {
        Checks.NotNull(logits, nameof(logits));
        Checks.FloatingPoint(logits, nameof(logits));
        Checks.NotEmptyAndFinite(logits, nameof(logits));
        return logits * Scale + Bias;
    }

    /// <summary>The calibrated probability of class 1, <c>sigmoid(Scale * z + Bias)</c>.</summary>
    public Tensor Probabilities(Tensor logits) => torch.sigmoid(ApplyToLogits(logits));

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"p = sigmoid({Scale:F4} z + {Bias:F4})");
}
