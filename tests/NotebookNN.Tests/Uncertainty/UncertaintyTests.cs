using NotebookNN.Models;
using NotebookNN.Tests.Training;
using NotebookNN.Uncertainty;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NotebookNN.Tests.Uncertainty;

[Collection(TorchGlobalState.Name)]
public class UncertaintyTests
{
    [Fact]
    public void Summaries_match_hand_computed_values()
    {
        // One sample, three passes over two classes.
        double[][] p = [[0.7, 0.3], [0.6, 0.4], [0.3, 0.7]];
        using var d = PredictiveDistribution.FromProbabilities(tensor(p.SelectMany(r => r).ToArray(), [3, 1, 2], ScalarType.Float64));

        double m0 = (0.7 + 0.6 + 0.3) / 3, m1 = 1 - m0;
        double v0 = p.Sum(r => (r[0] - m0) * (r[0] - m0)) / 3;
        static double H(double a, double b) => -(a * Math.Log(a) + b * Math.Log(b));
        double predictive = H(m0, m1);
        double expected = p.Average(r => H(r[0], r[1]));

        Assert.Equal(m0, d.Mean[0, 0].item<double>(), 1e-12);
        Assert.Equal(v0, d.Variance[0, 0].item<double>(), 1e-12);
        Assert.Equal(v0, d.Variance[0, 1].item<double>(), 1e-12);
        Assert.Equal(predictive, d.PredictiveEntropy[0].item<double>(), 1e-12);
        Assert.Equal(expected, d.ExpectedEntropy[0].item<double>(), 1e-12);
        Assert.Equal(predictive - expected, d.MutualInformation[0].item<double>(), 1e-12);
        Assert.Equal(1 - 2.0 / 3, d.VariationRatio[0].item<double>(), 1e-12);
        Assert.Equal(0L, d.PredictedClass()[0].item<long>());
        Assert.Equal((3, 1L, 2), (d.Passes, d.Count, d.Classes));
    }

    [Fact]
    public void Disagreeing_certain_passes_are_pure_epistemic_uncertainty()
    {
        using var d = PredictiveDistribution.FromProbabilities(tensor(new[] { 1.0, 0.0, 0.0, 1.0 }, [2, 1, 2], ScalarType.Float64));
        Assert.Equal(Math.Log(2), d.PredictiveEntropy[0].item<double>(), 1e-12);
        Assert.Equal(0.0, d.ExpectedEntropy[0].item<double>());
        Assert.Equal(Math.Log(2), d.MutualInformation[0].item<double>(), 1e-12);
        Assert.Equal(0.25, d.Variance[0, 0].item<double>(), 1e-12);
        Assert.Equal(0.5, d.VariationRatio[0].item<double>(), 1e-12);
    }

    [Fact]
    public void The_variance_over_passes_keeps_its_last_bits_for_nearly_equal_probabilities()
    {
        // The scaler's large-offset case scaled by 2^-47 (exact in binary): passes that agree to 15 digits. The
        // corrected two-pass formula gives 1.27362060546875 * 2^-94; the plain mean of squared deviations gives
        // 1.273681640625 * 2^-94, losing the spread to the rounding of the mean.
        double[] offsets = [-96, -32, 32, 98];
        var p1 = offsets.Select(d => (1e14 + d * Math.Pow(2, -6)) * Math.Pow(2, -47)).ToArray();
        var rows = p1.SelectMany(v => new[] { v, 1.0 - v }).ToArray();
        using var d = PredictiveDistribution.FromProbabilities(tensor(rows, [4, 1, 2], ScalarType.Float64));
        Assert.Equal(1.27362060546875 * Math.Pow(2, -94), d.Variance[0, 0].item<double>());
    }

    [Fact]
    public void Outputs_are_turned_into_probabilities_by_their_declared_kind()
    {
        using var binary = PredictiveDistribution.FromOutputs(tensor(new[] { 0f, 0f, 2f, -2f }, [2, 2, 1]), OutputKind.BinaryLogit);
        Assert.Equal([2L, 2, 2], binary.Samples.shape);
        // Sample 0 saw logits 0 and 2, sample 1 saw 0 and -2: p(class 1) averaged over the two passes.
        double sigmoid2 = 1 / (1 + Math.Exp(-2));
        Assert.Equal((0.5 + sigmoid2) / 2, binary.Mean[0, 1].item<float>(), 1e-6);
        Assert.Equal((0.5 + 1 - sigmoid2) / 2, binary.Mean[1, 1].item<float>(), 1e-6);
        Assert.Equal(1 - (0.5 + sigmoid2) / 2, binary.Mean[0, 0].item<float>(), 1e-6);

        using var logits = PredictiveDistribution.FromOutputs(tensor(new[] { 0f, 0f, 0f, 0f }, [2, 1, 2]), OutputKind.Logits);
        Assert.Equal(0.5f, logits.Mean[0, 0].item<float>());

        var e = Assert.Throws<ArgumentException>(() => PredictiveDistribution.FromOutputs(tensor(new[] { 2f, -1f }, [1, 1, 2]), OutputKind.Probabilities));
        Assert.Contains("looks like logits", e.Message);
        var e2 = Assert.Throws<ArgumentException>(() => PredictiveDistribution.FromOutputs(randn(3, 4, 1), OutputKind.Logits));
        Assert.Contains("softmax over one unit", e2.Message);
    }

