using TorchSharp;
using TorchSharp.Modules;
using NotebookNN.Models;
using static TorchSharp.torch;

namespace NotebookNN.Uncertainty;

/// <summary>Limits for <see cref="McDropout"/>'s batched passes.</summary>
public sealed class McDropoutOptions
{
    /// <summary>The budget on a CPU when none is given: 16 MiB of activations per call.</summary>
    public const long DefaultCpuBudgetBytes = 16L << 20;

    /// <summary>The budget on a GPU when none is given: 512 MiB of activations per call.</summary>
    public const long DefaultGpuBudgetBytes = 512L << 20;

    /// <summary>
    /// How much memory one forward call may use for activations, in bytes. The T passes over N samples are run as
    /// one call on T·N rows when they fit, otherwise in chunks of rows that do. Null (the default) picks by the
    /// model's device: <see cref="DefaultCpuBudgetBytes"/> on a CPU, <see cref="DefaultGpuBudgetBytes"/> elsewhere.
    /// </summary>
    /// <remarks>
    /// The two defaults differ because the devices do. On a CPU a call's cost follows its memory traffic: activations
    /// that stay near cache size, and below glibc's mmap threshold (32 MiB under the runner's allocator settings), are
    /// reused from the heap, while one call of all T·N rows maps and faults in fresh pages for every layer (the MNIST
    /// CNN, T = 50 over 1,000 images: 14 calls of 3,500 rows took 11-16 s, calls of 100-400 rows about 2.5-3.5 s,
    /// as fast as 50 plain forward calls). On a GPU, large calls are what make batching pay.
    /// </remarks>
    public long? MemoryBudgetBytes { get; init; }

    /// <summary>A fixed number of rows per call, overriding the estimate from <see cref="MemoryBudgetBytes"/>.</summary>
    public int? MaxRowsPerCall { get; init; }
}

/// <summary>How <see cref="McDropout"/> will split its work: rows per forward call and the number of calls.</summary>
/// <param name="Passes">T.</param>
/// <param name="Samples">N.</param>
/// <param name="BytesPerRow">Estimated activation bytes of one input row in one forward pass.</param>
/// <param name="RowsPerCall">Rows (pass × sample pairs) per forward call.</param>
/// <param name="Calls">Forward calls needed for all T·N rows; 1 means the T passes ran in one batched call.</param>
public sealed record McDropoutPlan(int Passes, long Samples, long BytesPerRow, long RowsPerCall, long Calls);

/// <summary>
/// Monte Carlo dropout (Gal and Ghahramani, 2016): predictions with dropout kept active and every other layer in
/// evaluation mode (batch norm uses its running statistics), repeated T times, summarised as a
/// <see cref="PredictiveDistribution"/>.
/// </summary>
/// <remarks>
/// The T passes are batched: the input is repeated T times along the batch axis and run as one forward call, which
/// draws an independent dropout mask for every row; on a GPU this is much faster than T separate calls. When T·N
/// rows do not fit <see cref="McDropoutOptions.MemoryBudgetBytes"/> (on a CPU by default a cache-sized budget), the
/// rows are processed in chunks. The model's modes are restored afterwards.
/// </remarks>
public static class McDropout
{
    /// <summary>Runs <paramref name="passes"/> stochastic passes over <paramref name="x"/> and summarises them.</summary>
    /// <param name="model">A model with at least one dropout layer.</param>
    /// <param name="x">Inputs <c>[N, ...]</c>.</param>
    /// <param name="passes">T, at least 2.</param>
    /// <param name="output">What the model outputs (logits, one binary logit, or probabilities).</param>
    /// <param name="options">Memory limits.</param>
    public static PredictiveDistribution Predict(nn.Module<Tensor, Tensor> model, Tensor x, int passes, OutputKind output,
        McDropoutOptions? options = null)
    {
        using var scope = NewDisposeScope();
        var outputs = SamplePasses(model, x, passes, options);
        var probabilities = PredictiveDistribution.ToProbabilities(outputs, output, "model output");
        return PredictiveDistribution.FromProbabilities(probabilities);
    }

