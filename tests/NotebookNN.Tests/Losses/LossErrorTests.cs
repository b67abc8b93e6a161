using NotebookNN.Losses;
using static TorchSharp.torch;

namespace NotebookNN.Tests.Losses;

/// <summary>Each mistake a loss can detect gets a message that names it and the fix.</summary>
public class LossErrorTests
{
    [Fact]
    public void Logits_passed_to_a_probability_loss_are_named_as_logits()
    {
        using var z = tensor(new[] { -3.0, 0.2, 2.5 });
        using var y = tensor(new[] { 0.0, 1.0, 1.0 });
        var e = Assert.Throws<ArgumentException>(() => Loss.KerasBinaryCrossEntropy(z, y));
        Assert.Contains("looks like logits", e.Message);
        Assert.Contains(nameof(Loss.KerasBinaryCrossEntropyFromLogits), e.Message);
        Assert.Contains("looks like logits", Assert.Throws<ArgumentException>(() => Loss.TorchBinaryCrossEntropy(z, y)).Message);
        using var z2 = tensor(new[,] { { 2.0, -1.0 } });
        using var t2 = tensor(new[,] { { 1.0, 0.0 } });
        Assert.Contains("looks like logits", Assert.Throws<ArgumentException>(() => Loss.KerasCategoricalCrossEntropy(z2, t2)).Message);
    }

    [Fact]
    public void A_label_outside_the_classes_names_the_label_and_the_range()
    {
        using var z = zeros(4, 3, ScalarType.Float64);
        using var labels = tensor(new long[] { 0, 1, 3, 2 });
        var e = Assert.Throws<ArgumentException>(() => Loss.CrossEntropy(z, labels));
        Assert.Contains("label 3", e.Message);
        Assert.Contains("0..2", e.Message);
        Assert.Contains("label 3", Assert.Throws<ArgumentException>(() => Loss.SparseCategoricalCrossEntropyFromLogits(z, labels)).Message);
    }

    [Fact]
    public void A_softmax_loss_over_one_unit_is_rejected()
    {
        using var z = zeros(4, 1, ScalarType.Float64);
        using var labels = zeros(4, ScalarType.Int64);
        var e = Assert.Throws<ArgumentException>(() => Loss.CrossEntropy(z, labels));
        Assert.Contains("softmax over one unit is always 1", e.Message);
        using var p = full(4, 1, 1.0, ScalarType.Float64);
        using var t = ones(4, 1, ScalarType.Float64);
        Assert.Contains("softmax over one unit", Assert.Throws<ArgumentException>(() => Loss.KerasCategoricalCrossEntropy(p, t)).Message);
    }

    [Fact]
    public void Mismatched_shapes_name_both_shapes()
    {
        using var z = zeros(8, 1, ScalarType.Float64);
        using var y = zeros(8, ScalarType.Float64);
        var e = Assert.Throws<ArgumentException>(() => Loss.BinaryCrossEntropyWithLogits(z, y));
        Assert.Contains("[8, 1]", e.Message);
        Assert.Contains("[8]", e.Message);
    }

    [Fact]
    public void Keras_layout_logits_given_to_pytorch_cross_entropy_get_the_permute_hint()
    {
        using var z = zeros(2, 7, 3, ScalarType.Float64);   // (B, T, C)
        using var labels = zeros(2, 7, ScalarType.Int64);   // (B, T)
        var e = Assert.Throws<ArgumentException>(() => Loss.CrossEntropy(z, labels));
        Assert.Contains("[2, 3]", e.Message);               // what PyTorch's layout would need
        Assert.Contains("permute", e.Message);
    }

    [Fact]
    public void Targets_outside_zero_one_and_float_labels_are_rejected()
    {
        using var z = zeros(3, ScalarType.Float64);
        using var y = tensor(new[] { 0.0, 1.0, 2.0 });
        Assert.Contains("[0, 1]", Assert.Throws<ArgumentException>(() => Loss.BinaryCrossEntropyWithLogits(z, y)).Message);
        using var z2 = zeros(3, 4, ScalarType.Float64);
        using var floatLabels = tensor(new[] { 0.0, 1.0, 2.0 });
        Assert.Contains("integer class indices", Assert.Throws<ArgumentException>(() => Loss.SparseCategoricalCrossEntropyFromLogits(z2, floatLabels)).Message);
    }

    [Fact]
    public void Multi_task_sums_reject_unreduced_losses_and_negative_weights()
    {
        using var vector = zeros(3);
        using var scalar = zeros(1);
        Assert.Contains("scalar", Assert.Throws<ArgumentException>(() => Loss.WeightedSum((vector, 1.0))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Loss.WeightedSum((scalar, -1.0)));
        Assert.Contains("one weight per task", Assert.Throws<ArgumentException>(() => Loss.WeightedSum([scalar, scalar], [1.0])).Message);
    }

    [Fact]
    public void Masks_and_weights_of_the_wrong_shape_are_rejected()
    {
        using var loss = zeros(4, 5, ScalarType.Float64);
        using var mask = ones(4, ScalarType.Bool);
        Assert.Contains("one mask entry per element", Assert.Throws<ArgumentException>(() => Loss.MaskedMean(loss, mask)).Message);
        using var w = ones(3, ScalarType.Float64);
        Assert.Contains("cannot be broadcast", Assert.Throws<ArgumentException>(() => Loss.WeightedMean(loss, w)).Message);
        using var neg = tensor(new[] { 1.0, -1.0, 1.0, 1.0, 1.0 });
        Assert.Contains("negative", Assert.Throws<ArgumentException>(() => Loss.WeightedMean(loss, neg)).Message);
    }
}
