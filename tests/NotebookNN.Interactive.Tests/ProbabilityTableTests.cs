using NotebookNN.Interactive.Probabilities;
using NotebookNN.Probabilities;
using TorchSharp;

namespace NotebookNN.Interactive.Tests;

public class ProbabilityTableTests
{
    static readonly string[] Animals = ["cat", "dog", "bird"];

    [Fact]
    public void RowsSummingToOneAreASoftmax()
    {
        var table = ProbabilityTable.FromProbabilities(new[] { new[] { 0.7, 0.2, 0.1 }, new[] { 0.1, 0.3, 0.6 } }, Animals, trueLabels: [0, 1]);
        Assert.Equal(ProbabilityKind.Softmax, table.Kind);
        Assert.Empty(table.Warnings);
        Assert.Equal([0], table.Predicted(0));
        Assert.Equal([2], table.Predicted(1));
        Assert.True(table.IsCorrect(0));
        Assert.False(table.IsCorrect(1));
        double expected = -(0.7 * Math.Log(0.7) + 0.2 * Math.Log(0.2) + 0.1 * Math.Log(0.1));
        Assert.Equal(expected, table.Entropy(0), 12);
        Assert.Equal([(0, 0.7), (1, 0.2), (2, 0.1)], table.Top(0));
    }

    [Fact]
    public void IndependentSigmoidsAreMultiLabel()
    {
        var table = ProbabilityTable.FromProbabilities(new[] { new[] { 0.9, 0.8, 0.1 }, new[] { 0.2, 0.1, 0.3 } }, Animals, threshold: 0.5);
        Assert.Equal(ProbabilityKind.MultiLabel, table.Kind);
        Assert.Equal([0, 1], table.Predicted(0));
        Assert.Empty(table.Predicted(1));
        Assert.Empty(table.Warnings);
    }

    [Fact]
    public void OneSigmoidColumnIsBinaryWithBothProbabilities()
    {
        using var p = torch.tensor(new[] { 0.8f, 0.3f });
        var table = ProbabilityTable.FromProbabilities(p, ["spam"], trueLabels: [1, 1]);
        Assert.Equal(ProbabilityKind.BinarySigmoid, table.Kind);
        Assert.Equal(["not spam", "spam"], table.ClassNames);
        Assert.Equal(0.2, table.Probability(0, 0), 6);
        Assert.Equal(0.8, table.Probability(0, 1), 6);
        Assert.Equal([1], table.Predicted(0));
        Assert.Equal([0], table.Predicted(1));
        string html = ProbabilityTableView.ToHtml(table);
        Assert.True(html.IndexOf("<th title=\"P(spam)\">spam</th>", StringComparison.Ordinal) < html.IndexOf("<th title=\"P(not spam)\">not spam</th>", StringComparison.Ordinal));
    }

    [Fact]
    public void LogitsGoThroughSoftmaxOrSigmoid()
    {
        using var logits = torch.tensor(new[] { 2.0f, 0.0f, 0.0f }).reshape(1, 3);
        var softmax = ProbabilityTable.FromLogits(logits, Animals);
        double e2 = Math.Exp(2);
        Assert.Equal(ProbabilityKind.Softmax, softmax.Kind);
        Assert.Equal(e2 / (e2 + 2), softmax.Probability(0, 0), 6);
        var multi = ProbabilityTable.FromLogits(logits, Animals, OutputActivation.Sigmoid);
        Assert.Equal(ProbabilityKind.MultiLabel, multi.Kind);
        Assert.Equal(0.5, multi.Probability(0, 1), 6);
        var binary = ProbabilityTable.FromLogits(torch.tensor(new[] { 0.0f }), ["yes"]);
        Assert.Equal(0.5, binary.Probability(0, 1), 6);
    }

    [Fact]
    public void WarnsWhenDeclaredSoftmaxRowsDoNotSumToOne()
    {
        var table = ProbabilityTable.FromProbabilities(new[] { new[] { 0.7, 0.2, 0.1 }, new[] { 0.9, 0.8, 0.1 } }, Animals, OutputActivation.Softmax);
        Assert.Equal(ProbabilityKind.Softmax, table.Kind);
        var warning = Assert.Single(table.Warnings);
        Assert.Contains("1 of 2 rows do not sum to 1", warning);
        Assert.Contains("<div class=\"nnb-warning\" role=\"alert\">", ProbabilityTableView.ToHtml(table));
        Assert.Contains("WARNING: 1 of 2 rows do not sum to 1", ProbabilityTableView.ToText(table));
    }

    [Fact]
    public void WarnsAboutASingleUnitSoftmax()
    {
        var fromLogits = ProbabilityTable.FromLogits(new[] { new[] { 3.2 }, new[] { -1.0 } }, ["positive"], OutputActivation.Softmax);
        Assert.Contains(fromLogits.Warnings, w => w.Contains("single output unit makes every output exactly 1"));
        Assert.Equal(1.0, fromLogits.Probability(1, 0));
        var allOnes = ProbabilityTable.FromProbabilities(new[] { new[] { 1.0 }, new[] { 1.0 } }, ["positive"]);
        Assert.Contains(allOnes.Warnings, w => w.Contains("softmax over a single unit"));
    }

