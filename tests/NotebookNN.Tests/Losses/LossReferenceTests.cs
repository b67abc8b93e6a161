using NotebookNN.Losses;
using NotebookNN.Tests.Reference;
using static TorchSharp.torch;
using Reduction = TorchSharp.torch.nn.Reduction;

namespace NotebookNN.Tests.Losses;

/// <summary>Every loss against the values PyTorch 1.13 (or Keras' formula in torch) gave on the same inputs.</summary>
public class LossReferenceTests
{
    [Fact]
    public void Keras_binary_cross_entropy_clips_and_averages_the_last_axis()
    {
        using var p = Ref.Tensor("losses.keras_bce.p");
        using var y = Ref.Tensor("losses.keras_bce.y");
        Near.Tensor(Ref.Doubles("losses.keras_bce.elementwise"), Loss.KerasBinaryCrossEntropyElementwise(p, y), 1e-9, "elementwise");
        Near.Tensor(Ref.Doubles("losses.keras_bce.per_sample"), Loss.KerasBinaryCrossEntropy(p, y, Reduction.None), 1e-9, "per sample");
        Near.Equal(Ref.Number("losses.keras_bce.mean"), Near.Scalar(Loss.KerasBinaryCrossEntropy(p, y)), 1e-9, "mean");
        Near.Equal(Ref.Number("losses.keras_bce.sum"), Near.Scalar(Loss.KerasBinaryCrossEntropy(p, y, Reduction.Sum)), 1e-9, "sum");
        // A certain, wrong prediction costs -log(1e-7), not infinity.
        Near.Equal(-Math.Log(1e-7), Near.Scalar(Loss.KerasBinaryCrossEntropyElementwise(p, y)[0, 0]), 1e-6, "clipped");
    }

    [Fact]
    public void Keras_binary_cross_entropy_in_float32_matches_where_no_clipping_happens()
    {
        // Rows 4.. hold no values within 1e-7 of 0 or 1; there float32 rounding of 1 - 1e-7 cannot matter.
        using var p = Ref.Tensor("losses.keras_bce.p", ScalarType.Float32)[4..];
        using var y = Ref.Tensor("losses.keras_bce.y", ScalarType.Float32)[4..];
        var loss = Loss.KerasBinaryCrossEntropy(p, y, Reduction.None);
        Assert.Equal(ScalarType.Float32, loss.dtype);
        Near.Tensor(Ref.Doubles("losses.keras_bce.per_sample")[4..], loss, 1e-5, "float32 per sample");
    }

    [Fact]
    public void Torch_binary_cross_entropy_clamps_the_log_at_minus_100()
    {
        using var p = Ref.Tensor("losses.torch_bce.p");
        using var y = Ref.Tensor("losses.torch_bce.y");
        Near.Tensor(Ref.Doubles("losses.torch_bce.elementwise"), Loss.TorchBinaryCrossEntropy(p, y, Reduction.None), 1e-9);
        Near.Equal(Ref.Number("losses.torch_bce.mean"), Near.Scalar(Loss.TorchBinaryCrossEntropy(p, y)), 1e-9);
        Near.Equal(100.0, Near.Scalar(Loss.TorchBinaryCrossEntropy(p, y, Reduction.None)[0, 0]), 1e-12);
    }

    [Fact]
    public void Binary_cross_entropy_with_logits_matches_pytorch_with_weights()
    {
        using var z = Ref.Tensor("losses.bce_logits.z");
        using var y = Ref.Tensor("losses.bce_logits.y");
        using var w = Ref.Tensor("losses.bce_logits.weight");
        using var pw = Ref.Tensor("losses.bce_logits.pos_weight");
        Near.Tensor(Ref.Doubles("losses.bce_logits.none"), Loss.BinaryCrossEntropyWithLogits(z, y, Reduction.None), 1e-9);
        Near.Equal(Ref.Number("losses.bce_logits.mean"), Near.Scalar(Loss.BinaryCrossEntropyWithLogits(z, y)), 1e-9);
        Near.Equal(Ref.Number("losses.bce_logits.sum"), Near.Scalar(Loss.BinaryCrossEntropyWithLogits(z, y, Reduction.Sum)), 1e-9);
        Near.Equal(Ref.Number("losses.bce_logits.weighted_mean"),
            Near.Scalar(Loss.BinaryCrossEntropyWithLogits(z, y, Reduction.Mean, w, pw)), 1e-9);
        Near.Tensor(Ref.Doubles("losses.bce_logits.keras_from_logits_per_sample"),
            Loss.KerasBinaryCrossEntropyFromLogits(z, y, Reduction.None), 1e-9);
    }

