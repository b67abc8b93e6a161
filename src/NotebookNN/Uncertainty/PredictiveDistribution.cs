using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Uncertainty;

/// <summary>What a model's output holds, so uncertainty code knows how to turn it into class probabilities.</summary>
public enum OutputKind
{
    /// <summary>Logits over C classes on the last axis: softmax gives the probabilities.</summary>
    Logits,
    /// <summary>One logit per sample (<c>[N]</c> or <c>[N, 1]</c>) for a binary task: sigmoid gives p(class 1),
    /// and the two-class distribution [1 - p, p] is used.</summary>
    BinaryLogit,
    /// <summary>Already probabilities over C classes (rows sum to 1).</summary>
    Probabilities,
}

/// <summary>
/// T stochastic predictions for N samples over C classes (from Monte Carlo dropout or a deep ensemble) and the usual
/// summaries of them. Entropies are in nats, with 0 · log 0 taken as 0. Disposing it frees its tensors.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><see cref="Mean"/>: the predictive mean p̄ = (1/T) Σ_t p_t.</item>
/// <item><see cref="Variance"/>: the per-class variance over the T passes, population form (divide by T), by the
/// library's corrected two-pass formula (scikit-learn's).</item>
/// <item><see cref="PredictiveEntropy"/>: H[p̄] = -Σ_c p̄_c log p̄_c, the total uncertainty.</item>
/// <item><see cref="ExpectedEntropy"/>: (1/T) Σ_t H[p_t], the aleatoric part.</item>
/// <item><see cref="MutualInformation"/>: H[p̄] - E_t H[p_t] (BALD), the epistemic part; at least 0.</item>
/// <item><see cref="VariationRatio"/>: 1 - (votes for the most frequent argmax class) / T.</item>
/// </list>
/// </remarks>
public sealed class PredictiveDistribution : IDisposable
{
    readonly Lazy<Tensor> _mean, _variance, _predictiveEntropy, _expectedEntropy, _mutualInformation, _variationRatio;

    PredictiveDistribution(Tensor samples)
    {
        Samples = samples;
        _mean = new(() => Detached(() => Samples.mean([0L])));
        _variance = new(() => Detached(() => Moments.MeanAndVariance(Samples, 0).Variance));
        _predictiveEntropy = new(() => Detached(() => Entropy(Mean)));
        _expectedEntropy = new(() => Detached(() => Entropy(Samples).mean([0L])));
        _mutualInformation = new(() => Detached(() => (PredictiveEntropy - ExpectedEntropy).clamp_min(0)));
        _variationRatio = new(() => Detached(() =>
        {
            var votes = nn.functional.one_hot(Samples.argmax(-1), Classes).sum([0L]);
            return 1.0 - votes.max(-1).values.to_type(Samples.dtype) / Passes;
        }));
    }

    /// <summary>Wraps per-pass probabilities <c>[T, N, C]</c> (rows summing to 1, C &gt;= 2). The distribution keeps its own
    /// reference to them, outside any dispose scope, until it is disposed.</summary>
    public static PredictiveDistribution FromProbabilities(Tensor samples)
    {
        Checks.Rank(Checks.NotNull(samples, nameof(samples)), 3, nameof(samples), "[passes T, samples N, classes C]");
        Checks.NotEmpty(samples, nameof(samples));
        // One column would have to hold 1 everywhere: no spread, no entropy, nothing to measure. One-column logits are
        // rejected for the same reason (NotSingleUnitSoftmax), so probabilities are too.
        if (samples.shape[2] == 1) ThrowOneColumn(samples, nameof(samples));
        Checks.RowsSumToOne(samples, nameof(samples));
        var own = samples.detach();
        own.DetachFromDisposeScope();
        return new PredictiveDistribution(own);
    }

    /// <summary>Turns raw outputs of T passes, <c>[T, N, ...]</c>, into probabilities <c>[T, N, C]</c>.</summary>
    public static PredictiveDistribution FromOutputs(Tensor outputs, OutputKind kind)
    {
        Checks.NotNull(outputs, nameof(outputs));
        using var scope = NewDisposeScope();
        var probabilities = ToProbabilities(outputs, kind, "outputs");
        return FromProbabilities(scope.MoveToOuter(probabilities));
    }