    /// <summary>The raw model outputs of the T stochastic passes, <c>[T, N, ...output]</c>, on the model's device.</summary>
    public static Tensor SamplePasses(nn.Module<Tensor, Tensor> model, Tensor x, int passes, McDropoutOptions? options = null)
    {
        var plan = Plan(model, x, passes, options);
        using var scope = NewDisposeScope();
        var input = x.to(DeviceOf(model));
        long n = plan.Samples, rows = (long)plan.Passes * n;
        var chunks = new List<Tensor>();
        using (DropoutOnly(model))
        using (no_grad())
        {
            if (plan.Calls == 1)
            {
                // Repeating along the batch axis gives every (pass, sample) row its own dropout mask.
                chunks.Add(model.call(input.repeat(RepeatShape(input, plan.Passes))));
            }
            else
            {
                for (long start = 0; start < rows; start += plan.RowsPerCall)
                {
                    long size = Math.Min(plan.RowsPerCall, rows - start);
                    var sampleIndex = arange(start, start + size, device: input.device).remainder(n);
                    chunks.Add(model.call(input.index_select(0, sampleIndex)));
                }
            }
        }
        var all = chunks.Count == 1 ? chunks[0] : cat(chunks.ToArray());
        var shape = new[] { (long)plan.Passes, n }.Concat(all.shape.Skip(1)).ToArray();
        return scope.MoveToOuter(all.reshape(shape));
    }

    /// <summary>
    /// How the passes will be split into forward calls, from one traced pass over a single sample: its activation
    /// bytes times T·N against the memory budget.
    /// </summary>
    public static McDropoutPlan Plan(nn.Module<Tensor, Tensor> model, Tensor x, int passes, McDropoutOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Checks.NotEmptyAndFinite(x, nameof(x));
        if (x.dim() < 1) throw new ArgumentException("'x' needs a batch axis: pass [N, ...] inputs.", nameof(x));
        Checks.AtLeast(passes, 2, nameof(passes));
        options ??= new McDropoutOptions();
        if (options.MemoryBudgetBytes is < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.MemoryBudgetBytes, "MemoryBudgetBytes must be positive (or null for the device's default).");
        if (options.MaxRowsPerCall is { } fixedRows) Checks.AtLeast(fixedRows, 1, nameof(options.MaxRowsPerCall));
        int dropoutLayers = DropoutLayers(model).Count();
        if (dropoutLayers == 0)
            throw new ArgumentException(
                $"MC dropout needs dropout layers, but this {model.GetType().Name} has none, so all {passes} passes would be " +
                "identical. Add nn.Dropout layers (and train with them), or use a deep ensemble for uncertainty.", nameof(model));

        long n = x.shape[0], rows = (long)passes * n;
        long bytesPerRow;
        var device = DeviceOf(model);
        using (var scope = NewDisposeScope())
        {
            var trace = ForwardTrace.Run(model, x.narrow(0, 0, 1).to(device));
            bytesPerRow = Math.Max(1, trace.ActivationBytes);
        }
        long budget = options.MemoryBudgetBytes
            ?? (device.type == DeviceType.CPU ? McDropoutOptions.DefaultCpuBudgetBytes : McDropoutOptions.DefaultGpuBudgetBytes);
        long rowsPerCall = options.MaxRowsPerCall ?? Math.Max(1, budget / bytesPerRow);
        rowsPerCall = Math.Min(rowsPerCall, rows);
        long calls = (rows + rowsPerCall - 1) / rowsPerCall;
        return new McDropoutPlan(passes, n, bytesPerRow, rowsPerCall, calls);
    }

    /// <summary>
    /// Puts the model in evaluation mode except its dropout layers, which stay in training mode, until the returned
    /// object is disposed; then every module's previous mode comes back.
    /// </summary>
    public static IDisposable DropoutOnly(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var modes = ModeScope.Save(model);
        model.eval();
        foreach (var dropout in DropoutLayers(model)) dropout.train(true);
        return modes;
    }

    /// <summary>The model's dropout layers (all PyTorch dropout kinds).</summary>
    public static IEnumerable<nn.Module> DropoutLayers(nn.Module model) =>
        model.modules().Where(m => m is Dropout or Dropout1d or Dropout2d or Dropout3d or AlphaDropout or FeatureAlphaDropout);

    internal static Device DeviceOf(nn.Module model) =>
        model.parameters().FirstOrDefault()?.device ?? NN.Device;

    static long[] RepeatShape(Tensor input, int passes)
    {
        var shape = new long[input.dim()];
        Array.Fill(shape, 1L);
        shape[0] = passes;
        return shape;
    }
}