    [Fact]
    public void Cross_entropy_matches_pytorch_in_every_mode()
    {
        using var z = Ref.Tensor("losses.ce_logits.z");
        using var labels = Ref.LongTensor("losses.ce_logits.labels");
        using var cw = Ref.Tensor("losses.ce_logits.class_weights");
        using var ignored = Ref.LongTensor("losses.ce_logits.labels_ignore");
        using var soft = Ref.Tensor("losses.ce_logits.soft");
        using var z3 = Ref.Tensor("losses.ce_logits.z3");
        using var labels3 = Ref.LongTensor("losses.ce_logits.labels3");
        Near.Equal(Ref.Number("losses.ce_logits.mean"), Near.Scalar(Loss.CrossEntropy(z, labels)), 1e-9, "mean");
        Near.Tensor(Ref.Doubles("losses.ce_logits.none"), Loss.CrossEntropy(z, labels, Reduction.None), 1e-9, "none");
        Near.Equal(Ref.Number("losses.ce_logits.weighted"), Near.Scalar(Loss.CrossEntropy(z, labels, classWeights: cw)), 1e-9, "weighted");
        Near.Equal(Ref.Number("losses.ce_logits.ignore"), Near.Scalar(Loss.CrossEntropy(z, ignored)), 1e-9, "ignore_index");
        Near.Equal(Ref.Number("losses.ce_logits.smoothing"), Near.Scalar(Loss.CrossEntropy(z, labels, labelSmoothing: 0.1)), 1e-9, "smoothing");
        Near.Equal(Ref.Number("losses.ce_logits.soft_targets"), Near.Scalar(Loss.CrossEntropy(z, soft)), 1e-9, "soft");
        Near.Equal(Ref.Number("losses.ce_logits.mean3"), Near.Scalar(Loss.CrossEntropy(z3, labels3)), 1e-9, "(N, C, d)");
    }

    [Fact]
    public void Keras_categorical_and_sparse_cross_entropy_on_probabilities()
    {
        using var p = Ref.Tensor("losses.keras_cce.p");
        using var onehot = Ref.Tensor("losses.keras_cce.onehot");
        using var labels = Ref.LongTensor("losses.keras_cce.labels");
        using var z = Ref.Tensor("losses.ce_logits.z");
        Near.Tensor(Ref.Doubles("losses.keras_cce.per_sample"), Loss.KerasCategoricalCrossEntropy(p, onehot, Reduction.None), 1e-9);
        Near.Equal(Ref.Number("losses.keras_cce.mean"), Near.Scalar(Loss.KerasCategoricalCrossEntropy(p, onehot)), 1e-9);
        Near.Tensor(Ref.Doubles("losses.keras_cce.sparse_per_sample"), Loss.KerasSparseCategoricalCrossEntropy(p, labels, Reduction.None), 1e-9);
        Near.Equal(Ref.Number("losses.keras_cce.sparse_mean"), Near.Scalar(Loss.KerasSparseCategoricalCrossEntropy(p, labels)), 1e-9);
        Near.Equal(Ref.Number("losses.keras_cce.from_logits_mean"), Near.Scalar(Loss.KerasCategoricalCrossEntropyFromLogits(z, onehot)), 1e-9);
    }

    [Fact]
    public void Sparse_cross_entropy_with_classes_last_and_its_masked_mean()
    {
        using var z = Ref.Tensor("losses.sparse_class_last.z");
        using var labels = Ref.LongTensor("losses.sparse_class_last.labels");
        using var mask = Ref.LongTensor("losses.sparse_class_last.mask");
        Near.Equal(Ref.Number("losses.sparse_class_last.mean"), Near.Scalar(Loss.SparseCategoricalCrossEntropyFromLogits(z, labels)), 1e-9);
        Near.Tensor(Ref.Doubles("losses.sparse_class_last.per_position"),
            Loss.SparseCategoricalCrossEntropyFromLogits(z, labels, Reduction.None), 1e-9);
        Near.Equal(Ref.Number("losses.sparse_class_last.masked_mean"),
            Near.Scalar(Loss.MaskedSparseCategoricalCrossEntropyFromLogits(z, labels, mask)), 1e-9);
        // Labels with a trailing 1, as Keras accepts them.
        Near.Equal(Ref.Number("losses.sparse_class_last.mean"),
            Near.Scalar(Loss.SparseCategoricalCrossEntropyFromLogits(z, labels.unsqueeze(-1))), 1e-9);
    }
}