    /// <summary>Per-pass probabilities, <c>[T, N, C]</c>.</summary>
    public Tensor Samples { get; }

    /// <summary>The number of stochastic passes (or ensemble members) T.</summary>
    public int Passes => (int)Samples.shape[0];

    /// <summary>The number of samples N.</summary>
    public long Count => Samples.shape[1];

    /// <summary>The number of classes C.</summary>
    public int Classes => (int)Samples.shape[2];

    /// <summary>The predictive mean, <c>[N, C]</c>.</summary>
    public Tensor Mean => _mean.Value;

    /// <summary>The per-class variance over the passes, <c>[N, C]</c> (divided by T).</summary>
    public Tensor Variance => _variance.Value;

    /// <summary>The entropy of the predictive mean, <c>[N]</c>, in nats.</summary>
    public Tensor PredictiveEntropy => _predictiveEntropy.Value;

    /// <summary>The mean entropy of the individual passes, <c>[N]</c>, in nats.</summary>
    public Tensor ExpectedEntropy => _expectedEntropy.Value;

    /// <summary>Predictive entropy minus expected entropy, <c>[N]</c>, in nats (clamped at 0 against rounding).</summary>
    public Tensor MutualInformation => _mutualInformation.Value;

    /// <summary>One minus the share of passes voting for the modal class, <c>[N]</c>.</summary>
    public Tensor VariationRatio => _variationRatio.Value;

    /// <summary>The class with the highest predictive mean, <c>[N]</c> int64.</summary>
    public Tensor PredictedClass() => Mean.argmax(-1);

    /// <summary>The highest predictive-mean probability, <c>[N]</c>.</summary>
    public Tensor MaxProbability() => Mean.max(-1).values;

    /// <summary>Frees the samples and every summary computed so far.</summary>
    public void Dispose()
    {
        foreach (var lazy in new[] { _mean, _variance, _predictiveEntropy, _expectedEntropy, _mutualInformation, _variationRatio })
            if (lazy.IsValueCreated) lazy.Value.Dispose();
        Samples.Dispose();
    }

    /// <summary>-Σ p log p over the last axis, with 0 log 0 = 0.</summary>
    public static Tensor Entropy(Tensor probabilities)
    {
        Checks.NotEmptyAndFinite(probabilities, nameof(probabilities));
        Checks.Probabilities(probabilities, nameof(probabilities));
        using var scope = NewDisposeScope();
        // p * log(max(p, tiny)) is exactly 0 where p is 0 and p log p elsewhere.
        var tiny = torch.finfo(probabilities.dtype).tiny;
        var h = -(probabilities * probabilities.clamp_min(tiny).log()).sum(-1);
        return scope.MoveToOuter(h);
    }

    internal static Tensor ToProbabilities(Tensor outputs, OutputKind kind, string name)
    {
        Checks.FloatingPoint(outputs, name);
        Checks.NotEmptyAndFinite(outputs, name);
        switch (kind)
        {
            case OutputKind.Logits:
                Checks.NotSingleUnitSoftmax(outputs, name);
                return torch.softmax(outputs, -1);
            case OutputKind.BinaryLogit:
            {
                var logit = outputs.shape[^1] == 1 ? outputs.squeeze(-1) : outputs;
                var p = torch.sigmoid(logit);
                return stack([1.0 - p, p], -1);
            }
            case OutputKind.Probabilities:
                if (outputs.dim() > 0 && outputs.shape[^1] == 1) ThrowOneColumn(outputs, name);
                return outputs.alias();
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown output kind.");
        }
    }

    static void ThrowOneColumn(Tensor probabilities, string name) =>
        throw new ArgumentException(
            $"'{name}' has one class column (shape {Checks.Shape(probabilities)}), but a distribution over one class is always 1, " +
            "so there is no uncertainty to measure: for a binary task pass both columns, torch.cat([1 - p, p], -1), " +
            "or pass the logit with OutputKind.BinaryLogit.",
            name);

    static Tensor Detached(Func<Tensor> compute)
    {
        // Summaries live as long as this object, whatever dispose scope is active when they are first read.
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return scope.Detach(compute());
    }
}
