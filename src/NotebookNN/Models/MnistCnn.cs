using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NotebookNN.Models;

/// <summary>
/// The classic Keras <c>mnist_cnn</c> network: conv(32, 3x3) - ReLU - conv(64, 3x3) - ReLU - max-pool(2) -
/// dropout(0.25) - flatten - dense(128) - ReLU - dropout(0.5) - dense(classes). A width factor scales the channel and
/// unit counts so that CPU runs fit a notebook's time budget (width 0.25 gives 8, 16 and 32).
/// </summary>
public static class MnistCnn
{
    /// <summary>Builds the network for <c>[N, channels, imageSize, imageSize]</c> inputs.</summary>
    /// <param name="width">Scales 32, 64 and 128 (rounded, at least 1); 1 is the original.</param>
    /// <param name="classes">Output units (10 for the digits; 1 or 2 for a two-digit task).</param>
    /// <param name="dropoutConv">Dropout after the pooling layer.</param>
    /// <param name="dropoutDense">Dropout after the hidden dense layer.</param>
    /// <param name="head">What the last layer outputs (logits by default).</param>
    /// <param name="imageSize">Side of the square input image (28 for MNIST; at least 6).</param>
    /// <param name="channels">Input channels (1 for MNIST).</param>
    /// <param name="allowSingleUnitSoftmax">Build a softmax over one unit anyway, to demonstrate the trap.</param>
    public static Sequential Create(double width = 1.0, int classes = 10, double dropoutConv = 0.25,
        double dropoutDense = 0.5, OutputHead head = OutputHead.Logits, int imageSize = 28, int channels = 1,
        bool allowSingleUnitSoftmax = false)
    {
        Checks.Positive(width, nameof(width));
        Checks.AtLeast(classes, 1, nameof(classes));
        Checks.AtLeast(imageSize, 6, nameof(imageSize));
        Checks.AtLeast(channels, 1, nameof(channels));
        foreach (var (p, name) in new[] { (dropoutConv, nameof(dropoutConv)), (dropoutDense, nameof(dropoutDense)) })
            if (!(p >= 0 && p < 1)) throw new ArgumentOutOfRangeException(name, p, "Dropout must be in [0, 1).");
        var headModule = Layers.Head(head, classes, allowSingleUnitSoftmax);

        int c1 = Layers.Scale(32, width), c2 = Layers.Scale(64, width), hidden = Layers.Scale(128, width);
        // Two valid 3x3 convolutions take 4 pixels off each side length, then the pooling halves it (floor).
        int pooled = (imageSize - 4) / 2;
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>
        {
            ("conv_1", nn.Conv2d(channels, c1, 3)),
            ("relu_1", nn.ReLU()),
            ("conv_2", nn.Conv2d(c1, c2, 3)),
            ("relu_2", nn.ReLU()),
            ("pool", nn.MaxPool2d(2)),
            ("dropout_1", nn.Dropout(dropoutConv)),
            ("flatten", nn.Flatten()),
            ("dense_1", nn.Linear((long)c2 * pooled * pooled, hidden)),
            ("relu_3", nn.ReLU()),
            ("dropout_2", nn.Dropout(dropoutDense)),
            ("dense_out", nn.Linear(hidden, classes)),
        };
        if (headModule is not null) layers.Add((head.ToString().ToLowerInvariant(), headModule));
        return nn.Sequential(layers);
    }
}
