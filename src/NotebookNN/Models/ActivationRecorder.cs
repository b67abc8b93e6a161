using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Models;

/// <summary>How an activation penalty measures the size of the activations.</summary>
public enum PenaltyKind
{
    /// <summary>Mean of the squared activations (what "mean squared activation" plots show).</summary>
    MeanSquare,
    /// <summary>Sum of the squared activations (Keras' <c>ActivityRegularization(l2=...)</c>).</summary>
    SumSquare,
    /// <summary>Mean of the absolute activations.</summary>
    MeanAbs,
    /// <summary>Sum of the absolute activations (Keras' <c>ActivityRegularization(l1=...)</c>).</summary>
    SumAbs,
}

/// <summary>
/// Reads the outputs of named inner layers during a forward pass (through forward hooks), so a loss can penalise an
/// intermediate layer's activations or a notebook can inspect them. Dispose it to remove the hooks.
/// </summary>
/// <example>
/// <code>
/// using var recorder = new ActivationRecorder(model, "relu_1");
/// Func&lt;Tensor, Tensor, Tensor&gt; loss = (p, y) => Loss.BinaryCrossEntropyWithLogits(p, y) + recorder.Penalty("relu_1", 0.01);
/// </code>
/// </example>
public sealed class ActivationRecorder : IDisposable
{
    readonly Dictionary<string, Tensor?> _latest = new(StringComparer.Ordinal);
    readonly List<Action> _removers = [];

    /// <summary>Hooks the named layers (names as in <c>model.named_modules()</c>, e.g. <c>relu_1</c> or
    /// <c>trunk.dense_1</c>).</summary>
    public ActivationRecorder(nn.Module model, params string[] layers)
    {
        ArgumentNullException.ThrowIfNull(model);
        Checks.NotEmpty(layers, nameof(layers));
        var modules = model.named_modules().Where(m => m.name.Length > 0).ToDictionary(m => m.name, m => m.module, StringComparer.Ordinal);
        foreach (var name in layers)
        {
            if (!modules.TryGetValue(name, out var module))
                throw new ArgumentException(
                    $"The model has no layer '{name}'. Its layers: {string.Join(", ", modules.Keys)}.", nameof(layers));
            if (module is not nn.Module<Tensor, Tensor> hookable)
                throw new ArgumentException(
                    $"Layer '{name}' ({module.GetType().Name}) does not map one tensor to one tensor, so its output cannot be " +
                    "recorded; record a layer after it instead.", nameof(layers));
            _latest[name] = null;
            string key = name;
            var remover = hookable.register_forward_hook((_, _, output) =>
            {
                // Containers such as nn.Sequential dispose each layer's output once the next layer has used it, so
                // the model carries on with an alias and the recorder keeps the original (same storage and graph).
                _latest[key] = output;
                return output.alias();
            });
            _removers.Add(remover.remove);
        }
    }

    /// <summary>The recorded layer names.</summary>
    public IReadOnlyCollection<string> Layers => _latest.Keys;

    /// <summary>The output of <paramref name="layer"/> in the latest forward pass, still attached to the autograd
    /// graph (so a penalty on it trains the layers below). Valid until the dispose scope of that pass ends.</summary>
    public Tensor this[string layer]
    {
        get
        {
            if (!_latest.TryGetValue(layer, out var value))
                throw new KeyNotFoundException($"Layer '{layer}' is not recorded. Recorded: {string.Join(", ", _latest.Keys)}.");
            return value ?? throw new InvalidOperationException(
                $"Layer '{layer}' has not run yet: call the model on an input first.");
        }
    }

    /// <summary><paramref name="weight"/> times the size of <paramref name="layer"/>'s latest activations.</summary>
    public Tensor Penalty(string layer, double weight, PenaltyKind kind = PenaltyKind.MeanSquare)
    {
        Checks.NonNegative(weight, nameof(weight));
        var a = this[layer];
        var size = kind switch
        {
            PenaltyKind.MeanSquare => a.square().mean(),
            PenaltyKind.SumSquare => a.square().sum(),
            PenaltyKind.MeanAbs => a.abs().mean(),
            PenaltyKind.SumAbs => a.abs().sum(),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown penalty kind."),
        };
        return size * weight;
    }

    /// <summary>Removes the hooks.</summary>
    public void Dispose()
    {
        foreach (var remove in _removers) remove();
        _removers.Clear();
        _latest.Clear();
    }
}
