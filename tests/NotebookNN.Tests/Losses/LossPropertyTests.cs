using NotebookNN.Losses;
using TorchSharp;
using static TorchSharp.torch;
using Reduction = TorchSharp.torch.nn.Reduction;

namespace NotebookNN.Tests.Losses;

/// <summary>The identities the notebooks rely on, and the masks' guarantees.</summary>
public class LossPropertyTests
{
    static Tensor Seeded(long seed, params long[] shape)
    {
        var g = new TorchSharp.torch.Generator((ulong)seed);
        return randn(shape, ScalarType.Float64, generator: g);
    }

    [Fact]
    public void Two_logit_cross_entropy_equals_bce_on_the_logit_difference()
    {
        using var z = Seeded(1, 16, 2);
        using var y = tensor(Enumerable.Range(0, 16).Select(i => (long)(i % 2)).ToArray());
        var ce = Loss.CrossEntropy(z, y);
        var bce = Loss.BinaryCrossEntropyWithLogits(z[.., 1] - z[.., 0], y.to_type(ScalarType.Float64));
        Assert.Equal(ce.item<double>(), bce.item<double>(), 12);
    }

    [Fact]
    public void Keras_bce_over_two_one_hot_softmax_units_equals_categorical_cross_entropy()
    {
        using var z = Seeded(2, 12, 2);
        var p = softmax(z, -1);
        var onehot = nn.functional.one_hot(tensor(Enumerable.Range(0, 12).Select(i => (long)(i % 2)).ToArray()), 2).to_type(ScalarType.Float64);
        Assert.Equal(Loss.KerasCategoricalCrossEntropy(p, onehot).item<double>(), Loss.KerasBinaryCrossEntropy(p, onehot).item<double>(), 12);
    }

    [Fact]
    public void Sparse_cross_entropy_equals_categorical_on_one_hot_for_normalised_rows()
    {
        using var z = Seeded(3, 10, 5);
        var p = softmax(z, -1);
        var labels = tensor(new long[] { 0, 1, 2, 3, 4, 4, 3, 2, 1, 0 });
        var onehot = nn.functional.one_hot(labels, 5).to_type(ScalarType.Float64);
        Assert.Equal(Loss.KerasCategoricalCrossEntropy(p, onehot).item<double>(),
            Loss.KerasSparseCategoricalCrossEntropy(p, labels).item<double>(), 12);
        Assert.Equal(Loss.CrossEntropy(z, labels).item<double>(), Loss.SparseCategoricalCrossEntropyFromLogits(z, labels).item<double>(), 12);
    }

    [Fact]
    public void Masked_loss_and_gradients_do_not_depend_on_masked_labels()
    {
        using var scope = NewDisposeScope();
        var logits = Seeded(4, 3, 5, 4);
        var mask = tensor(new[,] { { true, true, true, false, false }, { true, true, true, true, true }, { true, false, false, false, false } });
        var labelsA = tensor(new long[,] { { 0, 1, 2, 0, 0 }, { 3, 2, 1, 0, 1 }, { 2, 0, 0, 0, 0 } });
        // Padding filled with garbage, including ids no class has.
        var labelsB = tensor(new long[,] { { 0, 1, 2, -1, 99 }, { 3, 2, 1, 0, 1 }, { 2, 7, -100, 3, 1 } });
        var (lossA, gradA) = LossAndGrad(logits, z => Loss.MaskedSparseCategoricalCrossEntropyFromLogits(z, labelsA, mask));
        var (lossB, gradB) = LossAndGrad(logits, z => Loss.MaskedSparseCategoricalCrossEntropyFromLogits(z, labelsB, mask));
        Assert.Equal(BitConverter.DoubleToInt64Bits(lossA), BitConverter.DoubleToInt64Bits(lossB));
        Assert.True((gradA == gradB).all().item<bool>(), "gradients differ");
        // Masked positions get exactly zero gradient.
        Assert.Equal(0.0, gradA[0, 3].abs().sum().item<double>());
    }

