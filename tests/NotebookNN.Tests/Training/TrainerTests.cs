using NotebookNN.Data;
using NotebookNN.Models;
using NotebookNN.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Tests.Training;

[Collection(TorchGlobalState.Name)]
public class TrainerTests
{
    static readonly Dictionary<string, Func<Tensor, Tensor, double>> AccuracyMetric = new() { ["accuracy"] = TestData.Accuracy };

    [Fact]
    public void Fit_reduces_the_loss_and_learns_iris()
    {
        NN.Seed(1);
        var (x, y) = TestData.Iris();
        var model = Mlp.Create([4, 16, 3]);
        var trainer = new Trainer(model, TestData.CrossEntropy, optim.Adam(model.parameters(), lr: 0.02), AccuracyMetric);

        var history = trainer.Fit(x, y, new FitOptions { Epochs = 40, BatchSize = 16 });

        Assert.Equal(40, history.EpochCount);
        Assert.Equal(["loss", "accuracy"], history.Names);
        Assert.True(history["loss"][^1] < history["loss"][0] / 4, $"loss {history["loss"][0]} -> {history["loss"][^1]}");
        var evaluation = trainer.Evaluate(x, y);
        Assert.True(evaluation["accuracy"] >= 0.95, $"accuracy {evaluation["accuracy"]}");
        Assert.Equal(TestData.Accuracy(trainer.Predict(x), y), evaluation["accuracy"]);
    }

    [Fact]
    public void Two_runs_with_the_same_seed_give_identical_weights_and_another_seed_does_not()
    {
        var a = TrainSonar(seed: 7);
        var b = TrainSonar(seed: 7);
        var c = TrainSonar(seed: 8);
        foreach (var (name, weight) in a)
            Assert.True(TestData.Identical(weight, b[name]), $"weights '{name}' differ between two runs with seed 7");
        Assert.Contains(a, p => !TestData.Identical(p.Value, c[p.Key]));
    }

    static Dictionary<string, Tensor> TrainSonar(int seed)
    {
        NN.Seed(seed);
        var sonar = Tabular.Sonar();
        var model = Mlp.Create([60, 32, 2], dropout: 0.3);
        var trainer = new Trainer(model, TestData.CrossEntropy, optim.Adam(model.parameters(), lr: 0.01));
        trainer.Fit(sonar, new FitOptions { Epochs = 3, BatchSize = 32, ValidationSplit = 0.2 });
        return TestData.CopyWeights(model);
    }

    [Fact]
    public void Early_stopping_stops_after_patience_and_restores_the_best_weights()
    {
        NN.Seed(2);
        var (x, y) = TestData.Iris();
        // Validation labels are permuted classes: the better the model fits the training labels, the worse it does
        // on these, so the validation loss rises after the first epochs.
        var flipped = (y + 1).remainder(3);
        var model = Mlp.Create([4, 16, 3]);
        var trainer = new Trainer(model, TestData.CrossEntropy, optim.Adam(model.parameters(), lr: 0.05));

        var history = trainer.Fit(x, y, new FitOptions
        {
            Epochs = 50, BatchSize = 16, ValidationData = (x, flipped),
            EarlyStopping = new EarlyStopping { Monitor = "val_loss", Patience = 2, RestoreBestWeights = true },
        });

        var valLoss = history["val_loss"];
        Assert.NotNull(history.StoppedEpoch);
        Assert.True(history.StoppedEpoch < 49);
        Assert.Equal(history.StoppedEpoch + 1, history.EpochCount);
        int best = Enumerable.Range(0, valLoss.Count).MinBy(i => valLoss[i]);
        Assert.Equal(best, history.BestEpoch);
        Assert.Equal(history.EpochCount - 1 - 2, best);
        Assert.True(history.RestoredBestWeights);
        Assert.Equal(valLoss[best], trainer.Evaluate(x, flipped)["loss"], 1e-6);
    }

    [Fact]
    public void Early_stopping_in_max_mode_watches_accuracy()
    {
        var rule = new EarlyStopping { Monitor = "val_accuracy" };
        Assert.True(rule.IsImprovement(0.9, 0.8));
        Assert.False(rule.IsImprovement(0.8, 0.9));
        var minRule = new EarlyStopping { Monitor = "val_loss", MinDelta = 0.1 };
        Assert.False(minRule.IsImprovement(0.95, 1.0));
        Assert.True(minRule.IsImprovement(0.85, 1.0));
    }

    [Fact]
    public void Validation_split_holds_out_the_last_samples_as_keras_does()
    {
        NN.Seed(3);
        var (x, y) = TestData.Iris();
        var model = Mlp.Create([4, 8, 3]);
        var trainer = new Trainer(model, TestData.CrossEntropy, optim.SGD(model.parameters(), 0.1), AccuracyMetric);

        var history = trainer.Fit(x, y, new FitOptions { Epochs = 3, BatchSize = 20, ValidationSplit = 0.2 });

        Assert.Equal(["loss", "accuracy", "val_loss", "val_accuracy"], history.Names);
        Assert.Equal(history.Names, history.Series.Keys);
        Assert.Equal(history["val_loss"], history.Series["val_loss"]);
        Assert.Equal(history.Last("accuracy"), history.Epoch(2)["accuracy"]);
        var tail = trainer.Evaluate(x.narrow(0, 120, 30), y.narrow(0, 120, 30));
        Assert.Equal(history.Last("val_loss"), tail["loss"], 1e-9);
        Assert.Equal(history.Last("val_accuracy"), tail["accuracy"], 1e-12);
    }

