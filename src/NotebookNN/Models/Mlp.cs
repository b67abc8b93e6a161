using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NotebookNN.Models;

/// <summary>Multi-layer perceptrons: the dense networks of the IMDB, Iris, Sonar and synthetic notebooks.</summary>
public static class Mlp
{
    /// <summary>
    /// Builds <c>dense_1, act_1, [dropout_1], dense_2, ..., dense_out[, head]</c> as an <c>nn.Sequential</c>.
    /// </summary>
    /// <param name="sizes">The input size, the hidden sizes, then the output size: e.g. <c>[10000, 16, 16, 1]</c> is
    /// the Keras IMDB model. At least two sizes (input and output).</param>
    /// <param name="activation">The hidden-layer activation.</param>
    /// <param name="dropout">Dropout probability after each hidden activation, in [0, 1); 0 adds no dropout layer.</param>
    /// <param name="head">What the last layer outputs (logits by default).</param>
    /// <param name="bias">Whether the dense layers have biases.</param>
    /// <param name="init">PyTorch's or Keras' initialisation of the dense layers.</param>
    /// <param name="allowSingleUnitSoftmax">Build a softmax over one output unit anyway, to demonstrate that it is
    /// constant (always 1); refused otherwise.</param>
    public static Sequential Create(IReadOnlyList<int> sizes, Activation activation = Activation.ReLU, double dropout = 0,
        OutputHead head = OutputHead.Logits, bool bias = true, WeightInit init = WeightInit.PyTorch,
        bool allowSingleUnitSoftmax = false)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Count < 2)
            throw new ArgumentException(
                $"An MLP needs at least an input and an output size, but {sizes.Count} size(s) were given: pass e.g. [inputs, hidden, outputs].",
                nameof(sizes));
        for (int i = 0; i < sizes.Count; i++)
            if (sizes[i] < 1)
                throw new ArgumentException($"Layer size {i} is {sizes[i]}; every size must be at least 1.", nameof(sizes));
        if (!(dropout >= 0 && dropout < 1))
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "Dropout must be in [0, 1).");
        var headModule = Layers.Head(head, sizes[^1], allowSingleUnitSoftmax);

        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int i = 1; i < sizes.Count - 1; i++)
        {
            layers.Add(($"dense_{i}", Layers.Dense(sizes[i - 1], sizes[i], bias, init)));
            layers.Add(($"{Layers.Name(activation)}_{i}", Layers.Create(activation)));
            if (dropout > 0) layers.Add(($"dropout_{i}", nn.Dropout(dropout)));
        }
        layers.Add(("dense_out", Layers.Dense(sizes[^2], sizes[^1], bias, init)));
        if (headModule is not null) layers.Add((head.ToString().ToLowerInvariant(), headModule));
        return nn.Sequential(layers);
    }
}
