using NotebookNN.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Tests.Training;

/// <summary>Small real datasets and helpers shared by the training tests.</summary>
internal static class TestData
{
    /// <summary>Iris with standardised features, rows shuffled by a fixed seed (the file is sorted by class).</summary>
    public static (Tensor X, Tensor Y) Iris()
    {
        var iris = Tabular.Iris();
        var order = tensor(Splits.Permutation(iris.Count, seed: 3));
        var x = iris.Features.index_select(0, order);
        x = (x - x.mean([0L])) / x.std([0L]);
        return (x, iris.Labels.index_select(0, order));
    }

    public static Tensor CrossEntropy(Tensor logits, Tensor labels) => nn.functional.cross_entropy(logits, labels);

    public static double Accuracy(Tensor logits, Tensor labels) =>
        logits.argmax(-1).eq(labels).to_type(ScalarType.Float64).mean().item<double>();

    /// <summary>Same shape and bitwise-equal values.</summary>
    public static bool Identical(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    public static Dictionary<string, Tensor> CopyWeights(nn.Module model) =>
        model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());
}
