using NotebookNN.Data;
using NotebookNN.Losses;
using NotebookNN.Metrics;
using NotebookNN.Models;
using NotebookNN.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Tests.Training;

[Collection(TorchGlobalState.Name)]
public class ImdbTrainingTests
{
    [Fact]
    public void The_keras_imdb_model_learns_sentiment_from_a_small_subset()
    {
        NN.Seed(10);
        var train = Imdb.Load(DataSplit.Train, count: 2000);
        var test = Imdb.Load(DataSplit.Test, count: 500);
        var x = Imdb.MultiHot(train.Sequences);
        var y = train.LabelTensor().unsqueeze(1);
        var model = Mlp.Create([Imdb.VocabularySize, 16, 16, 1], head: OutputHead.Sigmoid, init: WeightInit.Keras);
        var trainer = new Trainer(model, (p, t) => Loss.KerasBinaryCrossEntropy(p, t), optim.RMSProp(model.parameters(), lr: 0.001),
            new Dictionary<string, Func<Tensor, Tensor, double>> { ["binary_accuracy"] = (p, t) => Accuracy.Binary(p, t) });

        var history = trainer.Fit(x, y, new FitOptions { Epochs = 4, BatchSize = 128, ValidationSplit = 0.25 });

        Assert.True(history["loss"][^1] < history["loss"][0], "training loss did not fall");
        Assert.True(history["val_loss"][^1] < history["val_loss"][0], "validation loss did not fall");
        var result = trainer.Evaluate(Imdb.MultiHot(test.Sequences), test.LabelTensor().unsqueeze(1));
        Assert.True(result["binary_accuracy"] >= 0.75, $"test accuracy {result["binary_accuracy"]}");
    }
}
