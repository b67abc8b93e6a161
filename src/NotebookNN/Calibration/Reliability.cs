using System.Globalization;
using static TorchSharp.torch;

namespace NotebookNN.Calibration;

/// <summary>One bin of a reliability diagram.</summary>
/// <param name="Lower">The bin's lower edge (excluded, except 0 for the first bin).</param>
/// <param name="Upper">The bin's upper edge (included).</param>
/// <param name="Count">How many samples fell in the bin.</param>
/// <param name="MeanConfidence">Their mean predicted probability (NaN for an empty bin).</param>
/// <param name="ObservedFrequency">Their accuracy (top-label) or fraction of positives (positive-class); NaN if empty.</param>
public sealed record ReliabilityBin(double Lower, double Upper, long Count, double MeanConfidence, double ObservedFrequency)
{
    /// <summary>|observed - confidence|, the bin's calibration gap (NaN for an empty bin).</summary>
    public double Gap => Math.Abs(ObservedFrequency - MeanConfidence);
}

/// <summary>A reliability diagram over equal-width bins, with the calibration errors it gives.</summary>
/// <param name="Bins">Every bin, empty ones included, from low to high.</param>
/// <param name="Samples">The number of samples.</param>
/// <param name="ExpectedCalibrationError">ECE: <c>sum_b (n_b / N) |observed_b - confidence_b|</c> over non-empty bins.</param>
/// <param name="MaximumCalibrationError">MCE: the largest gap over non-empty bins.</param>
/// <param name="TopLabel">True for the top-label diagram (confidence vs accuracy), false for the positive-class one.</param>
public sealed record ReliabilityDiagram(IReadOnlyList<ReliabilityBin> Bins, long Samples, double ExpectedCalibrationError,
    double MaximumCalibrationError, bool TopLabel)
{
    /// <summary>The non-empty bins (what scikit-learn's <c>calibration_curve</c> returns).</summary>
    public IEnumerable<ReliabilityBin> NonEmptyBins => Bins.Where(b => b.Count > 0);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"reliability over {Bins.Count} bins, {Samples} samples: ECE {ExpectedCalibrationError:F4}, MCE {MaximumCalibrationError:F4}");
}

/// <summary>
/// Reliability diagrams and calibration errors over <c>N</c> equal-width bins of [0, 1].
/// <para><b>Bin-edge rule</b>: edges are <c>i / N</c> (computed as <c>i * (1/N)</c>, with the last edge exactly 1, as
/// numpy's <c>linspace</c>); bin <c>k</c> holds the values in <c>(edge_k, edge_{k+1}]</c>, except that the first bin
/// also holds 0. A value exactly on an inner edge goes to the lower bin. This is scikit-learn's
/// <c>calibration_curve</c> rule (<c>searchsorted(edges[1:-1], p)</c>), so both diagrams match it bin for bin, and it is
/// the rule of Guo et al.'s ECE code, which uses <c>lower &lt; confidence &lt;= upper</c>.</para>
/// </summary>
public static class Reliability
{
    /// <summary>
    /// The top-label reliability diagram (Guo et al. 2017): each sample's confidence is the probability of its predicted
    /// class (for a binary problem <c>max(p, 1 - p)</c>, class 1 when <c>p &gt; 0.5</c>), and each bin compares its mean
    /// confidence with its accuracy. Its ECE and MCE are the usual calibration errors of a classifier.
    /// </summary>
    /// <param name="scores">Logits or probabilities: (N) or (N, 1) binary, (N, C) multi-class.</param>
    /// <param name="labels">Integer class labels (N).</param>
    /// <param name="kind">Whether <paramref name="scores"/> are logits or probabilities.</param>
    /// <param name="bins">The number of equal-width bins (15 is the common choice for ECE).</param>
    public static ReliabilityDiagram TopLabel(Tensor scores, Tensor labels, ScoreKind kind, int bins = 15)
    {
        Checks.AtLeast(bins, 1, nameof(bins));
        using var _ = NewDisposeScope();
        var (confidence, correct) = ScoredProbabilities.From(scores, labels, kind).TopLabel();
        return Build(confidence, correct.Select(c => c ? 1.0 : 0.0).ToArray(), bins, topLabel: true);
    }