    /// <summary>Activation bytes of one row through <see cref="DropoutNet"/>: its input (5 floats), four 16-unit layer
    /// outputs, the 3 logits and the model output.</summary>
    const long DropoutNetBytesPerRow = 4 * (5 + 4 * 16 + 3 + 3);

    static Sequential DropoutNet(double p)
    {
        var model = nn.Sequential(
            ("dense_1", nn.Linear(5, 16)),
            ("norm", nn.BatchNorm1d(16)),
            ("relu", nn.ReLU()),
            ("dropout", nn.Dropout(p)),
            ("dense_out", nn.Linear(16, 3)));
        // Give batch norm running statistics that differ from any batch's own, so train-mode batch norm would show.
        model.train();
        using (no_grad())
            for (int i = 0; i < 5; i++) model.call(randn(32, 5) * 3 + 1);
        return model;
    }

    [Fact]
    public void With_zero_dropout_every_pass_equals_the_eval_model_batched_or_chunked()
    {
        NN.Seed(1);
        var model = DropoutNet(0.0);
        var x = randn(7, 5);
        model.eval();
        Tensor reference;
        using (no_grad()) reference = softmax(model.call(x), -1);
        model.train();

        using var batched = McDropout.Predict(model, x, passes: 4, OutputKind.Logits);
        using var chunked = McDropout.Predict(model, x, passes: 4, OutputKind.Logits, new McDropoutOptions { MaxRowsPerCall = 5 });

        for (int t = 0; t < 4; t++)
        {
            Assert.True(batched.Samples[t].allclose(reference, atol: 1e-6), $"batched pass {t} differs from eval mode by {(batched.Samples[t] - reference).abs().max().item<float>()}");
            Assert.True(chunked.Samples[t].allclose(reference, atol: 1e-6), $"chunked pass {t} differs from eval mode");
        }
        Assert.Equal(1, McDropout.Plan(model, x, 4).Calls);
        Assert.Equal(6, McDropout.Plan(model, x, 4, new McDropoutOptions { MaxRowsPerCall = 5 }).Calls);
        // One call per pass is the plain loop over T forward calls.
        var looped = new McDropoutOptions { MaxRowsPerCall = 7 };
        Assert.Equal(4, McDropout.Plan(model, x, 4, looped).Calls);
        using var loopedResult = McDropout.Predict(model, x, passes: 4, OutputKind.Logits, looped);
        Assert.True(loopedResult.Samples.allclose(batched.Samples, atol: 1e-6));
        Assert.True(model.training);
        Assert.All(model.modules(), m => Assert.True(m.training));
    }

    [Fact]
    public void Dropout_only_mode_keeps_batch_norm_in_eval_and_restores_every_mode()
    {
        NN.Seed(2);
        var model = DropoutNet(0.5);
        model.eval();
        var modules = model.named_modules().ToDictionary(m => m.name, m => m.module);
        using (McDropout.DropoutOnly(model))
        {
            Assert.True(modules["dropout"].training);
            Assert.False(modules["norm"].training);
            Assert.False(modules["dense_1"].training);
        }
        Assert.All(model.modules(), m => Assert.False(m.training));
    }

    [Fact]
    public void Passes_differ_with_dropout_and_the_spread_is_summarised()
    {
        NN.Seed(3);
        var model = DropoutNet(0.5);
        var x = randn(10, 5);
        using var d = McDropout.Predict(model, x, passes: 20, OutputKind.Logits);
        Assert.Equal([20L, 10, 3], d.Samples.shape);
        Assert.True(d.Variance.sum().item<float>() > 0);
        Assert.True(d.MutualInformation.min().item<float>() >= 0);
        Assert.True(d.Mean.sum(-1).allclose(ones(10), atol: 1e-5));
        // Predictive entropy = expected entropy + mutual information, by definition.
        Assert.True(d.PredictiveEntropy.allclose(d.ExpectedEntropy + d.MutualInformation, atol: 1e-5));
    }

