using System.Globalization;
using NotebookNN.Training;
using NotebookNN.Uncertainty;
using Plotly.NET;
using TorchSharp;
using static NotebookNN.Interactive.Plots.ChartParts;
using static TorchSharp.torch;

namespace NotebookNN.Interactive.Plots;

/// <summary>
/// The notebook views of classifier behaviour as Plotly.NET charts: Monte Carlo dropout spread and uncertainty
/// histograms, reliability diagrams, ROC curves, training history. Each returns a <see cref="GenericChart"/>; the
/// extension's formatter draws it offline. Inputs are plain arrays or tensors so any library result can feed them.
/// </summary>
public static class Plots
{
    const string Accent = "#4a7fd0", Warm = "#d0604a", Grey = "#888888";

    // ---------------- Monte Carlo dropout ----------------

    /// <summary>
    /// The spread of the T Monte Carlo dropout samples per class for chosen inputs: one box (with every sample as a
    /// point) per input and class. A wide box means the model's answer for that class changes from pass to pass.
    /// </summary>
    /// <param name="samples">Probabilities of shape [T, N, C]: T stochastic passes over N inputs with C classes.</param>
    /// <param name="inputs">Indices (into N) of the inputs to show, at most 8.</param>
    /// <param name="classNames">C class names.</param>
    /// <param name="inputNames">Optional labels for the chosen inputs (e.g. "digit 7", "noise").</param>
    public static GenericChart McDropoutSpread(Tensor samples, IReadOnlyList<int> inputs, IReadOnlyList<string> classNames, IReadOnlyList<string>? inputNames = null)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(classNames);
        if (samples.dim() != 3)
            throw new ArgumentException($"Expected MC samples of shape [T, N, C], got [{string.Join(", ", samples.shape)}]. Stack the T passes with torch.stack(passes).", nameof(samples));
        long t = samples.shape[0], n = samples.shape[1], c = samples.shape[2];
        if (classNames.Count != c)
            throw new ArgumentException($"The samples have {c} classes but {classNames.Count} class names were given.", nameof(classNames));
        if (inputs.Count is 0 or > 8)
            throw new ArgumentException($"Choose between 1 and 8 inputs to show, got {inputs.Count}.", nameof(inputs));
        if (inputNames is not null && inputNames.Count != inputs.Count)
            throw new ArgumentException($"Got {inputNames.Count} input names for {inputs.Count} inputs.", nameof(inputNames));
        foreach (int i in inputs)
            if (i < 0 || i >= n) throw new ArgumentOutOfRangeException(nameof(inputs), i, $"Input index {i} is outside 0..{n - 1}.");

        double[] values;
        using (var scope = torch.NewDisposeScope())
        {
            // Only the chosen inputs leave the device.
            var index = torch.tensor(inputs.Select(i => (long)i).ToArray(), device: samples.device);
            values = samples.detach().index_select(1, index).to_type(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
        }
        var traces = new List<Trace>();
        for (int k = 0; k < inputs.Count; k++)
        {
            var x = new List<string>();
            var y = new List<double>();
            for (int s = 0; s < t; s++)
                for (int cls = 0; cls < c; cls++)
                {
                    x.Add(classNames[cls]);
                    y.Add(values[(s * inputs.Count + k) * c + cls]);
                }
            traces.Add(Trace("box", ("x", x), ("y", y), ("name", inputNames?[k] ?? $"input {inputs[k]}"),
                ("boxpoints", "all"), ("jitter", 0.4), ("pointpos", 0), ("marker", Obj(("size", 3), ("opacity", 0.5)))));
        }
        var layout = Layout(("title", Title($"MC dropout: spread of {t} samples per class")), ("boxmode", "group"),
            ("xaxis", Axis("class")), ("yaxis", Axis("probability", ("range", new[] { -0.02, 1.02 }))));
        return Chart(layout, traces);
    }

