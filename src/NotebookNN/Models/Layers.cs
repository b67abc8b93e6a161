using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NotebookNN.Models;

/// <summary>A hidden-layer activation.</summary>
public enum Activation
{
    /// <summary>max(0, x).</summary>
    ReLU,
    /// <summary>Hyperbolic tangent.</summary>
    Tanh,
    /// <summary>The logistic sigmoid.</summary>
    Sigmoid,
    /// <summary>Gaussian error linear unit.</summary>
    GELU,
    /// <summary>Exponential linear unit.</summary>
    ELU,
    /// <summary>Leaky ReLU with PyTorch's slope 0.01.</summary>
    LeakyReLU,
    /// <summary>No activation (a linear layer stays linear).</summary>
    Identity,
}

/// <summary>
/// What the last layer outputs. Models here output logits by default, the form PyTorch's losses and the library's
/// <c>from_logits</c> losses expect; the probability heads exist to reproduce Keras models that end in an activation.
/// </summary>
public enum OutputHead
{
    /// <summary>Raw scores (logits): pair with a loss on logits.</summary>
    Logits,
    /// <summary>Sigmoid per output unit: independent probabilities (binary or multi-label).</summary>
    Sigmoid,
    /// <summary>Softmax over the output units: one distribution over classes.</summary>
    Softmax,
}

/// <summary>How dense layers are initialised.</summary>
public enum WeightInit
{
    /// <summary>PyTorch's default for <c>nn.Linear</c> (Kaiming-uniform weights, uniform bias).</summary>
    PyTorch,
    /// <summary>Keras' default for <c>Dense</c>: Glorot-uniform weights and zero bias.</summary>
    Keras,
}

/// <summary>Small builders shared by the model factories: activations, heads and initialised dense layers.</summary>
public static class Layers
{
    /// <summary>The module for an activation.</summary>
    public static nn.Module<Tensor, Tensor> Create(Activation activation) => activation switch
    {
        Activation.ReLU => nn.ReLU(),
        Activation.Tanh => nn.Tanh(),
        Activation.Sigmoid => nn.Sigmoid(),
        Activation.GELU => nn.GELU(),
        Activation.ELU => nn.ELU(),
        Activation.LeakyReLU => nn.LeakyReLU(),
        Activation.Identity => nn.Identity(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };

    /// <summary>The lower-case name used for layers of this activation (<c>relu</c>, <c>tanh</c>, ...).</summary>
    public static string Name(Activation activation) => activation.ToString().ToLowerInvariant();

    /// <summary>
    /// The head module for <paramref name="head"/> over <paramref name="units"/> outputs, or null for logits.
    /// A softmax over one unit is refused unless <paramref name="allowSingleUnitSoftmax"/> is set to demonstrate it.
    /// </summary>
    public static nn.Module<Tensor, Tensor>? Head(OutputHead head, long units, bool allowSingleUnitSoftmax = false)
    {
        if (head == OutputHead.Softmax && !allowSingleUnitSoftmax)
            Checks.NotSingleUnitSoftmax(units, "This output layer");
        return head switch
        {
            OutputHead.Logits => null,
            OutputHead.Sigmoid => nn.Sigmoid(),
            OutputHead.Softmax => nn.Softmax(-1),
            _ => throw new ArgumentOutOfRangeException(nameof(head), head, "Unknown output head."),
        };
    }

    /// <summary>Applies <paramref name="head"/> to a tensor of logits (the functional form of <see cref="Head"/>).</summary>
    public static Tensor ApplyHead(Tensor logits, OutputHead head) => head switch
    {
        OutputHead.Logits => logits,
        OutputHead.Sigmoid => torch.sigmoid(logits),
        OutputHead.Softmax => torch.softmax(logits, -1),
        _ => throw new ArgumentOutOfRangeException(nameof(head), head, "Unknown output head."),
    };

    /// <summary>A dense (fully connected) layer initialised the PyTorch or the Keras way.</summary>
    public static Linear Dense(long inputs, long outputs, bool bias = true, WeightInit init = WeightInit.PyTorch)
    {
        Checks.AtLeast(checked((int)inputs), 1, nameof(inputs));
        Checks.AtLeast(checked((int)outputs), 1, nameof(outputs));
        var layer = nn.Linear(inputs, outputs, hasBias: bias);
        if (init == WeightInit.Keras)
        {
            using var noGrad = no_grad();
            nn.init.xavier_uniform_(layer.weight);
            if (layer.bias is not null) nn.init.zeros_(layer.bias);
        }
        return layer;
    }

    /// <summary>Scales a channel or unit count by a width factor, never below 1.</summary>
    internal static int Scale(int units, double width) => Math.Max(1, (int)Math.Round(units * width, MidpointRounding.AwayFromZero));
}