    [Fact]
    public void Masked_binary_loss_ignores_masked_targets_and_nan_in_masked_slots()
    {
        using var scope = NewDisposeScope();
        var logits = Seeded(5, 4, 3);
        var mask = tensor(new[,] { { 1L, 1, 0 }, { 1, 0, 0 }, { 1, 1, 1 }, { 0, 0, 1 } });
        var t1 = tensor(new[,] { { 1.0, 0, 0 }, { 0, 0, 0 }, { 1, 1, 0 }, { 0, 0, 1 } });
        var t2 = tensor(new[,] { { 1.0, 0, -1 }, { 0, 5, 1 }, { 1, 1, 0 }, { 1, -7, 1 } });
        Assert.Equal(Loss.MaskedBinaryCrossEntropyWithLogits(logits, t1, mask).item<double>(),
            Loss.MaskedBinaryCrossEntropyWithLogits(logits, t2, mask).item<double>());
        var perElement = Loss.BinaryCrossEntropyWithLogits(logits, t1, Reduction.None);
        var poisoned = torch.where(mask.to_type(ScalarType.Bool), perElement, torch.full_like(perElement, double.NaN));
        var masked = Loss.MaskedMean(poisoned, mask);
        Assert.Equal(Loss.MaskedMean(perElement, mask).item<double>(), masked.item<double>());
        using var none = zeros_like(mask);
        Assert.Equal(0.0, Loss.MaskedMean(perElement, none).item<double>());
    }

    [Fact]
    public void Weighted_means_follow_pytorch_and_keras_conventions()
    {
        using var loss = tensor(new[] { 1.0, 2.0, 3.0, 4.0 });
        using var w = tensor(new[] { 1.0, 0.0, 2.0, 1.0 });
        Assert.Equal((1 + 6 + 4) / 4.0, Loss.WeightedMean(loss, w).item<double>(), 12);
        Assert.Equal((1 + 6 + 4) / 4.0, Loss.KerasSampleWeightedMean(loss, w).item<double>(), 12);
        using var w2 = tensor(new[] { 2.0, 0.0, 2.0, 0.0 });
        Assert.Equal((2 + 6) / 4.0, Loss.WeightedMean(loss, w2).item<double>(), 12);
        Assert.Equal((2 + 6) / 4.0, Loss.KerasSampleWeightedMean(loss, w2).item<double>(), 12);
        using var w3 = tensor(new[] { 1.0, 1.0, 0.0, 0.0 });
        Assert.Equal(1.5, Loss.WeightedMean(loss, w3).item<double>(), 12);
        Assert.Equal(0.75, Loss.KerasSampleWeightedMean(loss, w3).item<double>(), 12);
    }

    [Fact]
    public void Weighted_sum_of_task_losses_is_differentiable_in_each_task()
    {
        var a = tensor(2.0, ScalarType.Float64, requires_grad: true);
        var b = tensor(3.0, ScalarType.Float64, requires_grad: true);
        var total = Loss.WeightedSum((a * a, 0.5), (b, 2.0));
        Assert.Equal(0.5 * 4 + 2 * 3, total.item<double>(), 12);
        total.backward();
        Assert.Equal(2.0, a.grad!.item<double>(), 12);
        Assert.Equal(2.0, b.grad!.item<double>(), 12);
        Assert.Equal(4.0 + 1.0, Loss.WeightedSum([a * a, b], [1.0, 1.0 / 3.0]).item<double>(), 12);
    }

    static (double Loss, Tensor Grad) LossAndGrad(Tensor logits, Func<Tensor, Tensor> loss)
    {
        var z = logits.detach().clone().requires_grad_(true);
        var value = loss(z);
        value.backward();
        return (value.item<double>(), z.grad!.clone());
    }
}

public class WeightBroadcastTests
{
    [Fact]
    public void Broadcast_weights_count_once_per_element()
    {
        using var loss = tensor(new[,] { { 1.0, 2.0 }, { 3.0, 4.0 } });
        using var perColumn = tensor(new[] { 1.0, 3.0 });
        // (1*1 + 2*3 + 3*1 + 4*3) / (1 + 3 + 1 + 3)
        Assert.Equal(22.0 / 8.0, Loss.WeightedMean(loss, perColumn).item<double>(), 12);
    }
}
