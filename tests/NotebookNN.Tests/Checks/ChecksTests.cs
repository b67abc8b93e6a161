using NotebookNN;
using static TorchSharp.torch;

namespace NotebookNN.Tests.Checks;

public class ChecksTests
{
    [Fact]
    public void Probabilities_rejects_logits_and_names_the_fix()
    {
        using var logits = tensor(new[] { -2.5f, 0.3f, 4.0f });
        var e = Assert.Throws<ArgumentException>(() => NotebookNN.Checks.Probabilities(logits, "predictions", "Loss.BinaryCrossEntropyWithLogits"));
        Assert.Contains("looks like logits", e.Message);
        Assert.Contains("-2.5", e.Message);
        Assert.Contains("Loss.BinaryCrossEntropyWithLogits", e.Message);
        Assert.Equal("predictions", e.ParamName);
    }

    [Fact]
    public void Probabilities_accepts_the_closed_unit_interval()
    {
        using var p = tensor(new[] { 0.0, 0.5, 1.0 });
        NotebookNN.Checks.Probabilities(p, "p");
    }

    [Fact]
    public void Probabilities_rejects_integer_tensors()
    {
        using var p = tensor(new long[] { 0, 1 });
        var e = Assert.Throws<ArgumentException>(() => NotebookNN.Checks.Probabilities(p, "p"));
        Assert.Contains("floating-point", e.Message);
    }

    [Fact]
    public void Finite_reports_nan_and_infinity_counts()
    {
        using var p = tensor(new[] { double.NaN, double.PositiveInfinity, 0.5 });
        var e = Assert.Throws<ArgumentException>(() => NotebookNN.Checks.Finite(p, "scores"));
        Assert.Contains("1 NaN and 1 infinite", e.Message);
    }

    [Fact]
    public void SameShape_names_both_shapes_and_the_squeeze_fix()
    {
        using var a = zeros(32, 1);
        using var b = zeros(32);
        var e = Assert.Throws<ArgumentException>(() => NotebookNN.Checks.SameShape(a, b, "predictions", "targets"));
        Assert.Contains("[32, 1]", e.Message);
        Assert.Contains("[32]", e.Message);
        Assert.Contains("squeeze", e.Message);
    }

    [Fact]
    public void SameShape_explains_a_sequence_output_paired_with_per_sequence_labels()
    {
        using var a = zeros(4, 7, 3);
        using var b = zeros(4, 3);
        var e = Assert.Throws<ArgumentException>(() => NotebookNN.Checks.SameShape(a, b, "outputs", "labels"));
        Assert.Contains("[4, 7, 3]", e.Message);
        Assert.Contains("time axis", e.Message);
    }

    [Fact]
    public void LabelsInRange_names_the_bad_label_and_the_valid_range()
    {
        using var labels = tensor(new long[] { 0, 2, 3, 1 });
        var e = Assert.Throws<ArgumentException>(() => NotebookNN.Checks.LabelsInRange(labels, 3, "labels"));
        Assert.Contains("label 3", e.Message);
        Assert.Contains("0..2", e.Message);
        Assert.Contains("flat index 2", e.Message);
    }

    [Fact]
    public void LabelsInRange_rejects_negative_labels_and_float_labels()
    {
        using var neg = tensor(new long[] { -1, 0 });
        Assert.Contains("label -1", Assert.Throws<ArgumentException>(() => NotebookNN.Checks.LabelsInRange(neg, 2)).Message);
        using var f = tensor(new[] { 0f, 1f });
        Assert.Contains("integer class indices", Assert.Throws<ArgumentException>(() => NotebookNN.Checks.LabelsInRange(f, 2)).Message);
    }

    [Fact]
    public void NotSingleUnitSoftmax_explains_the_constant_output()
    {
        var e = Assert.Throws<ArgumentException>(() => NotebookNN.Checks.NotSingleUnitSoftmax(1, "Dense(1, softmax)"));
        Assert.Contains("a softmax over one unit is always 1", e.Message);
        Assert.Contains("sigmoid with 1 unit", e.Message);
        Assert.Contains("softmax with 2 units", e.Message);
        NotebookNN.Checks.NotSingleUnitSoftmax(2, "two units are fine");
        using var scores = zeros(8, 1);
        Assert.Throws<ArgumentException>(() => NotebookNN.Checks.NotSingleUnitSoftmax(scores, "logits"));
    }