    [Fact]
    public void WarnsWhenProbabilitiesAreOutsideZeroOne()
    {
        var table = ProbabilityTable.FromProbabilities(new[] { new[] { 2.5, -1.0, 0.1 } }, Animals);
        Assert.Contains(table.Warnings, w => w.Contains("2 values lie outside [0, 1]") && w.Contains("FromLogits"));
        // The bar of -1 is clipped to none, not negative, and that of 2.5 to a full cell.
        Assert.Contains("<td class=\"nnb-p\" style=\"background:linear-gradient(90deg,#cddcf3 0%,transparent 0%)\">-1.000</td>", ProbabilityTableView.ToHtml(table));
        Assert.Contains("<td class=\"nnb-p\" style=\"background:linear-gradient(90deg,#cddcf3 100%,transparent 100%)\">2.500</td>", ProbabilityTableView.ToHtml(table));
    }

    [Fact]
    public void RejectsInputsThatCannotBeRead()
    {
        var rows = new[] { new[] { 0.5, 0.5 } };
        Assert.Contains("2 columns but 3 class names", Assert.Throws<ArgumentException>(() => ProbabilityTable.FromProbabilities(rows, Animals)).Message);
        Assert.Contains("outside the classes", Assert.Throws<ArgumentOutOfRangeException>(() => ProbabilityTable.FromProbabilities(rows, ["a", "b"], trueLabels: [2])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ProbabilityTable.FromProbabilities(rows, ["a", "b"], threshold: 1.5));
        Assert.Contains("shape [N, C] or [N]", Assert.Throws<ArgumentException>(() => ProbabilityTable.FromProbabilities(torch.zeros(2, 2, 2), ["a", "b"])).Message);
    }

    [Fact]
    public void HtmlShowsBarsPredictionTopKEntropyAndTruth()
    {
        var table = ProbabilityTable.FromProbabilities(new[] { new[] { 0.7, 0.2, 0.1 } }, Animals, trueLabels: [1], topK: 2);
        string html = ProbabilityTableView.ToHtml(table);
        Assert.Contains("<td class=\"nnb-p\" style=\"background:linear-gradient(90deg,#cddcf3 70%,transparent 70%)\">0.700</td>", html);
        Assert.Contains("<td class=\"nnb-predicted\">cat</td>", html);
        Assert.Contains("<td class=\"nnb-topk\">cat 0.70<br>dog 0.20</td>", html);
        Assert.Contains("<td class=\"nnb-entropy\">0.802</td>", html);
        Assert.Contains("<td class=\"nnb-wrong\">dog ✗</td>", html);
        Assert.Contains("softmax: classes are mutually exclusive", html);
    }

    [Fact]
    public void TextFormListsEveryColumn()
    {
        var table = ProbabilityTable.FromProbabilities(new[] { new[] { 0.7, 0.2, 0.1 } }, Animals, trueLabels: [0]);
        string[] lines = ProbabilityTableView.ToText(table).Split('\n');
        Assert.StartsWith("ProbabilityTable: 1 rows x 3 classes (softmax", lines[0]);
        Assert.Equal("#  P(cat)  P(dog)  P(bird)  predicted  top-3                          entropy  true", lines[1]);
        Assert.Equal("0  0.700   0.200   0.100    cat        cat 0.70, dog 0.20, bird 0.10  0.802    cat (correct)", lines[2]);
    }

    [Fact]
    public void LabelsComeFromIntegerTensors()
    {
        using var y = torch.tensor(new long[] { 2, 0 });
        Assert.Equal([2, 0], ProbabilityTable.Labels(y));
        Assert.Throws<ArgumentException>(() => ProbabilityTable.Labels(torch.tensor(new[] { 1.0f })));
        using var logits = torch.tensor(new[] { 0f, 0f, 3f, 3f, 0f, 0f }).reshape(2, 3);
        var table = ProbabilityTable.FromLogits(logits, Animals, trueLabels: ProbabilityTable.Labels(y));
        Assert.True(table.IsCorrect(0));
        Assert.True(table.IsCorrect(1));
    }

    [Fact]
    public void MultiLabelTruthSets()
    {
        using var p = torch.tensor(new[] { 0.9f, 0.8f, 0.1f }).reshape(1, 3);
        var table = ProbabilityTable.MultiLabel(p, Animals, fromLogits: false, trueLabelSets: [[0, 1]]);
        Assert.True(table.IsCorrect(0));
        Assert.Contains("<td class=\"nnb-true\">cat, dog ✓</td>", ProbabilityTableView.ToHtml(table));
    }
}
