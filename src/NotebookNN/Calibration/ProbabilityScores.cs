using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Calibration;

/// <summary>Proper scoring rules for predicted probabilities: the Brier score and the negative log-likelihood.</summary>
public static class ProbabilityScores
{
    /// <summary>
    /// The Brier score. Binary problems ((N) or (N, 1) scores): <c>mean((p - y)^2)</c> with <c>p</c> the probability of
    /// class 1, scikit-learn's <c>brier_score_loss</c>. Multi-class ((N, C)): Brier's original
    /// <c>mean_i sum_c (p_ic - [y_i = c])^2</c>, which for two classes is twice the binary value.
    /// </summary>
    public static double Brier(Tensor scores, Tensor labels, ScoreKind kind)
    {
        using var _ = NewDisposeScope();
        var scored = ScoredProbabilities.From(scores, labels, kind);
        var y = tensor(scored.Labels);
        var target = scored.IsBinary
            ? y.to_type(ScalarType.Float64)
            : nn.functional.one_hot(y, scored.Classes).to_type(ScalarType.Float64);
        var squared = (scored.Probabilities - target).pow(2);
        var perSample = scored.IsBinary ? squared : squared.sum(-1);
        return perSample.mean().item<double>();
    }

    /// <summary>
    /// The mean negative log-likelihood of the true labels. With <see cref="ScoreKind.Logits"/> it is computed exactly
    /// from the logits (<c>log_softmax</c>, or the stable sigmoid form for a binary problem) — the cross-entropy
    /// PyTorch would report. With <see cref="ScoreKind.Probabilities"/> it is scikit-learn's <c>log_loss</c>: values are
    /// clipped to [eps, 1 - eps] with eps the machine epsilon of the input's dtype, rows are renormalised, and
    /// <c>-mean(log p_y)</c> is returned.
    /// </summary>
    public static double NegativeLogLikelihood(Tensor scores, Tensor labels, ScoreKind kind)
    {
        using var _ = NewDisposeScope();
        var scored = ScoredProbabilities.From(scores, labels, kind);
        var y = tensor(scored.Labels);
        if (kind == ScoreKind.Logits)
        {
            var z = scores.to_type(ScalarType.Float64);
            if (scored.IsBinary)
                return nn.functional.binary_cross_entropy_with_logits(z.reshape(-1), y.to_type(ScalarType.Float64)).item<double>();
            return nn.functional.cross_entropy(z, y).item<double>();
        }
        double eps = scores.dtype switch
        {
            ScalarType.Float32 => MathF.BitIncrement(1f) - 1f,
            ScalarType.Float16 or ScalarType.BFloat16 => 0.0009765625,
            _ => Math.BitIncrement(1.0) - 1.0,
        };
        var p = scored.IsBinary
            ? torch.stack([1.0 - scored.Probabilities, scored.Probabilities], 1)
            : scored.Probabilities;
        p = p.clamp(eps, 1.0 - eps);
        p = p / p.sum(1, keepdim: true);
        return -p.log().gather(1, y.unsqueeze(1)).mean().item<double>();
    }
}
