using NotebookNN.Calibration;
using NotebookNN.Tests.Reference;
using static TorchSharp.torch;

namespace NotebookNN.Tests.Calibration;

public class ReliabilityTests
{
    [Fact]
    public void Top_label_bins_ece_and_mce_match_the_reference_from_logits_and_from_probabilities()
    {
        using var logits = Ref.Tensor("calibration.multiclass.logits");
        using var probs = Ref.Tensor("calibration.multiclass.probs");
        using var labels = Ref.LongTensor("calibration.multiclass.labels");
        foreach (var d in new[] { Reliability.TopLabel(logits, labels, ScoreKind.Logits), Reliability.TopLabel(probs, labels, ScoreKind.Probabilities) })
        {
            Assert.Equal(15, d.Bins.Count);
            Assert.Equal(Ref.Longs("calibration.multiclass.reliability15.counts"), d.Bins.Select(b => b.Count).ToArray());
            Near.Values(Ref.Doubles("calibration.multiclass.reliability15.mean_confidence"), d.Bins.Select(b => b.MeanConfidence).ToArray(), 1e-9);
            Near.Values(Ref.Doubles("calibration.multiclass.reliability15.accuracy"), d.Bins.Select(b => b.ObservedFrequency).ToArray(), 1e-9);
            Near.Equal(Ref.Number("calibration.multiclass.reliability15.ece"), d.ExpectedCalibrationError, 1e-9, "ECE");
            Near.Equal(Ref.Number("calibration.multiclass.reliability15.mce"), d.MaximumCalibrationError, 1e-9, "MCE");
        }
        Near.Equal(Ref.Number("calibration.multiclass.reliability15.ece"),
            Reliability.ExpectedCalibrationError(logits, labels, ScoreKind.Logits), 1e-9);
        Near.Equal(Ref.Number("calibration.multiclass.reliability15.mce"),
            Reliability.MaximumCalibrationError(logits, labels, ScoreKind.Logits), 1e-9);
    }

    [Fact]
    public void Positive_class_diagram_matches_sklearn_calibration_curve_with_values_on_bin_edges()
    {
        using var p = Ref.Tensor("calibration.binary.probs_rounded");
        using var labels = Ref.LongTensor("calibration.binary.labels");
        var d = Reliability.PositiveClass(p, labels, ScoreKind.Probabilities, 10);
        Near.Values(Ref.Doubles("calibration.binary.calibration_curve.prob_true"), d.NonEmptyBins.Select(b => b.ObservedFrequency).ToArray(), 1e-12);
        Near.Values(Ref.Doubles("calibration.binary.calibration_curve.prob_pred"), d.NonEmptyBins.Select(b => b.MeanConfidence).ToArray(), 1e-12);
        var top = Reliability.TopLabel(p, labels, ScoreKind.Probabilities, 10);
        Assert.Equal(Ref.Longs("calibration.binary.top_label10.counts"), top.Bins.Select(b => b.Count).ToArray());
        Near.Equal(Ref.Number("calibration.binary.top_label10.ece"), top.ExpectedCalibrationError, 1e-12);
    }

    [Fact]
    public void Bin_edges_follow_the_documented_rule()
    {
        var edges = Reliability.Edges(10);
        Assert.Equal(0.0, edges[0]);
        Assert.Equal(1.0, edges[10]);
        Assert.Equal(0, Reliability.BinOf(0.0, edges));                       // 0 is in the first bin
        Assert.Equal(0, Reliability.BinOf(edges[1], edges));                  // an inner edge goes to the lower bin
        Assert.Equal(1, Reliability.BinOf(Math.BitIncrement(edges[1]), edges));
        Assert.Equal(9, Reliability.BinOf(1.0, edges));                       // 1 is in the last bin
        Assert.Equal(4, Reliability.BinOf(0.5, edges));
    }
}