    /// <summary>The spread of the MC dropout samples of a <see cref="PredictiveDistribution"/> for chosen inputs.</summary>
    public static GenericChart McDropoutSpread(PredictiveDistribution distribution, IReadOnlyList<int> inputs, IReadOnlyList<string> classNames, IReadOnlyList<string>? inputNames = null)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        return McDropoutSpread(distribution.Samples, inputs, classNames, inputNames);
    }

    /// <summary>
    /// Histograms of predictive entropy or mutual information for two groups of inputs run through MC dropout (or a
    /// deep ensemble), e.g. in-distribution vs out-of-distribution.
    /// </summary>
    public static GenericChart UncertaintyHistogram(PredictiveDistribution groupA, PredictiveDistribution groupB,
        UncertaintyMeasure measure = UncertaintyMeasure.PredictiveEntropy, string groupAName = "in-distribution", string groupBName = "out-of-distribution", int bins = 30)
    {
        ArgumentNullException.ThrowIfNull(groupA);
        ArgumentNullException.ThrowIfNull(groupB);
        Tensor Pick(PredictiveDistribution d) => measure switch
        {
            UncertaintyMeasure.PredictiveEntropy => d.PredictiveEntropy,
            UncertaintyMeasure.MutualInformation => d.MutualInformation,
            UncertaintyMeasure.ExpectedEntropy => d.ExpectedEntropy,
            UncertaintyMeasure.VariationRatio => d.VariationRatio,
            _ => throw new ArgumentOutOfRangeException(nameof(measure), measure, "Unknown uncertainty measure."),
        };
        string label = measure switch
        {
            UncertaintyMeasure.PredictiveEntropy => "predictive entropy (nats)",
            UncertaintyMeasure.MutualInformation => "mutual information (nats)",
            UncertaintyMeasure.ExpectedEntropy => "expected entropy (nats)",
            _ => "variation ratio",
        };
        return UncertaintyHistogram(ToHost(Pick(groupA)), ToHost(Pick(groupB)), label, groupAName, groupBName, bins);
    }

    static double[] ToHost(Tensor values)
    {
        using var scope = torch.NewDisposeScope();
        return values.detach().to_type(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
    }

    /// <summary>
    /// Overlaid histograms of an uncertainty measure (predictive entropy, mutual information, ...) for two groups of
    /// inputs, e.g. in-distribution vs out-of-distribution. Both use the same bins and are normalised to probability,
    /// so groups of different sizes compare directly.
    /// </summary>
    public static GenericChart UncertaintyHistogram(IReadOnlyList<double> groupA, IReadOnlyList<double> groupB,
        string measure = "predictive entropy", string groupAName = "in-distribution", string groupBName = "out-of-distribution", int bins = 30)
    {
        ArgumentNullException.ThrowIfNull(groupA);
        ArgumentNullException.ThrowIfNull(groupB);
        if (groupA.Count == 0 || groupB.Count == 0)
            throw new ArgumentException($"Both groups need values ({groupAName}: {groupA.Count}, {groupBName}: {groupB.Count}).");
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), bins, "Use at least 1 bin.");
        var all = groupA.Concat(groupB).Where(double.IsFinite).ToArray();
        if (all.Length == 0) throw new ArgumentException("No finite values to plot: the uncertainty measure is NaN or infinite everywhere.");
        double min = all.Min(), max = all.Max();
        double size = max > min ? (max - min) / bins : 1.0 / bins;
        var xbins = Obj(("start", min), ("end", max + size * 1e-9), ("size", size));
        Trace Hist(IReadOnlyList<double> v, string name, string color) => Trace("histogram", ("x", v.ToArray()),
            ("name", $"{name} (n={v.Count}, mean {Num(v.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average())})"),
            ("histnorm", "probability"), ("opacity", 0.6), ("xbins", xbins), ("marker", Obj(("color", color))));
        var layout = Layout(("title", Title($"{Capitalise(measure)}: {groupAName} vs {groupBName}")), ("barmode", "overlay"),
            ("xaxis", Axis(measure)), ("yaxis", Axis("fraction of inputs")));
        return Chart(layout, [Hist(groupA, groupAName, Accent), Hist(groupB, groupBName, Warm)]);
    }

    // ---------------- calibration ----------------

    /// <summary>
    /// A reliability diagram: per confidence bin the accuracy (bars) and the gap to the bin's mean confidence
    /// (red: over- or under-confidence), the diagonal of perfect calibration, a histogram of the confidences below,
    /// and the expected calibration error (ECE) in the title.
    /// </summary>
    /// <param name="confidences">The confidence of each prediction (the predicted class's probability), in [0, 1].</param>
    /// <param name="correct">Whether each prediction was right.</param>
    /// <param name="bins">Equal-width bins over [0, 1]; bin b holds confidences in (b/B, (b+1)/B] (0 goes to the first).</param>
    public static GenericChart ReliabilityDiagramFromConfidences(IReadOnlyList<double> confidences, IReadOnlyList<bool> correct, int bins = 10)
    {
        var r = ReliabilityBins.Compute(confidences, correct, bins);
        double width = 1.0 / bins;
        var centers = Enumerable.Range(0, bins).Select(b => (b + 0.5) * width).ToArray();
        var filled = Enumerable.Range(0, bins).Where(b => r.Counts[b] > 0).ToArray();
        var accuracy = Trace("bar", ("x", filled.Select(b => centers[b]).ToArray()), ("y", filled.Select(b => r.Accuracy[b]).ToArray()),
            ("width", width * 0.95), ("name", "accuracy"), ("marker", Obj(("color", Accent))));
        var gap = Trace("bar", ("x", filled.Select(b => centers[b]).ToArray()), ("base", filled.Select(b => r.Accuracy[b]).ToArray()),
            ("y", filled.Select(b => r.Confidence[b] - r.Accuracy[b]).ToArray()), ("width", width * 0.95), ("name", "gap to confidence"),
            ("marker", Obj(("color", "rgba(208,96,74,0.45)"), ("line", Obj(("color", Warm), ("width", 1))))));
        var diagonal = Trace("scatter", ("x", new[] { 0.0, 1.0 }), ("y", new[] { 0.0, 1.0 }), ("mode", "lines"), ("name", "perfect calibration"),
            ("line", Obj(("dash", "dash"), ("color", Grey))));
        var histogram = Trace("bar", ("x", centers), ("y", r.Counts.Select(c => (double)c).ToArray()), ("width", width * 0.95),
            ("name", "predictions per bin"), ("yaxis", "y2"), ("marker", Obj(("color", Grey))));
        var layout = Layout(("title", Title($"Reliability diagram (ECE = {r.Ece.ToString("0.0000", CultureInfo.InvariantCulture)}, {bins} bins, n = {confidences.Count})")),
            ("barmode", "overlay"),
            ("xaxis", Axis("confidence", ("range", new[] { 0.0, 1.0 }), ("anchor", "y2"))),
            ("yaxis", Axis("accuracy", ("range", new[] { 0.0, 1.0 }), ("domain", new[] { 0.32, 1.0 }))),
            ("yaxis2", Axis("count", ("domain", new[] { 0.0, 0.22 }), ("anchor", "x"))),
            ("height", 560));
        return Chart(layout, [accuracy, gap, diagonal, histogram]);
    }

    /// <summary>
    /// The reliability diagram of a classifier's probabilities against the true labels: [N, C] softmax rows (confidence
    /// = the largest probability, correct = argmax equals the label) or [N] binary P(class 1) (confidence = max(p, 1-p),
    /// prediction = p ≥ 0.5).
    /// </summary>
    public static GenericChart ReliabilityDiagram(Tensor probabilities, Tensor labels, int bins = 10)
    {
        var (confidences, correct) = ConfidenceAndCorrectness(probabilities, labels);
        return ReliabilityDiagramFromConfidences(confidences, correct, bins);
    }

    internal static (double[] Confidences, bool[] Correct) ConfidenceAndCorrectness(Tensor probabilities, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(labels);
        if (probabilities.dim() is not (1 or 2))
            throw new ArgumentException($"Expected probabilities of shape [N, C] or [N], got [{string.Join(", ", probabilities.shape)}].", nameof(probabilities));
        if (labels.dim() != 1 || labels.shape[0] != probabilities.shape[0])
            throw new ArgumentException($"Expected one label per row: labels have shape [{string.Join(", ", labels.shape)}] for {probabilities.shape[0]} rows.", nameof(labels));
        using var scope = torch.NewDisposeScope();
        var p = probabilities.detach().to_type(ScalarType.Float64);
        var y = labels.detach().to_type(ScalarType.Int64).to(p.device);
        Tensor confidence, predicted;
        if (p.dim() == 1)
        {
            predicted = p.ge(0.5).to_type(ScalarType.Int64);
            confidence = torch.maximum(p, 1 - p);
        }
        else
        {
            var (values, indices) = p.max(1);
            confidence = values;
            predicted = indices;
        }
        var conf = confidence.cpu().contiguous().data<double>().ToArray();
        var ok = predicted.eq(y).cpu().contiguous().data<bool>().ToArray();
        return (conf, ok);
    }

    // ---------------- ROC ----------------

    /// <summary>
    /// A ROC curve from its points (as sklearn's roc_curve returns them: thresholds decreasing), with the AUC in the
    /// legend and title, the chance diagonal, and the operating point of <paramref name="threshold"/> marked.
    /// </summary>
    public static GenericChart Roc(IReadOnlyList<double> fpr, IReadOnlyList<double> tpr, IReadOnlyList<double> thresholds, double? threshold = null)
    {
        ArgumentNullException.ThrowIfNull(fpr);
        ArgumentNullException.ThrowIfNull(tpr);
        ArgumentNullException.ThrowIfNull(thresholds);
        if (fpr.Count != tpr.Count || fpr.Count != thresholds.Count || fpr.Count < 2)
            throw new ArgumentException($"fpr, tpr and thresholds need the same length (at least 2); got {fpr.Count}, {tpr.Count}, {thresholds.Count}.");
        double auc = TrapezoidArea(fpr, tpr);
        string aucText = auc.ToString("0.000", CultureInfo.InvariantCulture);
        var traces = new List<Trace>
        {
            Trace("scatter", ("x", fpr.ToArray()), ("y", tpr.ToArray()), ("mode", "lines"), ("name", $"ROC (AUC = {aucText})"),
                ("line", Obj(("color", Accent), ("width", 2))), ("text", thresholds.Select(t => "threshold " + Num(t)).ToArray())),
            Trace("scatter", ("x", new[] { 0.0, 1.0 }), ("y", new[] { 0.0, 1.0 }), ("mode", "lines"), ("name", "chance"),
                ("line", Obj(("dash", "dash"), ("color", Grey)))),
        };
        if (threshold is { } chosen)
        {
            int i = OperatingPoint(thresholds, chosen);
            traces.Add(Trace("scatter", ("x", new[] { fpr[i] }), ("y", new[] { tpr[i] }), ("mode", "markers+text"),
                ("name", $"threshold {Num(chosen)}: TPR {Num(tpr[i])}, FPR {Num(fpr[i])}"),
                ("text", new[] { $"threshold {Num(chosen)}" }), ("textposition", "bottom right"),
                ("marker", Obj(("size", 12), ("color", Warm), ("symbol", "x")))));
        }
        var layout = Layout(("title", Title($"ROC curve (AUC = {aucText})")),
            ("xaxis", Axis("false positive rate", ("range", new[] { -0.01, 1.01 }))),
            ("yaxis", Axis("true positive rate", ("range", new[] { -0.01, 1.01 }), ("scaleanchor", "x"))),
            ("width", 560), ("height", 520));
        return Chart(layout, traces);
    }

    /// <summary>The ROC point where predictions use score ≥ <paramref name="threshold"/>: the last point whose
    /// threshold is still at or above it (thresholds decrease along the curve).</summary>
    internal static int OperatingPoint(IReadOnlyList<double> thresholds, double threshold)
    {
        int best = 0;
        for (int i = 0; i < thresholds.Count; i++)
            if (thresholds[i] >= threshold) best = i;
        return best;
    }

    static double TrapezoidArea(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        double area = 0;
        for (int i = 1; i < x.Count; i++) area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
        return Math.Abs(area);
    }

    // ---------------- training ----------------

    /// <summary>
    /// Loss and metrics per epoch, training vs validation: one panel per quantity, the training series solid and its
    /// <c>val_</c> counterpart (Keras' naming) dashed.
    /// </summary>
    /// <param name="series">Series by name, one value per epoch, e.g. loss, val_loss, accuracy, val_accuracy.</param>
    public static GenericChart TrainingHistory(IReadOnlyDictionary<string, IReadOnlyList<double>> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0) throw new ArgumentException("No series to plot: pass e.g. loss and val_loss per epoch.", nameof(series));
        var bases = series.Keys.Select(k => k.StartsWith("val_", StringComparison.Ordinal) ? k[4..] : k).Distinct().ToList();
        // The loss panel comes first, as Keras users read it.
        bases = bases.OrderBy(b => b == "loss" ? 0 : 1).ToList();
        var traces = new List<Trace>();
        var layoutProps = new List<(string, object?)>
        {
            ("title", Title("Training history")),
            ("grid", Obj(("rows", bases.Count), ("columns", 1), ("pattern", "independent"))),
            ("height", Math.Max(320, 260 * bases.Count)),
        };
        for (int k = 0; k < bases.Count; k++)
        {
            string axisSuffix = k == 0 ? "" : (k + 1).ToString(CultureInfo.InvariantCulture);
            foreach (var (name, dashed, color) in new[] { (bases[k], false, Accent), ("val_" + bases[k], true, Warm) })
            {
                if (!series.TryGetValue(name, out var values)) continue;
                traces.Add(Trace("scatter", ("x", Enumerable.Range(1, values.Count).ToArray()), ("y", values.ToArray()),
                    ("mode", "lines+markers"), ("name", dashed ? $"validation {bases[k]}" : $"training {bases[k]}"),
                    ("line", Obj(("color", color), ("dash", dashed ? "dash" : "solid"))),
                    ("xaxis", "x" + axisSuffix), ("yaxis", "y" + axisSuffix)));
            }
            layoutProps.Add(("xaxis" + axisSuffix, Axis("epoch", ("dtick", series.Values.Max(v => v.Count) <= 20 ? 1 : (object?)null))));
            layoutProps.Add(("yaxis" + axisSuffix, Axis(bases[k])));
        }
        return Chart(Layout(layoutProps.ToArray()), traces);
    }

    /// <summary>Loss and metrics per epoch from a <see cref="History"/> returned by training, training vs validation.</summary>
    public static GenericChart TrainingHistory(History history)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.EpochCount == 0) throw new ArgumentException("The history has no epochs yet: train first.", nameof(history));
        return TrainingHistory(history.Names.ToDictionary(n => n, n => history[n], StringComparer.Ordinal));
    }

    static string Num(double v) => Html.Number(v, 3);

    static string Capitalise(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}

