using NotebookNN.Validation;
using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Tests.Validation;

public class CrossValidationTests
{
    [Fact]
    public void A_fresh_model_per_fold_and_mean_and_std_of_the_scores()
    {
        var folds = new KFold(4).Split(20);
        var built = new List<int>();
        var result = CrossValidation.Run(folds, i => { built.Add(i); return new List<int> { i }; },
            (model, fold) => model[0] + fold.TestIndices.Count);
        Assert.Equal([0, 1, 2, 3], built);
        Assert.Equal([5.0, 6.0, 7.0, 8.0], result.Scores);
        Assert.Equal(6.5, result.Mean, 12);
        Assert.Equal(Math.Sqrt(1.25), result.Std, 12);
        Assert.Equal(Math.Sqrt(5.0 / 3.0), result.SampleStd, 12);
        Assert.Contains("6.5000 ± 1.1180 over 4 folds", result.ToString());
    }

    [Fact]
    public void The_std_of_fold_scores_uses_the_corrected_two_pass_formula()
    {
        // The scaler's large-offset case: the population variance is 1.27362060546875 exactly (scikit-learn's var_),
        // where the plain two-pass sum gives 1.273681640625.
        var result = new CrossValidationResult([1e14 - 1.5, 1e14 - 0.5, 1e14 + 0.5, 1e14 + 1.53125]);
        Assert.Equal(Math.Sqrt(1.27362060546875), result.Std);
        Assert.Equal(Math.Sqrt(1.27362060546875 * 4 / 3), result.SampleStd, 15);
    }

    [Fact]
    public void Torch_models_are_trained_per_fold_and_disposed()
    {
        using var scope = NewDisposeScope();
        var x = linspace(-1, 1, 24, dtype: ScalarType.Float32).reshape(24, 1);
        var y = 3 * x + 1;
        var models = new List<nn.Module<Tensor, Tensor>>();
        var result = CrossValidation.RunMany(new KFold(3).Split(x), i =>
        {
            var m = nn.Linear(1, 1);
            models.Add(m);
            return m;
        }, (model, fold) =>
        {
            var opt = optim.SGD(model.parameters(), 0.5);
            for (int step = 0; step < 100; step++)
            {
                opt.zero_grad();
                var loss = nn.functional.mse_loss(model.call(fold.Train(x)), fold.Train(y));
                loss.backward();
                opt.step();
            }
            using (no_grad())
                return new Dictionary<string, double> { ["mse"] = nn.functional.mse_loss(model.call(fold.Test(x)), fold.Test(y)).item<float>() };
        });
        Assert.Equal(3, models.Distinct().Count());
        Assert.True(result["mse"].Mean < 1e-4, $"mse {result["mse"].Mean}");
        Assert.All(models, m => Assert.Throws<InvalidOperationException>(() => m.parameters().First().sum()));
    }

    [Fact]
    public void Reusing_a_model_or_a_layer_across_folds_is_rejected()
    {
        var folds = new KFold(3).Split(9);
        var shared = new object();
        var e = Assert.Throws<InvalidOperationException>(() => CrossValidation.Run(folds, _ => shared, (_, _) => 1.0));
        Assert.Contains("same model for folds 0 and 1", e.Message);

        using var layer = nn.Linear(2, 2);
        var e2 = Assert.Throws<InvalidOperationException>(() =>
            CrossValidation.Run(folds, _ => nn.Sequential(("hidden", (nn.Module<Tensor, Tensor>)layer)), (_, _) => 1.0, disposeModels: false));
        Assert.Contains("shares its parameter 'hidden.weight'", e2.Message);

        Assert.Contains("same metrics", Assert.Throws<InvalidOperationException>(() => CrossValidation.RunMany(folds, _ => new object(),
            (_, f) => new Dictionary<string, double> { [f.Index == 0 ? "a" : "b"] = 1.0 })).Message);
    }
}
