using System.Globalization;
using NotebookNN.Extensibility;
using NotebookNN.Interactive.Tensors;
using NotebookNN.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Interactive.Magics;

/// <summary>The NotebookNN magic commands: #!nn-device, #!nn-seed, #!nn-threads, #!nn-print, #!nn-summary.</summary>
public static class NotebookNNMagics
{
    /// <summary>The devices <c>#!nn-device</c> completes (cuda:N for each GPU is accepted too).</summary>
    private static readonly string[] DeviceChoices = ["auto", "cpu", "cuda", "cuda:0"];

    /// <summary>Every NotebookNN magic command; its parameters feed the parser, <c>--help</c> and each host's directive.</summary>
    public static IReadOnlyList<MagicCommand> All { get; } =
    [
        new("nn-device", "Choose the default device (auto, cpu, cuda, cuda:N) and show its name and memory.", DeviceAsync)
        {
            Parameters =
            [
                new("device", "auto (CUDA when available, else the CPU), cpu, cuda (the first GPU) or cuda:N", MagicParameterKind.Positional)
                    { ValueName = "DEVICE", Completions = DeviceChoices },
            ],
            Notes = """
                Without an argument: shows the current default device.
                Models and data created by NotebookNN go to this device (NN.Device).
                """,
        },
        new("nn-seed", "Seed torch (CPU and CUDA), NN.Random and the library's shuffles.", SeedAsync)
        {
            Parameters = [new("seed", "a whole number", MagicParameterKind.Positional) { ValueName = "N" }],
            RequiredPositionals = 1,
            Notes = """
                Seeds torch's CPU and CUDA generators, NN.Random (shuffles, splits) and everything built on them,
                so the cells that follow repeat exactly.
                """,
        },
        new("nn-threads", "Set the number of CPU threads torch uses.", ThreadsAsync)
        {
            Parameters = [new("threads", "intra-op threads, at least 1", MagicParameterKind.Positional) { ValueName = "N" }],
            Notes = "Without an argument: shows the current thread count.",
        },
        new("nn-print", "Set how tensors print (torch.set_printoptions).", PrintAsync)
        {
            Parameters =
            [
                new("precision", "digits after the decimal point (default 4)") { ValueName = "N" },
                new("edgeitems", "items kept at each end of a summarised dimension (default 3)") { ValueName = "N" },
                new("threshold", "more elements than this are summarised with ... (default 1000; inf = never)") { ValueName = "N|inf", Completions = ["inf"] },
                new("linewidth", "characters per line (default 80)") { ValueName = "N" },
                new("sci-mode", "auto (PyTorch's choice), on (always scientific), off (never)") { ValueName = "MODE", Completions = ["auto", "on", "off"] },
                new("reset", "back to PyTorch's defaults first", MagicParameterKind.Flag),
            ],
            Notes = "Without options: shows the current settings. Options not given keep their value.",
        },
        new("nn-summary", "Show a Keras-style summary of a model (layers, output shapes, parameters).", SummaryAsync)
        {
            Parameters =
            [
                new("expression", "a C# expression: a TorchSharp module, or a NotebookNN.Models.ModelSummary", MagicParameterKind.Expression) { ValueName = "EXPR" },
                new("input", "the sample input's shape, batch first, e.g. 1,784 or 1x1x28x28 (needed for a module)") { ValueName = "SHAPE" },
                new("dtype", "the sample input's element type (default float32; int64 for token ids)") { ValueName = "TYPE", Completions = ["float32", "float64", "int64"] },
            ],
            RequiredPositionals = 1,
            Notes = "The sample input (zeros) runs once through the model in evaluation mode, without gradients.",
        },
    ];

    private static MagicCommand Command(string name) => All.Single(c => c.Name == name);

    /// <summary>Parses the invocation against the command's declared parameters; true when it only asked for help.</summary>
    private static bool ShowHelp(MagicInvocation invocation, out MagicArguments args)
    {
        var command = Command(invocation.Name);
        args = MagicArguments.Parse(command, invocation);
        if (!args.Help) return false;
        invocation.Context.WriteLine(command.Usage);
        return true;
    }

    private static Task DeviceAsync(MagicInvocation invocation)
    {
        if (ShowHelp(invocation, out var args)) return Task.CompletedTask;
        if (args.Positionals.Count == 1)
        {
            try { NN.UseDevice(args.Positionals[0]); }
            catch (ArgumentException e) { throw args.Error(e.Message); }
        }
        invocation.Context.WriteLine("Default device: " + DeviceReport.Describe(NN.Device));
        return Task.CompletedTask;
    }

