using NotebookNN.Data;
using NotebookNN.Models;
using NotebookNN.Uncertainty;
using static TorchSharp.torch;

namespace NotebookNN.Benchmarks;

/// <summary>
/// Row 3: T stochastic passes of the MNIST CNN (width 0.25) over test images, batched by
/// <see cref="McDropout.SamplePasses"/> or looped as T forward calls with only dropout active.
/// </summary>
static class McDropoutBench
{
    public static Dictionary<string, object> Run(string variant, Arguments options)
    {
        if (variant is not ("batched" or "looped")) throw new ArgumentException($"Unknown MC side '{variant}': use batched or looped.");
        int passes = options.Int("passes", 50), images = options.Int("images", 1000), reps = options.Int("reps", 3);
        // 0 keeps the library's memory-budget plan; N caps the rows per forward call (the profile in ANALYSIS.md).
        int rowsPerCall = options.Int("rows-per-call", 0);
        if (rowsPerCall < 0) throw new ArgumentException("--rows-per-call must be 0 (library default) or positive.");
        var mcOptions = rowsPerCall == 0 ? null : new McDropoutOptions { MaxRowsPerCall = rowsPerCall };
        manual_seed(1);
        var x = Mnist.Load(DataSplit.Test, images).Features;
        var net = MnistCnn.Create(width: 0.25);
        Func<Tensor> sample = variant == "batched" ? () => McDropout.SamplePasses(net, x, passes, mcOptions) : () => Looped(net, x, passes);
        var seconds = new List<double>();
        for (int r = 0; r <= reps; r++)
        {
            using var scope = NewDisposeScope();
            seconds.Add(Measure.Seconds(() => sample()));
        }
        var plan = McDropout.Plan(net, x, passes, mcOptions);
        return new Dictionary<string, object>
        {
            ["seconds"] = seconds.Skip(1).ToArray(),
            ["warmup_seconds"] = seconds[0],
            ["forward_calls"] = variant == "batched" ? plan.Calls : passes,
        };
    }

    static Tensor Looped(TorchSharp.torch.nn.Module<Tensor, Tensor> net, Tensor x, int passes)
    {
        using var modes = McDropout.DropoutOnly(net);
        using var grad = no_grad();
        return stack(Enumerable.Range(0, passes).Select(_ => net.call(x)).ToArray());
    }
}
