using NotebookNN.Calibration;
using NotebookNN.Losses;
using NotebookNN.Metrics;
using NotebookNN.Tests.Training;
using NotebookNN.Uncertainty;
using NotebookNN.Validation;
using TorchSharp;
using static TorchSharp.torch;
using Reduction = TorchSharp.torch.nn.Reduction;

namespace NotebookNN.Tests.Checks;

/// <summary>
/// The library's one rule for empty and non-finite input, over every public entry point of the losses, metrics,
/// calibration and uncertainty code: an <see cref="ArgumentException"/> whose ParamName is the argument and whose
/// message says what was wrong and what to pass. Before the rule, the losses returned NaN on these inputs.
/// </summary>
[Collection(TorchGlobalState.Name)]
public class BadInputTests
{
    /// <summary>A call with bad input, the argument it must name, and words its message must contain.</summary>
    public sealed record Case(Action Call, string Param, params string[] Says);

    const string Empty = "is empty";
    const string Pass = "pass at least one sample";
    const string NaN = "1 NaN";
    const string Inf = "1 infinite";
    const string SameSamples = "pass predictions and labels for the same samples";

    // Inputs are built inside each call, so every case owns its tensors and one case cannot disturb another.
    static Tensor V(params double[] values) => tensor(values);
    static Tensor M(double[,] values) => tensor(values);
    static Tensor L(params long[] values) => tensor(values);
    static Tensor Empty1() => zeros(0, ScalarType.Float64);
    static Tensor Empty2(long columns) => zeros(0, columns, ScalarType.Float64);
    static Tensor EmptyLabels() => zeros(0, ScalarType.Int64);
    static Tensor Probs3() => M(new[,] { { 0.7, 0.2, 0.1 }, { 0.1, 0.8, 0.1 }, { 0.2, 0.2, 0.6 }, { 0.5, 0.3, 0.2 } });
    static Tensor NaNProbs3() => M(new[,] { { 0.7, 0.2, 0.1 }, { double.NaN, 0.8, 0.1 }, { 0.2, 0.2, 0.6 }, { 0.5, 0.3, 0.2 } });
    static Tensor Logits3() => M(new[,] { { 2.0, 0, 0 }, { 0, 2, 0 }, { 0, 0, 2 }, { 2, 0, 0 } });
    static Tensor NaNLogits3() => M(new[,] { { 2.0, 0, 0 }, { 0, double.NaN, 0 }, { 0, 0, 2 }, { 2, 0, 0 } });
    static Tensor Labels3() => L(0, 1, 2, 1);

    // Fitted once on data with mistakes on it (so both fits have an answer), for the cases that apply a fit.
    static readonly Lazy<TemperatureScaling> Temperature = new(() =>
    {
        using var z = Logits3();
        using var y = Labels3();
        return TemperatureScaling.Fit(z, y);
    });

    static readonly Lazy<PlattScaling> Platt = new(() =>
    {
        using var z = V(-2, -1, 1, 2, 0.5, -0.5);
        using var y = L(0, 1, 0, 1, 1, 0);
        return PlattScaling.Fit(z, y);
    });

    static nn.Module<Tensor, Tensor> DropoutNet() =>
        nn.Sequential(("fc", nn.Linear(2, 3)), ("drop", nn.Dropout(0.5)));