    private static Task SeedAsync(MagicInvocation invocation)
    {
        if (ShowHelp(invocation, out var args)) return Task.CompletedTask;
        int seed = args.PositionalInt(0, "The seed", int.MinValue, int.MaxValue);
        NN.Seed(seed);
        invocation.Context.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Seeded torch{(torch.cuda.is_available() ? ", CUDA" : "")} and NN.Random with {seed}."));
        return Task.CompletedTask;
    }

    private static Task ThreadsAsync(MagicInvocation invocation)
    {
        if (ShowHelp(invocation, out var args)) return Task.CompletedTask;
        if (args.Positionals.Count == 1) NN.SetThreads(args.PositionalInt(0, "The thread count", 1, 4096));
        invocation.Context.WriteLine(string.Create(CultureInfo.InvariantCulture, $"torch uses {torch.get_num_threads()} intra-op threads ({Environment.ProcessorCount} logical cores)."));
        return Task.CompletedTask;
    }

    private static Task PrintAsync(MagicInvocation invocation)
    {
        if (ShowHelp(invocation, out var args)) return Task.CompletedTask;
        var options = args.Has("reset") ? TensorPrintOptions.Default : TensorPrintOptions.Current;
        options = options with
        {
            Precision = args.Int("precision", 0, 30) ?? options.Precision,
            EdgeItems = args.Int("edgeitems", 1, 1_000_000) ?? options.EdgeItems,
            Threshold = args.Double("threshold", 0) ?? options.Threshold,
            LineWidth = args.Int("linewidth", 1, 100_000) ?? options.LineWidth,
            SciMode = args.Choice("sci-mode") switch
            {
                null => options.SciMode,
                "auto" => null,
                "on" => true,
                _ => false,
            },
        };
        TensorPrintOptions.Current = options;
        invocation.Context.WriteLine(Describe(options));
        return Task.CompletedTask;
    }

    /// <summary>The settings in #!nn-print's own syntax.</summary>
    internal static string Describe(TensorPrintOptions o) => string.Create(CultureInfo.InvariantCulture,
        $"Tensor print options: --precision {o.Precision} --edgeitems {o.EdgeItems} --threshold {(double.IsPositiveInfinity(o.Threshold) ? "inf" : o.Threshold.ToString(CultureInfo.InvariantCulture))} --linewidth {o.LineWidth} --sci-mode {o.SciMode switch { null => "auto", true => "on", false => "off" }}");

    private static async Task SummaryAsync(MagicInvocation invocation)
    {
        if (ShowHelp(invocation, out var args)) return;
        string expression = args.Expression!;

        object? value = await invocation.Context.EvaluateAsync(expression).ConfigureAwait(false);
        switch (value)
        {
            case ModelSummary summary:
                invocation.Context.Display(summary);
                return;
            case nn.Module<Tensor, Tensor> module:
                if (args.Value("input") is not { } shapeText)
                    throw args.Error($"'{expression}' is a {module.GetType().Name}: give the sample input's shape with --input, e.g. --input 1,784.");
                long[] shape = ParseShape(shapeText, args);
                ScalarType dtype = args.Choice("dtype") switch
                {
                    "float64" => ScalarType.Float64,
                    "int64" => ScalarType.Int64,
                    _ => ScalarType.Float32,
                };
                Device device = module.parameters().FirstOrDefault()?.device ?? NN.Device;
                using (var sample = torch.zeros(shape, dtype, device))
                    invocation.Context.Display(ModelSummary.Of(module, sample));
                return;
            case null:
                throw args.Error($"'{expression}' is null: expected a TorchSharp module or a ModelSummary.");
            default:
                throw args.Error($"'{expression}' is a {value.GetType().Name}: expected a TorchSharp module taking one tensor (nn.Module<Tensor, Tensor>) or a ModelSummary.");
        }
    }

    /// <summary>"1,784", "1x1x28x28" or "(1, 784)" as dimensions.</summary>
    internal static long[] ParseShape(string text, MagicArguments args)
    {
        var parts = text.Trim().Trim('(', ')', '[', ']').Split([',', 'x', 'X', '*'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) throw args.Error($"--input needs dimensions such as 1,784; got '{text}'.");
        var dims = new long[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!long.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out dims[i]) || dims[i] < 1)
                throw args.Error($"--input dimension '{parts[i]}' is not a positive whole number (shape '{text}').");
        return dims;
    }
}