    [Fact]
    public void RowsSumToOne_flags_sigmoid_outputs()
    {
        using var p = tensor(new[,] { { 0.9, 0.8 }, { 0.5, 0.5 } });
        var e = Assert.Throws<ArgumentException>(() => NotebookNN.Checks.RowsSumToOne(p, "probabilities"));
        Assert.Contains("row 0 sums to 1.7", e.Message);
    }

    [Fact]
    public void BinaryTargets_names_the_offending_value()
    {
        using var t = tensor(new[] { 0f, 1f, 2f });
        var e = Assert.Throws<ArgumentException>(() => NotebookNN.Checks.BinaryTargets(t, "labels"));
        Assert.Contains("contains 2", e.Message);
    }

    [Fact]
    public void SameBatch_and_NotEmpty_and_scalars()
    {
        using var a = zeros(3, 2);
        using var b = zeros(4);
        Assert.Contains("3 sample(s)", Assert.Throws<ArgumentException>(() => NotebookNN.Checks.SameBatch(a, b, "scores", "labels")).Message);
        using var empty = zeros(0);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => NotebookNN.Checks.NotEmpty(empty, "scores")).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => NotebookNN.Checks.Positive(0.0, "temperature"));
        Assert.Throws<ArgumentOutOfRangeException>(() => NotebookNN.Checks.Positive(double.NaN, "temperature"));
        Assert.Equal(2.0, NotebookNN.Checks.Positive(2.0, "t"));
    }
}

public class ValueCheckScopeTests
{
    [Fact]
    public void Value_checks_can_be_skipped_inside_a_scope_and_come_back_after_it()
    {
        using var logits = tensor(new[] { -2.0, 3.0 });
        using var labels = tensor(new long[] { 0, 7 });
        Assert.True(NotebookNN.Checks.ValueChecksEnabled);
        using (NotebookNN.Checks.WithoutValueChecks())
        {
            Assert.False(NotebookNN.Checks.ValueChecksEnabled);
            NotebookNN.Checks.Probabilities(logits, "p");
            NotebookNN.Checks.LabelsInRange(labels, 3);
            // Shape checks still run.
            using var other = zeros(3);
            Assert.Throws<ArgumentException>(() => NotebookNN.Checks.SameShape(logits, other, "a", "b"));
        }
        Assert.True(NotebookNN.Checks.ValueChecksEnabled);
        Assert.Throws<ArgumentException>(() => NotebookNN.Checks.Probabilities(logits, "p"));
    }

    [Fact]
    public void Remaining_argument_checks_name_the_fix()
    {
        using var v = zeros(3);
        Assert.Contains("(N, C)", Assert.Throws<ArgumentException>(() => NotebookNN.Checks.RankBetween(v, 2, 4, "logits", "(N, C)")).Message);
        Assert.Contains("must have 2", Assert.Throws<ArgumentException>(() => NotebookNN.Checks.Rank(v, 2, "x", "(N, F)")).Message);
        Assert.Throws<ArgumentNullException>(() => NotebookNN.Checks.NotNull(null, "x"));
        Assert.Throws<ArgumentOutOfRangeException>(() => NotebookNN.Checks.NonNegative(-0.5, "weight"));
        Assert.Throws<ArgumentOutOfRangeException>(() => NotebookNN.Checks.AtLeast(1, 2, "splits"));
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => NotebookNN.Checks.NotEmpty(Array.Empty<string>(), "items")).Message);
        using var t = tensor(new[] { -0.5, 0.5 });
        Assert.Contains("[0, 1]", Assert.Throws<ArgumentException>(() => NotebookNN.Checks.TargetsInUnitInterval(t, "targets")).Message);
        using var nan = tensor(new[] { double.NaN, 0.5 });
        Assert.Contains("1 NaN", Assert.Throws<ArgumentException>(() => NotebookNN.Checks.Probabilities(nan, "p")).Message);
    }
}