    static readonly Dictionary<string, Case> Cases = new()
    {
        // ------------------------------------------------------------ losses: empty batches (they returned NaN)
        ["Loss.BinaryCrossEntropyWithLogits empty"] = new(() => Loss.BinaryCrossEntropyWithLogits(Empty1(), Empty1()), "logits", Empty, Pass),
        ["Loss.BinaryCrossEntropyWithLogits NaN logit"] = new(() => Loss.BinaryCrossEntropyWithLogits(V(0.5, double.NaN), V(1, 0)), "logits", NaN),
        ["Loss.BinaryCrossEntropyWithLogits inf logit"] = new(() => Loss.BinaryCrossEntropyWithLogits(V(double.PositiveInfinity, 1), V(1, 0)), "logits", Inf),
        ["Loss.BinaryCrossEntropyWithLogits NaN target"] = new(() => Loss.BinaryCrossEntropyWithLogits(V(0.5, 1), V(1, double.NaN)), "targets", NaN),
        ["Loss.TorchBinaryCrossEntropy empty"] = new(() => Loss.TorchBinaryCrossEntropy(Empty1(), Empty1()), "probabilities", Empty, Pass),
        ["Loss.TorchBinaryCrossEntropy NaN"] = new(() => Loss.TorchBinaryCrossEntropy(V(0.5, double.NaN), V(1, 0)), "probabilities", NaN),
        ["Loss.CrossEntropy empty"] = new(() => Loss.CrossEntropy(Empty2(3), EmptyLabels()), "logits", Empty, Pass),
        ["Loss.CrossEntropy NaN"] = new(() => Loss.CrossEntropy(NaNLogits3(), Labels3()), "logits", NaN),
        ["Loss.KerasBinaryCrossEntropyElementwise empty"] = new(() => Loss.KerasBinaryCrossEntropyElementwise(Empty1(), Empty1()), "probabilities", Empty, Pass),
        ["Loss.KerasBinaryCrossEntropy empty"] = new(() => Loss.KerasBinaryCrossEntropy(Empty1(), Empty1()), "probabilities", Empty, Pass),
        ["Loss.KerasBinaryCrossEntropy NaN"] = new(() => Loss.KerasBinaryCrossEntropy(V(double.NaN, 0.5), V(1, 0)), "probabilities", NaN),
        ["Loss.KerasBinaryCrossEntropyFromLogits empty"] = new(() => Loss.KerasBinaryCrossEntropyFromLogits(Empty1(), Empty1()), "logits", Empty, Pass),
        ["Loss.KerasBinaryCrossEntropyFromLogits inf"] = new(() => Loss.KerasBinaryCrossEntropyFromLogits(V(double.NegativeInfinity, 0.5), V(1, 0)), "logits", Inf),
        ["Loss.KerasCategoricalCrossEntropy empty"] = new(() => Loss.KerasCategoricalCrossEntropy(Empty2(3), Empty2(3)), "probabilities", Empty, Pass),
        ["Loss.KerasCategoricalCrossEntropy NaN"] = new(() => Loss.KerasCategoricalCrossEntropy(NaNProbs3(), Probs3()), "probabilities", NaN),
        ["Loss.KerasCategoricalCrossEntropyFromLogits empty"] = new(() => Loss.KerasCategoricalCrossEntropyFromLogits(Empty2(3), Empty2(3)), "logits", Empty, Pass),
        ["Loss.KerasCategoricalCrossEntropyFromLogits NaN"] = new(() => Loss.KerasCategoricalCrossEntropyFromLogits(NaNLogits3(), Probs3()), "logits", NaN),
        ["Loss.KerasSparseCategoricalCrossEntropy empty"] = new(() => Loss.KerasSparseCategoricalCrossEntropy(Empty2(3), EmptyLabels()), "probabilities", Empty, Pass),
        ["Loss.KerasSparseCategoricalCrossEntropy NaN"] = new(() => Loss.KerasSparseCategoricalCrossEntropy(NaNProbs3(), Labels3()), "probabilities", NaN),
        ["Loss.SparseCategoricalCrossEntropyFromLogits empty"] = new(() => Loss.SparseCategoricalCrossEntropyFromLogits(Empty2(3), EmptyLabels()), "logits", Empty, Pass),
        ["Loss.SparseCategoricalCrossEntropyFromLogits NaN"] = new(() => Loss.SparseCategoricalCrossEntropyFromLogits(NaNLogits3(), Labels3()), "logits", NaN),
        ["Loss.MaskedMean empty"] = new(() => Loss.MaskedMean(Empty1(), zeros(0, ScalarType.Bool)), "perElementLoss", Empty, Pass),
        ["Loss.MaskedMean NaN where kept"] = new(() => Loss.MaskedMean(V(1, double.NaN), tensor(new[] { true, true })), "perElementLoss", NaN),
        ["Loss.MaskedSparseCategoricalCrossEntropyFromLogits empty"] = new(() =>
            Loss.MaskedSparseCategoricalCrossEntropyFromLogits(Empty2(3), EmptyLabels(), zeros(0, ScalarType.Bool)), "logits", Empty, Pass),
        ["Loss.MaskedSparseCategoricalCrossEntropyFromLogits NaN where kept"] = new(() =>
            Loss.MaskedSparseCategoricalCrossEntropyFromLogits(NaNLogits3(), Labels3(), ones(4, ScalarType.Bool)), "logits", NaN),
        ["Loss.MaskedBinaryCrossEntropyWithLogits empty"] = new(() =>
            Loss.MaskedBinaryCrossEntropyWithLogits(Empty1(), Empty1(), zeros(0, ScalarType.Bool)), "logits", Empty, Pass),
        ["Loss.MaskedBinaryCrossEntropyWithLogits NaN where kept"] = new(() =>
            Loss.MaskedBinaryCrossEntropyWithLogits(V(double.NaN, 1), V(1, 0), tensor(new[] { true, false })), "logits", NaN),
        ["Loss.WeightedMean empty"] = new(() => Loss.WeightedMean(Empty1(), Empty1()), "perElementLoss", Empty, Pass),
        ["Loss.WeightedMean NaN"] = new(() => Loss.WeightedMean(V(1, double.NaN), V(1, 1)), "perElementLoss", NaN),
        ["Loss.KerasSampleWeightedMean empty"] = new(() => Loss.KerasSampleWeightedMean(Empty1(), Empty1()), "perSampleLoss", Empty, Pass),
        ["Loss.WeightedSum NaN task loss"] = new(() => Loss.WeightedSum((tensor(double.NaN), 1.0)), "terms[0].Loss", NaN),
        ["Loss.WeightedSum no tasks"] = new(() => Loss.WeightedSum(Array.Empty<Tensor>(), Array.Empty<double>()), "losses", Empty, "pass at least one"),

        // ------------------------------------------------------------ metrics
        ["Accuracy.Binary empty"] = new(() => Accuracy.Binary(Empty1(), Empty1()), "predictions", Empty, Pass),
        ["Accuracy.Binary NaN"] = new(() => Accuracy.Binary(V(double.NaN, 0.7), V(0, 1)), "predictions", NaN),
        ["Accuracy.Binary NaN target"] = new(() => Accuracy.Binary(V(0.2, 0.7), V(0, double.NaN)), "targets", NaN),
        ["Accuracy.Categorical empty"] = new(() => Accuracy.Categorical(Empty2(3), Empty2(3)), "predictions", Empty, Pass),
        ["Accuracy.Categorical NaN"] = new(() => Accuracy.Categorical(NaNProbs3(), Probs3()), "predictions", NaN),
        ["Accuracy.SparseCategorical empty"] = new(() => Accuracy.SparseCategorical(Empty2(3), EmptyLabels()), "predictions", Empty, Pass),
        ["Accuracy.SparseCategorical infinite label"] = new(() =>
            Accuracy.SparseCategorical(Probs3(), V(0, 1, double.PositiveInfinity, 1)), "labels", Inf),
        ["Accuracy.Compute NaN"] = new(() => Accuracy.Compute(AccuracyMetric.SparseCategoricalAccuracy, NaNProbs3(), Labels3()), "predictions", NaN),
        ["Accuracy.ResolveKeras NaN"] = new(() => Accuracy.ResolveKeras(NaNProbs3(), Labels3()), "predictions", NaN),
        ["Accuracy.ResolveKeras2Legacy NaN"] = new(() =>
            Accuracy.ResolveKeras2Legacy(NaNProbs3(), Probs3(), KerasLossKind.BinaryCrossentropy), "predictions", NaN),
        ["Classification.PrecisionRecallF1 empty"] = new(() => Classification.PrecisionRecallF1(EmptyLabels(), EmptyLabels()), "yTrue", Empty, Pass),
        ["Classification.Precision empty"] = new(() => Classification.Precision(EmptyLabels(), EmptyLabels()), "yTrue", Empty, Pass),
        ["Classification.Recall NaN prediction"] = new(() => Classification.Recall(V(0, 1, 1), V(0, double.NaN, 1)), "yPred", "NaN"),
        ["Classification.F1 infinite prediction"] = new(() => Classification.F1(V(0, 1, 1), V(0, double.PositiveInfinity, 1)), "yPred", "Infinity"),
        ["Classification.HammingLoss empty"] = new(() => Classification.HammingLoss(EmptyLabels(), EmptyLabels()), "yTrue", Empty, Pass),
        ["Classification.SubsetAccuracy empty"] = new(() => Classification.SubsetAccuracy(EmptyLabels(), EmptyLabels()), "yTrue", Empty, Pass),
        ["Classification.ConfusionMatrix empty"] = new(() => Classification.ConfusionMatrix(EmptyLabels(), EmptyLabels()), "yTrue", Empty, Pass),
        ["Classification.ConfusionMatrix labels absent from yTrue"] = new(() =>
            Classification.ConfusionMatrix(L(0, 1, 1), L(0, 1, 2), [2, 3]), "labels", "None of the labels given (2, 3) occurs in 'yTrue'", "pass labels that occur"),
        ["Curves.Roc empty"] = new(() => Curves.Roc(Empty1(), EmptyLabels()), "scores", Empty, Pass),
        ["Curves.Roc NaN"] = new(() => Curves.Roc(V(0.1, double.NaN), L(0, 1)), "scores", NaN),
        ["Curves.RocAuc empty"] = new(() => Curves.RocAuc(Empty1(), EmptyLabels()), "scores", Empty, Pass),
        ["Curves.RocAuc NaN"] = new(() => Curves.RocAuc(V(0.1, double.NaN), L(0, 1)), "scores", NaN),
        ["Curves.PrecisionRecall empty"] = new(() => Curves.PrecisionRecall(Empty1(), EmptyLabels()), "scores", Empty, Pass),
        ["Curves.AveragePrecision inf"] = new(() => Curves.AveragePrecision(V(0.1, double.PositiveInfinity), L(0, 1)), "scores", Inf),
        ["Curves.Auc NaN"] = new(() => Curves.Auc([0.0, 0.5, 1.0], [0.0, double.NaN, 1.0]), "y", "NaN at index 1"),
        ["Curves.Auc too few points"] = new(() => Curves.Auc([], []), "x", "At least 2 points"),

        // ------------------------------------------------------------ calibration
        ["ProbabilityScores.Brier empty"] = new(() => ProbabilityScores.Brier(Empty1(), EmptyLabels(), ScoreKind.Probabilities), "scores", Empty, Pass),
        ["ProbabilityScores.Brier NaN"] = new(() => ProbabilityScores.Brier(V(0.2, double.NaN), L(0, 1), ScoreKind.Probabilities), "scores", NaN),
        ["ProbabilityScores.Brier length mismatch"] = new(() =>
            ProbabilityScores.Brier(V(0.2, 0.7, 0.9), L(0, 1), ScoreKind.Probabilities), "labels", "'scores' has 3 sample(s)", "'labels' has 2", SameSamples),
        ["ProbabilityScores.NegativeLogLikelihood empty"] = new(() =>
            ProbabilityScores.NegativeLogLikelihood(Empty2(3), EmptyLabels(), ScoreKind.Logits), "scores", Empty, Pass),
        ["ProbabilityScores.NegativeLogLikelihood length mismatch"] = new(() =>
            ProbabilityScores.NegativeLogLikelihood(Logits3(), L(0, 1), ScoreKind.Logits), "labels", "'scores' has 4 sample(s)", SameSamples),
        ["Reliability.TopLabel empty"] = new(() => Reliability.TopLabel(Empty2(3), EmptyLabels(), ScoreKind.Probabilities), "scores", Empty, Pass),
        ["Reliability.TopLabel length mismatch"] = new(() =>
            Reliability.TopLabel(Probs3(), L(0, 1, 2), ScoreKind.Probabilities), "labels", "'labels' has 3", SameSamples),
        ["Reliability.PositiveClass NaN"] = new(() => Reliability.PositiveClass(V(0.2, double.NaN), L(0, 1), ScoreKind.Probabilities), "scores", NaN),
        ["Reliability.PositiveClass length mismatch"] = new(() =>
            Reliability.PositiveClass(V(0.2, 0.4), L(0, 1, 1), ScoreKind.Probabilities), "labels", SameSamples),
        ["Reliability.ExpectedCalibrationError empty"] = new(() =>
            Reliability.ExpectedCalibrationError(Empty1(), EmptyLabels(), ScoreKind.Probabilities), "scores", Empty, Pass),
        ["Reliability.MaximumCalibrationError NaN"] = new(() =>
            Reliability.MaximumCalibrationError(NaNLogits3(), Labels3(), ScoreKind.Logits), "scores", NaN),
        ["Reliability.BinOf NaN"] = new(() => Reliability.BinOf(double.NaN, Reliability.Edges(10)), "value", "NaN", "pass a value in [0, 1]"),
        ["Reliability labels of the wrong rank"] = new(() =>
            Reliability.TopLabel(Probs3(), Probs3(), ScoreKind.Probabilities), "labels", "one integer class label per sample", "labels.argmax(-1)"),
        ["TemperatureScaling.Fit empty"] = new(() => TemperatureScaling.Fit(Empty2(3), EmptyLabels()), "scores", Empty, Pass),
        ["TemperatureScaling.Fit NaN"] = new(() => TemperatureScaling.Fit(NaNLogits3(), Labels3()), "scores", NaN),
        ["TemperatureScaling.Fit length mismatch"] = new(() => TemperatureScaling.Fit(Logits3(), L(0, 1, 2)), "labels", "'scores' has 4 sample(s)", SameSamples),
        ["TemperatureScaling.Apply NaN"] = new(() => Temperature.Value.Apply(NaNLogits3()), "logits", NaN),
        ["TemperatureScaling.Probabilities empty"] = new(() => Temperature.Value.Probabilities(Empty2(3)), "logits", Empty, Pass),
        ["PlattScaling.Fit empty"] = new(() => PlattScaling.Fit(Empty1(), EmptyLabels()), "scores", Empty, Pass),
        ["PlattScaling.Fit length mismatch"] = new(() => PlattScaling.Fit(V(-1, 1, 2), L(0, 1)), "labels", SameSamples),
        ["PlattScaling.ApplyToLogits inf"] = new(() => Platt.Value.ApplyToLogits(V(double.PositiveInfinity, 0)), "logits", Inf),
        ["PlattScaling.Probabilities empty"] = new(() => Platt.Value.Probabilities(Empty1()), "logits", Empty, Pass),

        // ------------------------------------------------------------ uncertainty
        ["PredictiveDistribution.FromProbabilities empty"] = new(() => PredictiveDistribution.FromProbabilities(zeros(3, 0, 2, ScalarType.Float64)), "samples", Empty, Pass),
        ["PredictiveDistribution.FromProbabilities one column"] = new(() =>
            PredictiveDistribution.FromProbabilities(ones(3, 4, 1, ScalarType.Float64)), "samples", "one class column", "pass both columns"),
        ["PredictiveDistribution.FromProbabilities NaN"] = new(() =>
            PredictiveDistribution.FromProbabilities(NaNProbs3().unsqueeze(0)), "samples", NaN),
        ["PredictiveDistribution.FromOutputs empty"] = new(() =>
            PredictiveDistribution.FromOutputs(zeros(2, 0, 3, ScalarType.Float64), OutputKind.Logits), "outputs", Empty, Pass),
        ["PredictiveDistribution.FromOutputs NaN logits"] = new(() =>
            PredictiveDistribution.FromOutputs(NaNLogits3().unsqueeze(0), OutputKind.Logits), "outputs", NaN),
        ["PredictiveDistribution.FromOutputs inf binary logit"] = new(() =>
            PredictiveDistribution.FromOutputs(V(1, double.PositiveInfinity).reshape(2, 1, 1), OutputKind.BinaryLogit), "outputs", Inf),
        ["PredictiveDistribution.FromOutputs one probability column"] = new(() =>
            PredictiveDistribution.FromOutputs(ones(3, 4, 1, ScalarType.Float64), OutputKind.Probabilities), "outputs", "one class column"),
        ["PredictiveDistribution.Entropy empty"] = new(() => PredictiveDistribution.Entropy(Empty2(3)), "probabilities", Empty, Pass),
        ["PredictiveDistribution.Entropy NaN"] = new(() => PredictiveDistribution.Entropy(NaNProbs3()), "probabilities", NaN),
        ["McDropout.Predict empty"] = new(() => McDropout.Predict(DropoutNet(), zeros(0, 2), 4, OutputKind.Logits), "x", Empty, Pass),
        ["McDropout.SamplePasses NaN"] = new(() => McDropout.SamplePasses(DropoutNet(), tensor(new[,] { { 1f, float.NaN } }), 4), "x", NaN),
        ["McDropout.Plan inf"] = new(() => McDropout.Plan(DropoutNet(), tensor(new[,] { { 1f, float.NegativeInfinity } }), 4), "x", Inf),
        ["DeepEnsemble.Predict NaN"] = new(() =>
            DeepEnsemble.Predict([DropoutNet(), DropoutNet()], tensor(new[,] { { 1f, float.NaN } }), OutputKind.Logits), "x", NaN),

        // ------------------------------------------------------------ validation (the empty-label message)
        ["StratifiedKFold.Split empty labels"] = new(() => new StratifiedKFold(3).Split(Array.Empty<long>()), "labels",
            "'labels' is empty: pass at least one class label per sample"),
        ["StratifiedKFold.Split empty label tensor"] = new(() => new StratifiedKFold(3).Split(EmptyLabels()), "labels", Empty),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Bad_input_throws_an_argument_exception_naming_the_argument_the_mistake_and_the_fix(string name)
    {
        var c = Cases[name];
        var e = Assert.ThrowsAny<ArgumentException>(c.Call);
        Assert.Equal(c.Param, e.ParamName);
        foreach (var words in c.Says) Assert.Contains(words, e.Message);
    }

    [Fact]
    public void The_value_checks_can_be_switched_off_and_then_pytorch_semantics_show_through()
    {
        // Inside a training loop that has validated its first batch, the per-call device read can be skipped;
        // the loss is then PyTorch's, which propagates a NaN logit.
        using var z = V(0.5, double.NaN);
        using var y = V(1, 0);
        using (NotebookNN.Checks.WithoutValueChecks())
            Assert.True(double.IsNaN(Loss.BinaryCrossEntropyWithLogits(z, y).item<double>()));
        Assert.Throws<ArgumentException>(() => Loss.BinaryCrossEntropyWithLogits(z, y));
    }

    [Fact]
    public void Masked_losses_still_ignore_nan_where_the_mask_excludes_it()
    {
        // The rule reads values only where they count: padding may hold anything.
        using var z = V(0.5, double.NaN, -1.0);
        using var t = V(1, 0, 0);
        using var keep = tensor(new[] { true, false, true });
        using var clean = V(0.5, -1.0);
        using var cleanT = V(1, 0);
        Assert.Equal(Loss.BinaryCrossEntropyWithLogits(clean, cleanT).item<double>(),
            Loss.MaskedBinaryCrossEntropyWithLogits(z, t, keep).item<double>(), 15);
        using var logits = NaNLogits3();
        using var labels = Labels3();
        using var rowMask = tensor(new[] { true, false, true, true });
        double masked = Loss.MaskedSparseCategoricalCrossEntropyFromLogits(logits, labels, rowMask).item<double>();
        Assert.True(double.IsFinite(masked));
    }

    [Fact]
    public void The_table_has_a_row_for_every_public_entry_point_that_takes_values()
    {
        // A new public function must get a row: the table is the rule's test. Exempt: functions that take no values
        // (names, bin edges from a count, module plumbing) and members without input.
        string[] exempt = ["KerasName", "Edges", "DropoutOnly", "DropoutLayers", "PredictedClass", "MaxProbability", "Dispose",
            "ToString", "Equals", "GetHashCode", "GetType"];
        Type[] types = [typeof(Loss), typeof(Accuracy), typeof(Classification), typeof(Curves), typeof(ProbabilityScores),
            typeof(Reliability), typeof(TemperatureScaling), typeof(PlattScaling), typeof(PredictiveDistribution),
            typeof(McDropout), typeof(DeepEnsemble)];
        const System.Reflection.BindingFlags Public = System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static |
            System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly;
        var missing = types
            .SelectMany(t => t.GetMethods(Public).Where(m => !m.IsSpecialName && !exempt.Contains(m.Name)).Select(m => $"{t.Name}.{m.Name}"))
            .Distinct()
            .Where(entry => !Cases.Keys.Any(k => k.StartsWith(entry + " ", StringComparison.Ordinal)))
            .ToList();
        Assert.Empty(missing);
    }
}
