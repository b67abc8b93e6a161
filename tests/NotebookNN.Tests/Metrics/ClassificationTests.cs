using NotebookNN.Metrics;
using NotebookNN.Tests.Reference;
using static TorchSharp.torch;

namespace NotebookNN.Tests.Metrics;

public class ClassificationTests
{
    static void Triple(string path, ClassificationScores s)
    {
        var expected = Ref.Doubles(path);
        Near.Values(expected, [s.Precision, s.Recall, s.F1], 1e-12, path);
    }

    [Fact]
    public void Multiclass_scores_match_sklearn()
    {
        using var yt = Ref.LongTensor("metrics.multiclass.y_true");
        using var yp = Ref.LongTensor("metrics.multiclass.y_pred");
        Triple("metrics.multiclass.scores.micro", Classification.PrecisionRecallF1(yt, yp, Average.Micro));
        Triple("metrics.multiclass.scores.macro", Classification.PrecisionRecallF1(yt, yp, Average.Macro));
        Triple("metrics.multiclass.scores.weighted", Classification.PrecisionRecallF1(yt, yp, Average.Weighted));
        Triple("metrics.multiclass.scores.labels_subset_macro", Classification.PrecisionRecallF1(yt, yp, Average.Macro, [0, 2, 4]));
        var per = Classification.PrecisionRecallF1(yt, yp, Average.Macro);
        Near.Values(Ref.Doubles("metrics.multiclass.scores.per_label.precision"), per.PerLabelPrecision, 1e-12);
        Near.Values(Ref.Doubles("metrics.multiclass.scores.per_label.recall"), per.PerLabelRecall, 1e-12);
        Near.Values(Ref.Doubles("metrics.multiclass.scores.per_label.f1"), per.PerLabelF1, 1e-12);
        Assert.Equal(Ref.Longs("metrics.multiclass.scores.per_label.support"), per.Support);
        Near.Equal(Ref.Number("metrics.multiclass.hamming"), Classification.HammingLoss(yt, yp), 1e-12);
        Near.Equal(Ref.Number("metrics.multiclass.accuracy"), Classification.SubsetAccuracy(yt, yp), 1e-12);
        // Micro-averaged precision of a multi-class problem is the accuracy.
        Near.Equal(Ref.Number("metrics.multiclass.accuracy"), Classification.Precision(yt, yp, Average.Micro), 1e-12);
    }

    [Fact]
    public void Confusion_matrices_match_sklearn()
    {
        using var yt = Ref.LongTensor("metrics.multiclass.y_true");
        using var yp = Ref.LongTensor("metrics.multiclass.y_pred");
        AssertMatrix(Ref.Longs("metrics.multiclass.confusion"), Classification.ConfusionMatrix(yt, yp));
        using var bt = Ref.LongTensor("metrics.binary.y_true");
        using var bp = Ref.LongTensor("metrics.binary.y_pred");
        var cm = Classification.ConfusionMatrix(bt, bp);
        AssertMatrix(Ref.Longs("metrics.binary.confusion"), cm);
        Assert.Equal(cm.Counts[1, 0], cm[1, 0]);
        Assert.Contains("true \\ predicted", cm.ToString());
    }

    [Fact]
    public void Binary_scores_match_sklearn_for_either_positive_label()
    {
        using var yt = Ref.LongTensor("metrics.binary.y_true");
        using var yp = Ref.LongTensor("metrics.binary.y_pred");
        Triple("metrics.binary.binary", Classification.PrecisionRecallF1(yt, yp));
        Triple("metrics.binary.binary_pos0", Classification.PrecisionRecallF1(yt, yp, positiveLabel: 0));
        // Float 0/1 labels and (N, 1) columns are accepted as labels.
        Triple("metrics.binary.binary", Classification.PrecisionRecallF1(yt.to_type(ScalarType.Float32).unsqueeze(1), yp.unsqueeze(1)));
    }

    [Fact]
    public void Multilabel_scores_match_sklearn()
    {
        using var yt = Ref.LongTensor("metrics.multilabel.y_true");
        using var yp = Ref.LongTensor("metrics.multilabel.y_pred");
        Triple("metrics.multilabel.scores.micro", Classification.PrecisionRecallF1(yt, yp, Average.Micro));
        Triple("metrics.multilabel.scores.macro", Classification.PrecisionRecallF1(yt, yp, Average.Macro));
        Triple("metrics.multilabel.scores.weighted", Classification.PrecisionRecallF1(yt, yp, Average.Weighted));
        Near.Equal(Ref.Number("metrics.multilabel.hamming"), Classification.HammingLoss(yt, yp), 1e-12);
        Near.Equal(Ref.Number("metrics.multilabel.subset_accuracy"), Classification.SubsetAccuracy(yt, yp), 1e-12);
    }

    [Fact]
    public void Classification_errors_name_the_mistake()
    {
        using var yt = tensor(new long[] { 0, 1, 2, 1 });
        using var yp = tensor(new long[] { 0, 2, 2, 1 });
        Assert.Contains("multi-class", Assert.Throws<ArgumentException>(() => Classification.F1(yt, yp)).Message);
        using var scores = tensor(new[] { 0.1, 0.8, 0.6, 0.4 });
        Assert.Contains("(scores > 0.5)", Assert.Throws<ArgumentException>(() => Classification.F1(yt, scores, Average.Macro)).Message);
        using var bt = tensor(new long[] { 0, 2, 2, 0 });
        Assert.Contains("positiveLabel=1", Assert.Throws<ArgumentException>(() => Classification.F1(bt, bt)).Message);
        using var multi = tensor(new long[,] { { 0, 1 }, { 1, 2 } });
        Assert.Contains("indicator", Assert.Throws<ArgumentException>(() => Classification.HammingLoss(multi, multi)).Message);
        using var ind = tensor(new long[,] { { 0, 1 }, { 1, 1 } });
        Assert.Contains("Micro", Assert.Throws<ArgumentException>(() => Classification.F1(ind, ind)).Message);
        Assert.Contains("multi-label", Assert.Throws<ArgumentException>(() => Classification.ConfusionMatrix(ind, ind)).Message);
        using var shorter = tensor(new long[] { 0, 1, 2 });
        Assert.Contains("[3]", Assert.Throws<ArgumentException>(() => Classification.HammingLoss(yt, shorter)).Message);
    }

    static void AssertMatrix(long[] expectedFlat, ConfusionMatrix cm)
    {
        int k = cm.Labels.Count;
        Assert.Equal(expectedFlat.Length, k * k);
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
                Assert.Equal(expectedFlat[i * k + j], cm.Counts[i, j]);
    }
}
