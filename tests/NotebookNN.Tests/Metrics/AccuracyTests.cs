using NotebookNN.Metrics;
using NotebookNN.Tests.Reference;
using static TorchSharp.torch;

namespace NotebookNN.Tests.Metrics;

public class AccuracyTests
{
    [Fact]
    public void Binary_accuracy_is_strictly_greater_than_the_threshold()
    {
        using var p = Ref.Tensor("metrics.binary_accuracy.p");
        using var y = Ref.Tensor("metrics.binary_accuracy.y");
        Near.Equal(Ref.Number("metrics.binary_accuracy.value"), Accuracy.Binary(p, y), 1e-12);
        Near.Equal(Ref.Number("metrics.binary_accuracy.value_threshold_0_3"), Accuracy.Binary(p, y, 0.3), 1e-12);
        using var half = tensor(new[] { 0.5, 0.5000001 });
        using var ones_ = tensor(new[] { 1.0, 1.0 });
        Assert.Equal(0.5, Accuracy.Binary(half, ones_));
    }

    [Fact]
    public void Binary_accuracy_squeezes_a_trailing_unit_axis_like_keras()
    {
        using var p = tensor(new[,] { { 0.9 }, { 0.2 }, { 0.7 } });
        using var y = tensor(new[] { 1L, 0, 0 });
        Assert.Equal(2.0 / 3.0, Accuracy.Binary(p, y), 12);
    }

    [Fact]
    public void Categorical_and_sparse_categorical_accuracy()
    {
        using var p = Ref.Tensor("metrics.categorical_accuracy.p");
        using var onehot = Ref.Tensor("metrics.categorical_accuracy.onehot");
        using var labels = Ref.LongTensor("metrics.categorical_accuracy.labels");
        double expected = Ref.Number("metrics.categorical_accuracy.value");
        Near.Equal(expected, Accuracy.Categorical(p, onehot), 1e-12);
        Near.Equal(expected, Accuracy.SparseCategorical(p, labels), 1e-12);
        Near.Equal(expected, Accuracy.SparseCategorical(p, labels.unsqueeze(1)), 1e-12);
        // Keras' trap: categorical accuracy on (N, 1) integer labels compares argmax 0 with the prediction.
        Near.Equal(Ref.Number("metrics.categorical_accuracy.sparse_with_column_labels_as_categorical"),
            Accuracy.Categorical(p, labels.unsqueeze(1)), 1e-12);
    }

    [Fact]
    public void Todays_rule_resolves_accuracy_from_the_shapes()
    {
        using var p1 = tensor(new[,] { { 0.8 }, { 0.3 } });
        using var y1 = tensor(new[,] { { 1.0 }, { 1.0 } });
        var r = Accuracy.ResolveKeras(p1, y1);
        Assert.Equal(AccuracyMetric.BinaryAccuracy, r.Metric);
        Assert.Equal("binary_accuracy", r.MetricName);
        Assert.Equal(0.5, r.Value);

        using var p = tensor(new[,] { { 0.1, 0.7, 0.2 }, { 0.5, 0.3, 0.2 } });
        using var sparse = tensor(new long[] { 1, 2 });
        Assert.Equal(AccuracyMetric.SparseCategoricalAccuracy, Accuracy.ResolveKeras(p, sparse).Metric);
        using var column = tensor(new long[,] { { 1 }, { 2 } });
        Assert.Equal(AccuracyMetric.SparseCategoricalAccuracy, Accuracy.ResolveKeras(p, column).Metric);
        using var onehot = tensor(new[,] { { 0.0, 1, 0 }, { 0, 0, 1 } });
        var c = Accuracy.ResolveKeras(p, onehot);
        Assert.Equal(AccuracyMetric.CategoricalAccuracy, c.Metric);
        Assert.Equal(0.5, c.Value);
        Assert.Contains("categorical_accuracy = 0.5000", c.ToString());
    }

    [Fact]
    public void The_old_rule_gives_binary_accuracy_for_bce_so_all_zeros_scores_nine_tenths_on_ten_classes()
    {
        // Q10's trap: an all-zeros predictor against one-hot labels of 10 classes.
        using var zerosPred = zeros(50, 10, ScalarType.Float64);
        var labels = tensor(Enumerable.Range(0, 50).Select(i => (long)(i % 10)).ToArray());
        var onehot = nn.functional.one_hot(labels, 10).to_type(ScalarType.Float64);
        var old = Accuracy.ResolveKeras2Legacy(zerosPred, onehot, KerasLossKind.BinaryCrossentropy);
        Assert.Equal(AccuracyMetric.BinaryAccuracy, old.Metric);
        Assert.Equal(0.9, old.Value, 15);
        var today = Accuracy.ResolveKeras(zerosPred, onehot);
        Assert.Equal(AccuracyMetric.CategoricalAccuracy, today.Metric);
        Assert.Equal(0.1, today.Value, 15); // argmax of a zero row is class 0: 5 of 50 right
        Assert.Equal(AccuracyMetric.CategoricalAccuracy,
            Accuracy.ResolveKeras2Legacy(zerosPred, onehot, KerasLossKind.CategoricalCrossentropy).Metric);
        Assert.Equal(AccuracyMetric.SparseCategoricalAccuracy,
            Accuracy.ResolveKeras2Legacy(zerosPred, labels, KerasLossKind.SparseCategoricalCrossentropy).Metric);
        using var single = zeros(4, 1, ScalarType.Float64);
        using var y = zeros(4, 1, ScalarType.Float64);
        Assert.Equal(AccuracyMetric.BinaryAccuracy, Accuracy.ResolveKeras2Legacy(single, y, KerasLossKind.Other).Metric);
    }

    [Fact]
    public void Accuracy_errors_name_the_mismatch()
    {
        using var p = zeros(4, 3, ScalarType.Float64);
        using var labels = tensor(new long[] { 0, 1, 2, 1 });
        Assert.Contains("SparseCategorical", Assert.Throws<ArgumentException>(() => Accuracy.Categorical(p, labels)).Message);
        using var onehot = zeros(4, 3, ScalarType.Float64);
        Assert.Contains("Categorical", Assert.Throws<ArgumentException>(() => Accuracy.SparseCategorical(p, onehot)).Message);
        using var y5 = zeros(5, ScalarType.Float64);
        Assert.Contains("4 sample(s)", Assert.Throws<ArgumentException>(() => Accuracy.ResolveKeras(p, y5)).Message);
        using var probs = tensor(new[] { 0.2, 0.9, 0.4, 0.1 });
        Assert.Contains("look like scores", Assert.Throws<ArgumentException>(() => Accuracy.SparseCategorical(p, probs)).Message);
    }
}
