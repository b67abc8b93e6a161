using Microsoft.DotNet.Interactive.Formatting;
using NotebookNN.Extensibility;
using NotebookNN.Interactive.Magics;
using NotebookNN.Interactive.Plots;
using NotebookNN.Interactive.Tensors;
using NotebookNN.Models;
using NotebookNN.Probabilities;
using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Interactive.Tests;

/// <summary>Tests that change the process-wide formatter registry or print options run one at a time.</summary>
[CollectionDefinition("Global state", DisableParallelization = true)]
public class GlobalStateCollection;

/// <summary>What the engine gives a magic: records outputs and evaluates expressions from a table of values.</summary>
sealed class RecordingContext(Dictionary<string, object?>? values = null) : IMagicContext
{
    public List<object?> Displayed { get; } = [];
    public List<string> Lines { get; } = [];
    public void Display(object? value) => Displayed.Add(value);
    public void WriteLine(string text) => Lines.Add(text);
    public Task<object?> EvaluateAsync(string expression, CancellationToken cancellationToken = default) =>
        values is not null && values.TryGetValue(expression, out var v) ? Task.FromResult(v)
        : throw new InvalidOperationException($"(1,1): error CS0103: The name '{expression}' does not exist in the current context");
}

sealed class RecordingHost : INotebookHost
{
    readonly List<MagicCommand> _magics = [];
    public IReadOnlyCollection<MagicCommand> Magics => _magics;
    public void RegisterMagic(MagicCommand command)
    {
        if (_magics.Any(m => m.Name == command.Name)) throw new InvalidOperationException($"#!{command.Name} is already registered.");
        _magics.Add(command);
    }
}

[Collection("Global state")]
public class RegistrationAndMagicTests
{
    static Task Run(string line, RecordingContext context)
    {
        var parts = line.Split(' ', 2);
        string name = parts[0].TrimStart('#', '!');
        string raw = parts.Length > 1 ? parts[1].Trim() : "";
        var args = raw.Length == 0 ? Array.Empty<string>() : raw.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return NotebookNNMagics.All.Single(m => m.Name == name).Handler(new MagicInvocation(name, args, raw, context));
    }

    [Fact]
    public void ExtensionRegistersFormattersAndMagics()
    {
        var host = new RecordingHost();
        new NotebookNNExtension().Load(host);
        Assert.Equal(["nn-device", "nn-seed", "nn-threads", "nn-print", "nn-summary"], host.Magics.Select(m => m.Name));
        Assert.All(host.Magics, m => Assert.StartsWith("#!" + m.Name, m.Usage));

        using var t = torch.tensor(new[] { 1, 2, 3 }, dtype: ScalarType.Int32);
        Assert.Equal("tensor([1, 2, 3], dtype=torch.int32)", t.ToDisplayString(Formatters.PlainText));
        Assert.Contains("nnb-chip", t.ToDisplayString(Formatters.HtmlMime));
        using var parameter = new TorchSharp.Modules.Parameter(torch.tensor(new[] { 0.5f }));
        Assert.Equal("Parameter containing:\ntensor([0.5000], requires_grad=True)", parameter.ToDisplayString(Formatters.PlainText));

        var chart = Plots.Plots.Roc([0, 1], [0, 1], [1, 0]);
        Assert.Contains(PlotlyHtml.PlotlyMimeType, Formatter.GetPreferredMimeTypesFor(chart.GetType()));
        Assert.StartsWith("{\"data\":[", chart.ToDisplayString(PlotlyHtml.PlotlyMimeType));
        Assert.Contains("window.Plotly.newPlot", chart.ToDisplayString(Formatters.HtmlMime));
        Assert.StartsWith("Plotly chart \"ROC curve (AUC = 0.500)\" (2 traces)", chart.ToDisplayString(Formatters.PlainText));

        var table = ProbabilityTable.FromProbabilities(new[] { new[] { 0.6, 0.4 } }, ["a", "b"]);
        Assert.Contains("nnb-prob-table", table.ToDisplayString(Formatters.HtmlMime));
        Assert.StartsWith("ProbabilityTable: 1 rows x 2 classes", table.ToDisplayString(Formatters.PlainText));
    }

    [Fact]
    public async Task PrintChangesOptionsWithPyTorchSemantics()
    {
        var context = new RecordingContext();
        try
        {
            Formatters.Register();
            await Run("#!nn-print --precision 2 --threshold 5 --sci-mode=off", context);
            Assert.Equal("Tensor print options: --precision 2 --edgeitems 3 --threshold 5 --linewidth 80 --sci-mode off", context.Lines[^1]);
            using var t = torch.arange(10, dtype: ScalarType.Float32).div(3);
            Assert.Equal("tensor([0.00, 0.33, 0.67,  ..., 2.33, 2.67, 3.00])", t.ToDisplayString(Formatters.PlainText));
            await Run("#!nn-print --edgeitems 1", context);
            Assert.Equal(2, TensorPrintOptions.Current.Precision);
            Assert.Equal(1, TensorPrintOptions.Current.EdgeItems);
            await Run("#!nn-print --reset --threshold inf", context);
            Assert.Equal(TensorPrintOptions.Default with { Threshold = double.PositiveInfinity }, TensorPrintOptions.Current);
        }
        finally { TensorPrintOptions.Current = TensorPrintOptions.Default; }
    }

