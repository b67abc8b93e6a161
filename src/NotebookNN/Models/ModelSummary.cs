using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NotebookNN.Models;

/// <summary>One row of a <see cref="ModelSummary"/>.</summary>
/// <param name="Name">The layer's path in the model (<c>named_modules</c> name, e.g. <c>dense_1</c>).</param>
/// <param name="Type">The module type (<c>Linear</c>, <c>Conv2d</c>, ...).</param>
/// <param name="OutputShape">The output shape for the sample input (first axis: the sample batch), or null when the
/// layer did not run or returns something other than a tensor.</param>
/// <param name="Parameters">Parameters the layer owns directly.</param>
/// <param name="TrainableParameters">Of those, the ones with <c>requires_grad</c>.</param>
public sealed record LayerSummary(string Name, string Type, IReadOnlyList<long>? OutputShape, long Parameters, long TrainableParameters);

/// <summary>
/// Keras-style model summary data: each layer's output shape (found by running a sample input through the model in
/// evaluation mode, without gradients), its parameter count and how many of those train, plus the totals. The
/// notebook extension formats it as a table.
/// </summary>
public sealed class ModelSummary
{
    ModelSummary(string modelType, IReadOnlyList<long> inputShape, IReadOnlyList<long> outputShape,
        IReadOnlyList<LayerSummary> layers, long total, long trainable, long bytes)
    {
        ModelType = modelType;
        InputShape = inputShape;
        OutputShape = outputShape;
        Layers = layers;
        TotalParameters = total;
        TrainableParameters = trainable;
        ParameterBytes = bytes;
    }

    /// <summary>The model's type name.</summary>
    public string ModelType { get; }

    /// <summary>The sample input's shape.</summary>
    public IReadOnlyList<long> InputShape { get; }

    /// <summary>The model's output shape for the sample input.</summary>
    public IReadOnlyList<long> OutputShape { get; }

    /// <summary>The layers that own parameters or have no sub-layers, in the order they first ran (layers that did
    /// not run come last).</summary>
    public IReadOnlyList<LayerSummary> Layers { get; }

    /// <summary>All parameters of the model (each shared parameter once).</summary>
    public long TotalParameters { get; }

    /// <summary>Parameters with <c>requires_grad</c>.</summary>
    public long TrainableParameters { get; }

    /// <summary>Parameters without <c>requires_grad</c> (frozen).</summary>
    public long NonTrainableParameters => TotalParameters - TrainableParameters;

    /// <summary>The memory the parameters take, in bytes.</summary>
    public long ParameterBytes { get; }

    /// <summary>Builds the summary by running <paramref name="sampleInput"/> (a small batch) through the model.</summary>
    public static ModelSummary Of(nn.Module<Tensor, Tensor> model, Tensor sampleInput)
    {
        ArgumentNullException.ThrowIfNull(model);
        Checks.NotEmpty(Checks.NotNull(sampleInput, nameof(sampleInput)), nameof(sampleInput));
        var trace = ForwardTrace.Run(model, sampleInput);

        var rows = new List<(int Order, LayerSummary Row)>();
        foreach (var (name, module) in model.named_modules())
        {
            if (name.Length == 0) continue;
            var own = module.named_parameters(recurse: false).Select(p => p.parameter).ToList();
            bool leaf = !module.children().Any();
            if (!leaf && own.Count == 0) continue;
            var seen = trace.Outputs.TryGetValue(name, out var o) ? o : default;
            rows.Add((seen.Order ?? int.MaxValue, new LayerSummary(name, module.GetType().Name, seen.Shape,
                own.Sum(p => p.numel()), own.Where(p => p.requires_grad).Sum(p => p.numel()))));
        }
        var ordered = rows.OrderBy(r => r.Order).Select(r => r.Row).ToList();

        var all = model.parameters().Distinct(ReferenceEqualityComparer.Instance).Cast<Parameter>().ToList();
        return new ModelSummary(model.GetType().Name, sampleInput.shape, trace.ModelOutputShape, ordered,
            all.Sum(p => p.numel()), all.Where(p => p.requires_grad).Sum(p => p.numel()),
            all.Sum(p => p.numel() * p.element_size()));
    }
}

/// <summary>
/// Runs a model once with forward hooks on its tensor-to-tensor layers (and LSTMs) and records each layer's output
/// shape and size; the summary and the MC-dropout memory estimate both read it.
/// </summary>
internal sealed class ForwardTrace
{
    public Dictionary<string, (int? Order, long[]? Shape)> Outputs { get; } = new(StringComparer.Ordinal);

    public long[] ModelOutputShape { get; private set; } = [];

    /// <summary>Bytes of every recorded layer output plus the model output, i.e. what one pass materialises.</summary>
    public long ActivationBytes { get; private set; }

    public static ForwardTrace Run(nn.Module<Tensor, Tensor> model, Tensor input)
    {
        var trace = new ForwardTrace();
        var removers = new List<Action>();
        int order = 0;
        void Record(string name, Tensor output)
        {
            if (!trace.Outputs.ContainsKey(name)) trace.Outputs[name] = (order++, output.shape);
            trace.ActivationBytes += output.numel() * output.element_size();
        }
        foreach (var (name, module) in model.named_modules())
        {
            if (name.Length == 0 || module.children().Any() && !module.named_parameters(recurse: false).Any()) continue;
            string key = name;
            switch (module)
            {
                case nn.Module<Tensor, Tensor> m:
                    removers.Add(m.register_forward_hook((_, _, output) => { Record(key, output); return output; }).remove);
                    break;
                case LSTM lstm:
                    removers.Add(lstm.register_forward_hook((_, _, _, output) => { Record(key, output.Item1); return output; }).remove);
                    break;
            }
        }
        var modes = ModeScope.Save(model);
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            model.eval();
            var output = model.call(input);
            trace.ModelOutputShape = output.shape;
            trace.ActivationBytes += output.numel() * output.element_size() + input.numel() * input.element_size();
        }
        finally
        {
            foreach (var remove in removers) remove();
            modes.Dispose();
        }
        return trace;
    }
}
