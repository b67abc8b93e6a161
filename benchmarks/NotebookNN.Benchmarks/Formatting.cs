using NotebookNN.Interactive.Tensors;
using static TorchSharp.torch;

namespace NotebookNN.Benchmarks;

/// <summary>
/// Row 6: the tensor text and HTML formatters on a [10, 100] (1e3) and a [10000, 10000] (1e8) float32 tensor of
/// linspace(0, 1) values, the same tensors the PyTorch side passes to repr.
/// </summary>
static class Formatting
{
    public static Dictionary<string, object> Run(string variant, Arguments options)
    {
        Func<Tensor, string> format = variant switch
        {
            "text" => t => TensorText.Format(t),
            "html" => t => TensorHtml.Format(t),
            _ => throw new ArgumentException($"Unknown format '{variant}': use text or html."),
        };
        int reps = options.Int("reps", 5), warmup = options.Int("warmup", 1);
        if (reps < 1 || warmup < 1) throw new ArgumentException("--reps and --warmup must be at least 1.");
        long large = options.Int("large", 100_000_000);
        long side = (long)Math.Round(Math.Sqrt(large));
        var result = new Dictionary<string, object>();
        foreach (var (name, shape) in new[] { ("1e3", new long[] { 10, 100 }), ("large", new[] { side, side }) })
        {
            using var scope = NewDisposeScope();
            var t = linspace(0, 1, shape[0] * shape[1]).reshape(shape);
            result["first_seconds_" + name] = Measure.Seconds(() => format(t));
            // Warm up for at least `warmup` calls and one second, so that tiered compilation has replaced the
            // formatter's first-tier code before the timed calls (calls 11-20 still overlapped it now and then).
            var warming = System.Diagnostics.Stopwatch.StartNew();
            for (int call = 1; call < warmup || warming.Elapsed.TotalSeconds < 1; call++) format(t);
            result["seconds_" + name] = Enumerable.Range(0, reps).Select(_ => Measure.Seconds(() => format(t))).ToArray();
            result["chars_" + name] = format(t).Length;
        }
        result["large_elements"] = side * side;
        return result;
    }
}