    [Fact]
    public void Progress_reports_epochs_always_and_batches_when_asked()
    {
        NN.Seed(4);
        var (x, y) = TestData.Iris();
        var model = Mlp.Create([4, 8, 3]);
        var trainer = new Trainer(model, TestData.CrossEntropy, optim.SGD(model.parameters(), 0.1));
        var events = new List<TrainingProgress>();
        trainer.Progress += events.Add;

        trainer.Fit(x, y, new FitOptions { Epochs = 2, BatchSize = 50, ProgressEveryBatches = 2 });

        // 3 batches per epoch: a batch event after batch 2 and after the last batch, then the epoch event.
        Assert.Equal(
            [(ProgressKind.BatchEnd, 0, 2), (ProgressKind.BatchEnd, 0, 3), (ProgressKind.EpochEnd, 0, 3),
             (ProgressKind.BatchEnd, 1, 2), (ProgressKind.BatchEnd, 1, 3), (ProgressKind.EpochEnd, 1, 3)],
            events.Select(e => (e.Kind, e.Epoch, e.Batch)));
        Assert.All(events.Where(e => e.Kind == ProgressKind.BatchEnd), e => Assert.Null(e.Loss));
        Assert.All(events.Where(e => e.Kind == ProgressKind.EpochEnd), e => Assert.Equal(e.Values["loss"], e.Loss));

        events.Clear();
        trainer.Fit(x, y, new FitOptions { Epochs = 1, BatchSize = 150, ProgressEveryBatches = 1, ReportBatchLoss = true });
        Assert.Equal(events[1].Loss!.Value, events[0].Loss!.Value, 1e-12);
    }

    [Fact]
    public void Long_training_does_not_grow_the_number_of_live_tensors()
    {
        NN.Seed(5);
        var (x, y) = TestData.Iris();
        var model = Mlp.Create([4, 16, 3], dropout: 0.1);
        var trainer = new Trainer(model, TestData.CrossEntropy, optim.Adam(model.parameters(), lr: 0.01), AccuracyMetric);
        var options = new FitOptions
        {
            Epochs = 2, BatchSize = 8, ValidationSplit = 0.2,
            EarlyStopping = new EarlyStopping { Monitor = "loss", Patience = 100, RestoreBestWeights = true },
        };
        trainer.Fit(x, y, options);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        trainer.Fit(x, y, new FitOptions
        {
            Epochs = 15, BatchSize = 8, ValidationSplit = 0.2,
            EarlyStopping = new EarlyStopping { Monitor = "loss", Patience = 100, RestoreBestWeights = true },
        });

        long after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Assert.True(after <= before, $"live tensors grew from {before} to {after} over 15 epochs of 15 batches");
    }

    [Fact]
    public void Predict_matches_the_model_in_eval_mode_and_keeps_its_mode()
    {
        NN.Seed(6);
        var (x, _) = TestData.Iris();
        var model = Mlp.Create([4, 8, 3], dropout: 0.5);
        var trainer = new Trainer(model, TestData.CrossEntropy, optim.SGD(model.parameters(), 0.1));
        model.train();

        var predicted = trainer.Predict(x, batchSize: 7);

        Assert.True(model.training);
        model.eval();
        using (no_grad()) Assert.True(predicted.allclose(model.call(x), rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void Bad_inputs_get_errors_that_name_the_problem()
    {
        var model = Mlp.Create([4, 3]);
        var trainer = new Trainer(model, (p, t) => nn.functional.cross_entropy(p, t, reduction: nn.Reduction.None),
            optim.SGD(model.parameters(), 0.1));
        var x = randn(10, 4);
        var y = zeros(10, ScalarType.Int64);

        var e1 = Assert.Throws<InvalidOperationException>(() => trainer.Fit(x, y));
        Assert.Contains("reduce it", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => trainer.Fit(x, zeros(9, ScalarType.Int64)));
        Assert.Contains("10 sample(s)", e2.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(x, y, new FitOptions { ValidationSplit = 1.0 }));
        var e3 = Assert.Throws<ArgumentException>(() => trainer.Fit(x, y, new FitOptions { EarlyStopping = new EarlyStopping() }));
        Assert.Contains("no validation data", e3.Message);
        var e4 = Assert.Throws<ArgumentException>(() => new Trainer(model, TestData.CrossEntropy, optim.SGD(model.parameters(), 0.1),
            new Dictionary<string, Func<Tensor, Tensor, double>> { ["val_acc"] = TestData.Accuracy }));
        Assert.Contains("val_", e4.Message);
        var e5 = Assert.Throws<KeyNotFoundException>(() => new History()["val_loss"]);
        Assert.Contains("validation", e5.Message);
    }
}
