using System.Globalization;
using NotebookNN.Calibration;
using NotebookNN.Metrics;
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
    /// Draws a reliability diagram computed by <see cref="Reliability"/>: per bin the accuracy (or fraction of
    /// positives) as bars, the gap to the bin's mean confidence (red: over- or under-confidence), the diagonal of
    /// perfect calibration, a histogram of the predictions per bin below, and the ECE in the title.
    /// </summary>
    public static GenericChart ReliabilityDiagram(Calibration.ReliabilityDiagram diagram)
    {
        ArgumentNullException.ThrowIfNull(diagram);
        var bins = diagram.Bins;
        if (bins.Count == 0) throw new ArgumentException("The diagram has no bins.", nameof(diagram));
        var centers = bins.Select(b => (b.Lower + b.Upper) / 2).ToArray();
        var widths = bins.Select(b => (b.Upper - b.Lower) * 0.95).ToArray();
        var filled = Enumerable.Range(0, bins.Count).Where(i => bins[i].Count > 0).ToArray();
        string observed = diagram.TopLabel ? "accuracy" : "fraction of positives";
        var accuracy = Trace("bar", ("x", filled.Select(i => centers[i]).ToArray()), ("y", filled.Select(i => bins[i].ObservedFrequency).ToArray()),
            ("width", filled.Select(i => widths[i]).ToArray()), ("name", observed), ("marker", Obj(("color", Accent))));
        var gap = Trace("bar", ("x", filled.Select(i => centers[i]).ToArray()), ("base", filled.Select(i => bins[i].ObservedFrequency).ToArray()),
            ("y", filled.Select(i => bins[i].MeanConfidence - bins[i].ObservedFrequency).ToArray()), ("width", filled.Select(i => widths[i]).ToArray()),
            ("name", "gap to confidence"), ("marker", Obj(("color", "rgba(208,96,74,0.45)"), ("line", Obj(("color", Warm), ("width", 1))))));
        var diagonal = Trace("scatter", ("x", new[] { 0.0, 1.0 }), ("y", new[] { 0.0, 1.0 }), ("mode", "lines"), ("name", "perfect calibration"),
            ("line", Obj(("dash", "dash"), ("color", Grey))));
        var histogram = Trace("bar", ("x", centers), ("y", bins.Select(b => (double)b.Count).ToArray()), ("width", widths),
            ("name", "predictions per bin"), ("yaxis", "y2"), ("marker", Obj(("color", Grey))));
        string title = string.Create(CultureInfo.InvariantCulture,
            $"Reliability diagram (ECE = {diagram.ExpectedCalibrationError:0.0000}, {bins.Count} bins, n = {diagram.Samples})");
        var layout = Layout(("title", Title(title)), ("barmode", "overlay"),
            ("xaxis", Axis(diagram.TopLabel ? "confidence" : "predicted probability of class 1", ("range", new[] { 0.0, 1.0 }), ("anchor", "y2"))),
            ("yaxis", Axis(observed, ("range", new[] { 0.0, 1.0 }), ("domain", new[] { 0.32, 1.0 }))),
            ("yaxis2", Axis("count", ("domain", new[] { 0.0, 0.22 }), ("anchor", "x"))),
            ("height", 560));
        return Chart(layout, [accuracy, gap, diagonal, histogram]);
    }

    /// <summary>
    /// The top-label reliability diagram of a classifier's scores against the true labels (see
    /// <see cref="Reliability.TopLabel"/>): (N, C) softmax rows or logits, or (N) binary scores.
    /// </summary>
    /// <param name="scores">The model's outputs.</param>
    /// <param name="labels">Integer class labels (N).</param>
    /// <param name="kind">Whether <paramref name="scores"/> are logits or probabilities (the caller says which).</param>
    /// <param name="bins">Equal-width bins over [0, 1].</param>
    public static GenericChart ReliabilityDiagram(Tensor scores, Tensor labels, ScoreKind kind, int bins = 15) =>
        ReliabilityDiagram(Reliability.TopLabel(scores, labels, kind, bins));

    /// <summary>
    /// The reliability diagram of predictions given as their confidence (the predicted class's probability) and
    /// whether each was right: binned with <see cref="Reliability"/>'s rule, accuracy per bin.
    /// </summary>
    public static GenericChart ReliabilityDiagramFromConfidences(IReadOnlyList<double> confidences, IReadOnlyList<bool> correct, int bins = 15)
    {
        ArgumentNullException.ThrowIfNull(confidences);
        ArgumentNullException.ThrowIfNull(correct);
        if (confidences.Count != correct.Count)
            throw new ArgumentException($"Got {confidences.Count} confidences but {correct.Count} correctness flags: give one per prediction.");
        using var scope = torch.NewDisposeScope();
        // Binning confidence against "was right" is the positive-class diagram of (confidence, correct).
        var diagram = Reliability.PositiveClass(torch.tensor(confidences.ToArray()), torch.tensor(correct.Select(c => c ? 1L : 0L).ToArray()),
            ScoreKind.Probabilities, bins);
        return ReliabilityDiagram(diagram with { TopLabel = true });
    }

    // ---------------- ROC ----------------

    /// <summary>
    /// A ROC curve (from <see cref="Curves.Roc"/>) with the AUC in the legend and title, the chance diagonal, and the
    /// operating point of <paramref name="threshold"/> (a score threshold: predict positive when score ≥ it) marked.
    /// </summary>
    public static GenericChart Roc(RocCurve curve, double? threshold = null)
    {
        ArgumentNullException.ThrowIfNull(curve);
        var (fpr, tpr, thresholds) = (curve.Fpr, curve.Tpr, curve.Thresholds);
        if (fpr.Length != tpr.Length || fpr.Length != thresholds.Length || fpr.Length < 2)
            throw new ArgumentException($"fpr, tpr and thresholds need the same length (at least 2); got {fpr.Length}, {tpr.Length}, {thresholds.Length}.", nameof(curve));
        string aucText = curve.Auc.ToString("0.000", CultureInfo.InvariantCulture);
        var traces = new List<Trace>
        {
            Trace("scatter", ("x", fpr), ("y", tpr), ("mode", "lines"), ("name", $"ROC (AUC = {aucText})"),
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

    /// <summary>The ROC curve of binary scores (probabilities or logits of class 1) against 0/1 labels.</summary>
    public static GenericChart Roc(Tensor scores, Tensor labels, double? threshold = null) =>
        Roc(Curves.Roc(scores, labels), threshold);

    /// <summary>A ROC curve from its points (thresholds decreasing along the curve, as roc_curve returns them).</summary>
    public static GenericChart Roc(IReadOnlyList<double> fpr, IReadOnlyList<double> tpr, IReadOnlyList<double> thresholds, double? threshold = null)
    {
        ArgumentNullException.ThrowIfNull(fpr);
        ArgumentNullException.ThrowIfNull(tpr);
        ArgumentNullException.ThrowIfNull(thresholds);
        return Roc(new RocCurve(fpr.ToArray(), tpr.ToArray(), thresholds.ToArray()), threshold);
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

    // ---------------- functions ----------------

    /// <summary>
    /// One or more curves over the same x values, e.g. a learned function beside the true one, or a network's
    /// derivative beside the analytic derivative. Solid lines, one colour per series, a shared legend.
    /// </summary>
    /// <param name="title">The chart title.</param>
    /// <param name="xTitle">The x-axis title.</param>
    /// <param name="yTitle">The y-axis title.</param>
    /// <param name="x">The x values, shared by every series.</param>
    /// <param name="series">Named y values, each as long as <paramref name="x"/>.</param>
    public static GenericChart Lines(string title, string xTitle, string yTitle, IReadOnlyList<double> x,
        params (string Name, IReadOnlyList<double> Y)[] series)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(series);
        if (x.Count == 0) throw new ArgumentException("No x values: pass the points the curves are drawn at.", nameof(x));
        if (series.Length == 0) throw new ArgumentException("No series to draw: pass at least one (name, y values) pair.", nameof(series));
        string[] palette = [Accent, Warm, Grey, "#3a9a5b", "#8a5ac0"];
        var traces = new List<Trace>();
        for (int i = 0; i < series.Length; i++)
        {
            var (name, y) = series[i];
            if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException($"Series {i} has no name: name every curve for the legend.", nameof(series));
            if (y is null || y.Count != x.Count)
                throw new ArgumentException($"Series '{name}' has {y?.Count ?? 0} values but there are {x.Count} x values: give one y per x.", nameof(series));
            traces.Add(Trace("scatter", ("x", x.ToArray()), ("y", y.ToArray()), ("mode", "lines"), ("name", name),
                ("line", Obj(("color", palette[i % palette.Length]), ("width", 2)))));
        }
        var layout = Layout(("title", Title(title)), ("xaxis", Axis(xTitle)), ("yaxis", Axis(yTitle)), ("height", 420));
        return Chart(layout, traces);
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