    [Theory]
    [InlineData("#!nn-print --precison 2", "#!nn-print: unknown option '--precison'. Options: --precision, --edgeitems, --threshold, --linewidth, --sci-mode, --reset, --help.")]
    [InlineData("#!nn-print --precision", "#!nn-print: option --precision needs a value.")]
    [InlineData("#!nn-print --precision two", "#!nn-print: --precision needs a whole number, got 'two'.")]
    [InlineData("#!nn-print --edgeitems 0", "#!nn-print: --edgeitems must be between 1 and 1000000, got 0.")]
    [InlineData("#!nn-print --sci-mode maybe", "#!nn-print: --sci-mode must be one of auto, on, off, got 'maybe'.")]
    [InlineData("#!nn-print --reset=yes", "#!nn-print: option --reset takes no value.")]
    [InlineData("#!nn-print 3", "#!nn-print: takes no arguments besides options, got '3'.")]
    [InlineData("#!nn-seed", "#!nn-seed: needs N (a whole number).")]
    [InlineData("#!nn-seed abc", "#!nn-seed: The seed must be a whole number, got 'abc'.")]
    [InlineData("#!nn-seed 1 2", "#!nn-seed: takes at most 1 argument(s), got 2: '1 2'.")]
    [InlineData("#!nn-threads 0", "#!nn-threads: The thread count must be between 1 and 4096, got 0.")]
    [InlineData("#!nn-device tpu", "#!nn-device: Device 'tpu' is not known: use auto, cpu, cuda or cuda:N.")]
    [InlineData("#!nn-device -x", "#!nn-device: unknown option '-x'. Options: --help.")]
    [InlineData("#!nn-summary --input 1,4", "#!nn-summary: needs EXPR (a C# expression: a TorchSharp module, or a NotebookNN.Models.ModelSummary).")]
    public async Task UsageErrorsSayWhatWasWrong(string line, string message)
    {
        var e = await Assert.ThrowsAsync<MagicCommandException>(() => Run(line, new RecordingContext()));
        Assert.Equal(message + $" See #!{line.Split(' ')[0][2..]} --help.", e.Message);
    }

    [Fact]
    public async Task HelpShowsUsage()
    {
        var context = new RecordingContext();
        await Run("#!nn-print --help", context);
        Assert.StartsWith("#!nn-print [--precision N]", Assert.Single(context.Lines));
        Assert.Equal(TensorPrintOptions.Default, TensorPrintOptions.Current);
    }

    [Fact]
    public async Task SeedDeviceAndThreadsCallNN()
    {
        var context = new RecordingContext();
        await Run("#!nn-seed 7", context);
        Assert.Equal(7, NN.CurrentSeed);
        Assert.StartsWith("Seeded torch", context.Lines[^1]);
        await Run("#!nn-device cpu", context);
        Assert.StartsWith("Default device: cpu: ", context.Lines[^1]);
        Assert.Contains("logical cores", context.Lines[^1]);
        int threads = torch.get_num_threads();
        await Run($"#!nn-threads {threads}", context);
        Assert.StartsWith($"torch uses {threads} intra-op threads", context.Lines[^1]);
    }

    [Fact]
    public async Task SummaryEvaluatesTheExpression()
    {
        using var model = nn.Sequential(("fc1", nn.Linear(4, 8)), ("relu", nn.ReLU()), ("fc2", nn.Linear(8, 3)));
        var context = new RecordingContext(new() { ["model"] = model, ["text"] = "hello" });
        await Run("#!nn-summary model --input 2,4", context);
        var summary = Assert.IsType<ModelSummary>(Assert.Single(context.Displayed));
        Assert.Equal(4 * 8 + 8 + 8 * 3 + 3, summary.TotalParameters);
        var e = await Assert.ThrowsAsync<MagicCommandException>(() => Run("#!nn-summary model", context));
        Assert.Contains("give the sample input's shape with --input", e.Message);
        e = await Assert.ThrowsAsync<MagicCommandException>(() => Run("#!nn-summary text --input 1", context));
        Assert.Contains("'text' is a String", e.Message);
        e = await Assert.ThrowsAsync<MagicCommandException>(() => Run("#!nn-summary model --input 2,zero", context));
        Assert.Contains("--input dimension 'zero' is not a positive whole number", e.Message);
    }

    [Fact]
    public void ModelSummaryTextLooksLikeKeras()
    {
        using var model = nn.Sequential(("fc1", nn.Linear(4, 8)), ("relu", nn.ReLU()), ("fc2", nn.Linear(8, 3)));
        using var x = torch.zeros(2, 4);
        string text = Models.ModelSummaryView.ToText(ModelSummary.Of(model, x));
        var lines = text.Split('\n');
        Assert.Equal("Model: \"Sequential\"", lines[0]);
        Assert.Contains(lines, l => l.StartsWith(" fc1 (Linear)") && l.Contains("(2, 8)") && l.TrimEnd().EndsWith("40           40"));
        Assert.Contains(lines, l => l.StartsWith(" relu (ReLU)") && l.Contains("(2, 8)"));
        Assert.Contains("Total params: 67 (268 B)", text);
        Assert.Contains("Non-trainable params: 0", text);
        string html = Models.ModelSummaryView.ToHtml(ModelSummary.Of(model, x));
        Assert.Contains("<td style=\"text-align:left\">fc2 <span style=\"color:#888\">(Linear)</span></td><td>(2, 3)</td><td>27</td><td>27</td>", html);
        Assert.Contains("Total params: 67 (268 B)", html);
    }
}