    [Fact]
    public void Batched_and_looped_passes_draw_from_the_same_distribution()
    {
        NN.Seed(6);
        var model = DropoutNet(0.5);
        var x = randn(3, 5);
        using var batched = McDropout.Predict(model, x, passes: 600, OutputKind.Logits);
        using var looped = McDropout.Predict(model, x, passes: 600, OutputKind.Logits, new McDropoutOptions { MaxRowsPerCall = 3 });
        // Different masks, same expectation: the means agree to Monte Carlo error, and both spread.
        Assert.True(batched.Mean.allclose(looped.Mean, rtol: 0, atol: 0.03),
            $"largest difference of the means {(batched.Mean - looped.Mean).abs().max().item<float>()}");
        Assert.True(batched.Variance.allclose(looped.Variance, rtol: 0.3, atol: 0.01));
        Assert.True(batched.Variance.min().item<float>() > 0);
    }

    [Fact]
    public void The_plan_fits_the_rows_into_the_memory_budget()
    {
        NN.Seed(7);
        var model = DropoutNet(0.5);
        var x = randn(10, 5);
        long bytesPerRow = DropoutNetBytesPerRow;

        var roomy = McDropout.Plan(model, x, passes: 8);
        var tight = McDropout.Plan(model, x, passes: 8, new McDropoutOptions { MemoryBudgetBytes = 20 * bytesPerRow });

        Assert.Equal(bytesPerRow, roomy.BytesPerRow);
        Assert.Equal((80L, 1L), (roomy.RowsPerCall, roomy.Calls));
        Assert.Equal((20L, 4L), (tight.RowsPerCall, tight.Calls));
        using var result = McDropout.Predict(model, x, 8, OutputKind.Logits, new McDropoutOptions { MemoryBudgetBytes = 20 * bytesPerRow });
        Assert.Equal([8L, 10, 3], result.Samples.shape);
    }

    [Fact]
    public void On_a_cpu_the_default_budget_is_cache_sized_and_an_explicit_one_wins()
    {
        NN.Seed(8);
        var model = DropoutNet(0.5);
        var x = randn(1000, 5);
        long bytesPerRow = DropoutNetBytesPerRow;

        var byDefault = McDropout.Plan(model, x, passes: 100);
        var roomy = McDropout.Plan(model, x, passes: 100, new McDropoutOptions { MemoryBudgetBytes = McDropoutOptions.DefaultGpuBudgetBytes });

        long rows = McDropoutOptions.DefaultCpuBudgetBytes / bytesPerRow;
        Assert.Equal((rows, (100_000 + rows - 1) / rows), (byDefault.RowsPerCall, byDefault.Calls));
        Assert.Equal(2L, byDefault.Calls);
        Assert.Equal((100_000L, 1L), (roomy.RowsPerCall, roomy.Calls));
        Assert.Throws<ArgumentOutOfRangeException>(() => McDropout.Plan(model, x, 2, new McDropoutOptions { MemoryBudgetBytes = 0 }));
    }

    [Fact]
    public void A_model_without_dropout_is_refused()
    {
        var model = Mlp.Create([5, 4, 3]);
        var e = Assert.Throws<ArgumentException>(() => McDropout.Predict(model, randn(2, 5), 10, OutputKind.Logits));
        Assert.Contains("has none", e.Message);
    }

    [Fact]
    public void Deep_ensemble_of_identical_members_has_no_epistemic_uncertainty()
    {
        NN.Seed(4);
        var a = Mlp.Create([5, 4, 3]);
        var b = Mlp.Create([5, 4, 3]);
        var x = randn(6, 5);

        using var same = DeepEnsemble.Predict([a, a], x, OutputKind.Logits, batchSize: 4);
        Assert.Equal([2L, 6, 3], same.Samples.shape);
        Assert.True(same.MutualInformation.abs().max().item<float>() < 1e-6);
        Assert.Equal(0f, same.VariationRatio.abs().max().item<float>());

        using var different = DeepEnsemble.Predict([a, b], x, OutputKind.Logits);
        Assert.True(different.MutualInformation.max().item<float>() > 1e-4);

        var e = Assert.Throws<ArgumentException>(() => DeepEnsemble.Predict([a, Mlp.Create([5, 2])], x, OutputKind.Logits));
        Assert.Contains("same output layout", e.Message);
    }

    [Fact]
    public void A_sub_module_in_its_own_mode_keeps_it_after_mc_dropout()
    {
        NN.Seed(5);
        var model = DropoutNet(0.3);
        model.train();
        var norm = model.named_modules().Single(m => m.name == "norm").module;
        norm.eval();
        using (McDropout.Predict(model, randn(3, 5), 3, OutputKind.Logits)) { }
        Assert.True(model.training);
        Assert.False(norm.training);
        Assert.True(model.named_modules().Single(m => m.name == "dropout").module.training);
    }
}