    /// <summary>
    /// The positive-class reliability diagram of a binary problem (scikit-learn's <c>calibration_curve</c> with the
    /// uniform strategy): each bin compares the mean predicted probability of class 1 with the fraction of positives.
    /// </summary>
    public static ReliabilityDiagram PositiveClass(Tensor scores, Tensor labels, ScoreKind kind, int bins = 10)
    {
        Checks.AtLeast(bins, 1, nameof(bins));
        using var _ = NewDisposeScope();
        var scored = ScoredProbabilities.From(scores, labels, kind);
        if (!scored.IsBinary)
            throw new ArgumentException(
                $"The positive-class diagram is for a binary problem, but the scores have shape {Checks.Shape(scores)}: " +
                "pass one score per sample (e.g. probabilities[:, 1]), or use TopLabel for several classes.", nameof(scores));
        var p = Metrics.HostArrays.Doubles(scored.Probabilities);
        return Build(p, scored.Labels.Select(l => (double)l).ToArray(), bins, topLabel: false);
    }

    /// <summary>The top-label expected calibration error (see <see cref="TopLabel"/>).</summary>
    public static double ExpectedCalibrationError(Tensor scores, Tensor labels, ScoreKind kind, int bins = 15) =>
        TopLabel(scores, labels, kind, bins).ExpectedCalibrationError;

    /// <summary>The top-label maximum calibration error (see <see cref="TopLabel"/>).</summary>
    public static double MaximumCalibrationError(Tensor scores, Tensor labels, ScoreKind kind, int bins = 15) =>
        TopLabel(scores, labels, kind, bins).MaximumCalibrationError;

    /// <summary>The bin edges <c>0, 1/N, ..., 1</c> exactly as numpy's <c>linspace(0, 1, N + 1)</c> computes them.</summary>
    public static double[] Edges(int bins)
    {
        Checks.AtLeast(bins, 1, nameof(bins));
        var edges = new double[bins + 1];
        double step = 1.0 / bins;
        for (int i = 0; i <= bins; i++) edges[i] = i * step;
        edges[bins] = 1.0;
        return edges;
    }

    /// <summary>The bin of a value by the documented rule: the number of inner edges strictly below it.</summary>
    public static int BinOf(double value, double[] edges)
    {
        if (!double.IsFinite(value))
            throw new ArgumentOutOfRangeException(nameof(value), value,
                $"'value' is {Checks.Num(value)}, but a bin exists only for a finite probability: pass a value in [0, 1].");
        if (edges is null || edges.Length < 2)
            throw new ArgumentException("'edges' needs at least 2 values (one bin): pass Reliability.Edges(bins).", nameof(edges));
        // searchsorted(edges[1:-1], value, side='left'): first inner edge >= value.
        int lo = 1, hi = edges.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (edges[mid] < value) lo = mid + 1; else hi = mid;
        }
        return lo - 1;
    }

    static ReliabilityDiagram Build(double[] confidence, double[] observed, int bins, bool topLabel)
    {
        var edges = Edges(bins);
        var count = new long[bins];
        var sumConfidence = new double[bins];
        var sumObserved = new double[bins];
        for (int i = 0; i < confidence.Length; i++)
        {
            int b = BinOf(confidence[i], edges);
            count[b]++;
            sumConfidence[b] += confidence[i];
            sumObserved[b] += observed[i];
        }
        var result = new ReliabilityBin[bins];
        double ece = 0.0, mce = 0.0;
        for (int b = 0; b < bins; b++)
        {
            double conf = count[b] == 0 ? double.NaN : sumConfidence[b] / count[b];
            double obs = count[b] == 0 ? double.NaN : sumObserved[b] / count[b];
            result[b] = new ReliabilityBin(edges[b], edges[b + 1], count[b], conf, obs);
            if (count[b] == 0) continue;
            double gap = Math.Abs(obs - conf);
            ece += (double)count[b] / confidence.Length * gap;
            mce = Math.Max(mce, gap);
        }
        return new ReliabilityDiagram(result, confidence.Length, ece, mce, topLabel);
    }
}
