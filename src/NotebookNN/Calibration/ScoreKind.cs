using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Calibration;

/// <summary>
/// What a calibration function is given. The caller always says it: the same tensor means different things as
/// logits and as probabilities, and a silent guess is how notebooks end up applying softmax twice.
/// </summary>
public enum ScoreKind
{
    /// <summary>Raw scores before sigmoid (one column or a vector: binary) or softmax ((N, C), C &gt;= 2).</summary>
    Logits,
    /// <summary>Probabilities: of class 1 (a vector or one column: binary), or rows of a softmax ((N, C), C &gt;= 2).</summary>
    Probabilities,
}

/// <summary>Scores turned into probabilities in double precision, with the problem's shape.</summary>
internal sealed record ScoredProbabilities(Tensor Probabilities, bool IsBinary, long[] Labels, int Classes)
{
    /// <summary>
    /// Validates scores and labels and returns probabilities: (N) of class 1 for a binary problem, (N, C) rows for a
    /// multi-class one. Probabilities outside [0, 1] and softmax rows that do not sum to 1 are rejected as logits;
    /// "logits" whose every row is a distribution are rejected as probabilities.
    /// </summary>
    public static ScoredProbabilities From(Tensor scores, Tensor labels, ScoreKind kind)
    {
        Checks.NotNull(scores, nameof(scores));
        Checks.NotNull(labels, nameof(labels));
        Checks.FloatingPoint(scores, nameof(scores));
        Checks.NotEmptyAndFinite(scores, nameof(scores));
        if (kind is not (ScoreKind.Logits or ScoreKind.Probabilities))
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Say ScoreKind.Logits or ScoreKind.Probabilities.");
        var s = scores.to_type(ScalarType.Float64);
        if (s.dim() == 2 && s.shape[1] == 1) s = s.squeeze(1);
        var y = labels.dim() == 2 && labels.shape[1] == 1 ? labels.squeeze(1) : labels;
        if (s.dim() is not (1 or 2))
            throw new ArgumentException(
                $"'scores' has shape {Checks.Shape(scores)}: pass (N) or (N, 1) for a binary problem, (N, C) for C classes; flatten sequence positions first.",
                nameof(scores));
        if (y.dim() != 1)
            throw new ArgumentException(
                $"'labels' has shape {Checks.Shape(labels)}, but one integer class label per sample, shape [{s.shape[0]}], is expected " +
                $"(the scores have shape {Checks.Shape(scores)}): for one-hot labels pass labels.argmax(-1).",
                nameof(labels));
        Checks.SameBatch(scores, labels, nameof(scores), nameof(labels));
        bool binary = s.dim() == 1;
        int classes = binary ? 2 : (int)s.shape[1];
        var ints = Metrics.HostArrays.WholeLabels(y, nameof(labels));
        using (var t = tensor(ints)) Checks.LabelsInRange(t, classes, nameof(labels));

        Tensor p;
        if (kind == ScoreKind.Probabilities)
        {
            Checks.Probabilities(s, nameof(scores), "this function with ScoreKind.Logits");
            if (!binary) Checks.RowsSumToOne(s, nameof(scores));
            p = s;
        }
        else
        {
            if (!binary) RejectDistributionsAsLogits(s);
            p = binary ? torch.sigmoid(s) : torch.softmax(s, -1);
        }
        return new ScoredProbabilities(p, binary, ints, classes);
    }

    /// <summary>The probability given to the predicted class and whether that class is right, per sample (top-label).</summary>
    public (double[] Confidence, bool[] Correct) TopLabel()
    {
        var p = Metrics.HostArrays.Doubles(Probabilities);
        int n = Labels.Length;
        var confidence = new double[n];
        var correct = new bool[n];
        for (int i = 0; i < n; i++)
        {
            long predicted;
            if (IsBinary)
            {
                // Class 1 only when strictly above one half, matching binary_accuracy.
                predicted = p[i] > 0.5 ? 1 : 0;
                confidence[i] = predicted == 1 ? p[i] : 1.0 - p[i];
            }
            else
            {
                int best = 0;
                for (int c = 1; c < Classes; c++) if (p[i * Classes + c] > p[i * Classes + best]) best = c;
                predicted = best;
                confidence[i] = p[i * Classes + best];
            }
            correct[i] = predicted == Labels[i];
        }
        return (confidence, correct);
    }

    static void RejectDistributionsAsLogits(Tensor logits)
    {
        using var _ = NewDisposeScope();
        bool inUnit = logits.min().item<double>() >= 0.0 && logits.max().item<double>() <= 1.0;
        bool rowsAreDistributions = (logits.sum(-1) - 1.0).abs().max().item<double>() < 1e-6;
        if (inUnit && rowsAreDistributions)
            throw new ArgumentException(
                "'scores' were passed as logits, but every row lies in [0, 1] and sums to 1: these look like softmax probabilities. " +
                "Pass ScoreKind.Probabilities, or pass the logits (the layer before the softmax).", "scores");
    }
}