public class ProbabilityScoreTests
{
    [Fact]
    public void Brier_and_nll_match_sklearn_and_pytorch()
    {
        using var logits = Ref.Tensor("calibration.multiclass.logits");
        using var probs = Ref.Tensor("calibration.multiclass.probs");
        using var labels = Ref.LongTensor("calibration.multiclass.labels");
        Near.Equal(Ref.Number("calibration.multiclass.brier"), ProbabilityScores.Brier(probs, labels, ScoreKind.Probabilities), 1e-12);
        Near.Equal(Ref.Number("calibration.multiclass.brier"), ProbabilityScores.Brier(logits, labels, ScoreKind.Logits), 1e-12);
        Near.Equal(Ref.Number("calibration.multiclass.nll_logits"), ProbabilityScores.NegativeLogLikelihood(logits, labels, ScoreKind.Logits), 1e-12);
        Near.Equal(Ref.Number("calibration.multiclass.nll_probs_sklearn"), ProbabilityScores.NegativeLogLikelihood(probs, labels, ScoreKind.Probabilities), 1e-12);

        using var bl = Ref.Tensor("calibration.binary.logits");
        using var bp = Ref.Tensor("calibration.binary.probs_rounded");
        using var by = Ref.LongTensor("calibration.binary.labels");
        Near.Equal(Ref.Number("calibration.binary.brier"), ProbabilityScores.Brier(bp, by, ScoreKind.Probabilities), 1e-12);
        Near.Equal(Ref.Number("calibration.binary.nll_probs_sklearn"), ProbabilityScores.NegativeLogLikelihood(bp, by, ScoreKind.Probabilities), 1e-12);
        Near.Equal(Ref.Number("calibration.binary.nll_logits"), ProbabilityScores.NegativeLogLikelihood(bl, by, ScoreKind.Logits), 1e-12);
        Near.Equal(Ref.Number("calibration.binary.nll_logits"), ProbabilityScores.NegativeLogLikelihood(bl.unsqueeze(1), by, ScoreKind.Logits), 1e-12);
    }
}

public class ScalingTests
{
    [Fact]
    public void Temperature_scaling_finds_the_nll_minimum_and_keeps_accuracy()
    {
        using var logits = Ref.Tensor("calibration.multiclass.logits");
        using var labels = Ref.LongTensor("calibration.multiclass.labels");
        var ts = TemperatureScaling.Fit(logits, labels);
        Near.Equal(Ref.Number("calibration.multiclass.temperature"), ts.Temperature, 1e-6, "T");
        Near.Equal(Ref.Number("calibration.multiclass.nll_after"), ts.ValidationNllAfter, 1e-9, "NLL after");
        Near.Equal(Ref.Number("calibration.multiclass.nll_logits"), ts.ValidationNllBefore, 1e-12, "NLL before");
        Assert.True(ts.ValidationNllAfter < ts.ValidationNllBefore);
        using var calibrated = ts.Probabilities(logits);
        Assert.True((calibrated.argmax(-1) == logits.argmax(-1)).all().item<bool>(), "temperature scaling changed a prediction");
        Near.Equal(Ref.Number("calibration.multiclass.ece_after"),
            Reliability.ExpectedCalibrationError(calibrated, labels, ScoreKind.Probabilities), 1e-6, "ECE after");
    }

    [Fact]
    public void Temperature_scaling_of_float32_binary_logits()
    {
        using var bl = Ref.Tensor("calibration.binary.logits", ScalarType.Float32);
        using var by = Ref.LongTensor("calibration.binary.labels");
        var ts = TemperatureScaling.Fit(bl, by);
        using var p = ts.Probabilities(bl);
        Assert.Equal(ScalarType.Float32, p.dtype);
        // At the optimum the NLL cannot drop by nudging T either way.
        double At(double t) => ProbabilityScores.NegativeLogLikelihood(bl.to_type(ScalarType.Float64) / t, by, ScoreKind.Logits);
        Assert.True(At(ts.Temperature) <= At(ts.Temperature * 1.01));
        Assert.True(At(ts.Temperature) <= At(ts.Temperature / 1.01));
        Assert.True(ts.Temperature > 1.0, $"these over-confident logits need softening, T = {ts.Temperature}");
    }