/// <summary>Equal-width confidence bins for a reliability diagram, and the expected calibration error.</summary>
/// <param name="Accuracy">Fraction correct per bin (0 for an empty bin).</param>
/// <param name="Confidence">Mean confidence per bin (0 for an empty bin).</param>
/// <param name="Counts">Predictions per bin.</param>
/// <param name="Ece">Σ_b (n_b / N) · |accuracy_b − confidence_b|.</param>
public sealed record ReliabilityBins(double[] Accuracy, double[] Confidence, int[] Counts, double Ece)
{
    /// <summary>Bins <paramref name="confidences"/> into <paramref name="bins"/> equal bins over [0, 1]: (b/B, (b+1)/B], 0 in the first.</summary>
    public static ReliabilityBins Compute(IReadOnlyList<double> confidences, IReadOnlyList<bool> correct, int bins)
    {
        ArgumentNullException.ThrowIfNull(confidences);
        ArgumentNullException.ThrowIfNull(correct);
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), bins, "Use at least 1 bin.");
        if (confidences.Count != correct.Count)
            throw new ArgumentException($"Got {confidences.Count} confidences but {correct.Count} correctness flags: give one per prediction.");
        if (confidences.Count == 0) throw new ArgumentException("No predictions to bin.", nameof(confidences));
        var hits = new double[bins];
        var sums = new double[bins];
        var counts = new int[bins];
        for (int i = 0; i < confidences.Count; i++)
        {
            double c = confidences[i];
            if (double.IsNaN(c) || c < 0 || c > 1)
                throw new ArgumentOutOfRangeException(nameof(confidences), c, $"Confidence {i} is {c}: confidences are probabilities in [0, 1] (apply softmax or sigmoid to logits first).");
            int b = Math.Clamp((int)Math.Ceiling(c * bins) - 1, 0, bins - 1);
            counts[b]++;
            sums[b] += c;
            if (correct[i]) hits[b]++;
        }
        var accuracy = new double[bins];
        var confidence = new double[bins];
        double ece = 0;
        for (int b = 0; b < bins; b++)
        {
            if (counts[b] == 0) continue;
            accuracy[b] = hits[b] / counts[b];
            confidence[b] = sums[b] / counts[b];
            ece += (double)counts[b] / confidences.Count * Math.Abs(accuracy[b] - confidence[b]);
        }
        return new ReliabilityBins(accuracy, confidence, counts, ece);
    }
}

/// <summary>Which per-input uncertainty of a predictive distribution to plot.</summary>
public enum UncertaintyMeasure
{
    /// <summary>Entropy of the mean prediction: total uncertainty.</summary>
    PredictiveEntropy,
    /// <summary>Predictive entropy minus expected entropy: the model's (epistemic) uncertainty.</summary>
    MutualInformation,
    /// <summary>Mean entropy of the single passes: the data's (aleatoric) uncertainty.</summary>
    ExpectedEntropy,
    /// <summary>Fraction of passes that disagree with the modal class.</summary>
    VariationRatio,
}