    [Fact]
    public void Platt_scaling_matches_the_exact_minimum_and_sklearn()
    {
        using var bl = Ref.Tensor("calibration.binary.logits");
        using var by = Ref.LongTensor("calibration.binary.labels");
        var platt = PlattScaling.Fit(bl, by);
        Near.Equal(Ref.Number("calibration.binary.platt.scale"), platt.Scale, 1e-6, "scale");
        Near.Equal(Ref.Number("calibration.binary.platt.bias"), platt.Bias, 1e-6, "bias");
        Near.Equal(Ref.Number("calibration.binary.platt_sklearn.scale"), platt.Scale, 1e-5, "sklearn scale");
        Near.Equal(Ref.Number("calibration.binary.platt_sklearn.bias"), platt.Bias, 1e-5, "sklearn bias");
        using var p = platt.Probabilities(bl);
        using var expected = (bl * platt.Scale + platt.Bias).sigmoid();
        Assert.True(p.allclose(expected));
    }

    [Fact]
    public void Calibration_rejects_the_wrong_kind_of_scores()
    {
        using var probs = Ref.Tensor("calibration.multiclass.probs");
        using var logits = Ref.Tensor("calibration.multiclass.logits");
        using var labels = Ref.LongTensor("calibration.multiclass.labels");
        var asLogits = Assert.Throws<ArgumentException>(() => TemperatureScaling.Fit(probs, labels));
        Assert.Contains("look like softmax probabilities", asLogits.Message);
        var asProbs = Assert.Throws<ArgumentException>(() => Reliability.TopLabel(logits, labels, ScoreKind.Probabilities));
        Assert.Contains("looks like logits", asProbs.Message);
        using var sigmoids = logits.sigmoid();
        Assert.Contains("sums to", Assert.Throws<ArgumentException>(() => ProbabilityScores.Brier(sigmoids, labels, ScoreKind.Probabilities)).Message);
        using var bad = tensor(Enumerable.Repeat(4L, 300).ToArray());
        Assert.Contains("label 4", Assert.Throws<ArgumentException>(() => ProbabilityScores.NegativeLogLikelihood(logits, bad, ScoreKind.Logits)).Message);
        Assert.Contains("TemperatureScaling", Assert.Throws<ArgumentException>(() => PlattScaling.Fit(logits, labels)).Message);
        Assert.Contains("binary problem", Assert.Throws<ArgumentException>(() => Reliability.PositiveClass(logits, labels, ScoreKind.Logits)).Message);
    }

    [Fact]
    public void Scaling_refuses_degenerate_validation_sets()
    {
        using var z = tensor(new[] { -2.0, -1.0, 1.0, 2.0 });
        using var oneClass = tensor(new long[] { 1, 1, 1, 1 });
        Assert.Contains("both classes", Assert.Throws<ArgumentException>(() => PlattScaling.Fit(z, oneClass)).Message);
        // Perfectly separated: NLL falls forever as T -> 0.
        using var separated = tensor(new long[] { 0, 0, 1, 1 });
        var e = Assert.Throws<InvalidOperationException>(() => TemperatureScaling.Fit(z, separated));
        Assert.Contains("temperature goes to 0", e.Message);
        using var logits2 = tensor(new[,] { { 3.0, 1.0 }, { 0.0, 2.0 }, { 5.0, -1.0 } });
        using var right = tensor(new long[] { 0, 1, 0 });
        Assert.Throws<InvalidOperationException>(() => TemperatureScaling.Fit(logits2, right));
        Assert.Contains("one cut separates", Assert.Throws<InvalidOperationException>(() => PlattScaling.Fit(z, separated, smoothTargets: false)).Message);
        // Smoothed targets keep the separable case finite.
        var smooth = PlattScaling.Fit(z, separated);
        Assert.True(double.IsFinite(smooth.Scale) && smooth.Scale > 0);
    }
}
