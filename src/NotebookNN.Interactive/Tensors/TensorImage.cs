using TorchSharp;
using static TorchSharp.torch;
using NotebookNN.Extensibility;

namespace NotebookNN.Interactive.Tensors;

/// <summary>
/// Pictures of image-shaped tensors: H×W, 1×H×W, 3×H×W, and a grid for a batch N×1×H×W or N×3×H×W. Large images
/// are subsampled with a stride on the device and only the first <see cref="MaxGridImages"/> of a batch are drawn,
/// so the bytes copied to the host are bounded whatever the tensor's size.
/// </summary>
public static class TensorImage
{
    /// <summary>Images of a batch drawn in the grid.</summary>
    public const int MaxGridImages = 16;
    /// <summary>Longest side, in pixels, of a single picture.</summary>
    public const int MaxSide = 256;
    /// <summary>Longest side of each picture in a batch grid.</summary>
    public const int MaxGridSide = 128;
    /// <summary>Shortest side for a tensor to count as an image (smaller matrices are shown as tables only).</summary>
    public const int MinSide = 8;

    /// <summary>True when the shape is H×W, C×H×W or N×C×H×W with C in {1, 3} and H, W at least <see cref="MinSide"/>.</summary>
    public static bool IsImageShaped(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        long[] s = tensor.shape;
        if (torch.is_complex(tensor) || s.Length is < 2 or > 4) return false;
        bool spatial = s[^1] >= MinSide && s[^2] >= MinSide;
        return s.Length switch
        {
            2 => spatial,
            3 => spatial && s[0] is 1 or 3,
            _ => spatial && s[0] >= 1 && s[1] is 1 or 3,
        };
    }

    /// <summary>A PNG data URI of the tensor (a grid for a batch). Throws when <see cref="IsImageShaped"/> is false.</summary>
    /// <remarks>Floating tensors within [0, 1] map to 0..255, uint8 and integers within [0, 255] are taken as they
    /// are, anything else is scaled from the shown minimum to the shown maximum. NaN is drawn black.</remarks>
    public static Picture ToPicture(Tensor tensor)
    {
        if (!IsImageShaped(tensor))
            throw new ArgumentException($"Shape {TensorText.PythonTuple(tensor.shape)} is not image-shaped: use HxW, 1xHxW, 3xHxW, Nx1xHxW or Nx3xHxW with H and W >= {MinSide}.", nameof(tensor));
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        Tensor x = tensor.detach();
        x = x.dim() switch { 2 => x.unsqueeze(0).unsqueeze(0), 3 => x.unsqueeze(0), _ => x };
        long batch = x.shape[0];
        int shown = (int)Math.Min(batch, MaxGridImages);
        int maxSide = batch > 1 ? MaxGridSide : MaxSide;
        long step = Math.Max(1, (long)Math.Ceiling(Math.Max(x.shape[2], x.shape[3]) / (double)maxSide));
        Tensor view = x.narrow(0, 0, shown)[TensorIndex.Ellipsis, TensorIndex.Slice(null, null, step), TensorIndex.Slice(null, null, step)];
        var sample = TensorSample.FromSmallBlock(view);
        int channels = (int)sample.SampleShape[1], h = (int)sample.SampleShape[2], w = (int)sample.SampleShape[3];
        byte[] levels = ToBytes(sample);
        int columns = (int)Math.Ceiling(Math.Sqrt(shown)), rows = (shown + columns - 1) / columns;
        const int gap = 2;
        int width = columns * w + (columns - 1) * gap, height = rows * h + (rows - 1) * gap;
        var pixels = new byte[width * height * channels];
        Array.Fill(pixels, (byte)255);
        for (int n = 0; n < shown; n++)
        {
            int ox = (n % columns) * (w + gap), oy = (n / columns) * (h + gap);
            for (int y = 0; y < h; y++)
                for (int xx = 0; xx < w; xx++)
                    for (int c = 0; c < channels; c++)
                        pixels[((oy + y) * width + ox + xx) * channels + c] = levels[((n * channels + c) * h + y) * w + xx];
        }
        return new Picture(PngEncoder.DataUri(width, height, channels, pixels), width, height, shown, (int)batch, (int)step);
    }

    static byte[] ToBytes(TensorSample sample)
    {
        var bytes = new byte[sample.Count];
        if (sample.Booleans is { } b)
        {
            for (int i = 0; i < bytes.Length; i++) bytes[i] = b[i] ? (byte)255 : (byte)0;
            return bytes;
        }
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = 0; i < bytes.Length; i++)
        {
            double v = sample.ValueAt(i);
            if (!double.IsFinite(v)) continue;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        Func<double, double> level =
            sample.IsFloating && min >= 0 && max <= 1 ? v => v * 255
            : !sample.IsFloating && min >= 0 && max <= 255 ? v => v
            : max > min ? v => (v - min) / (max - min) * 255
            : _ => 128;
        for (int i = 0; i < bytes.Length; i++)
        {
            double v = sample.ValueAt(i);
            bytes[i] = double.IsNaN(v) ? (byte)0 : (byte)Math.Clamp(Math.Round(level(v)), 0, 255);
        }
        return bytes;
    }
}

/// <summary>A rendered picture of a tensor.</summary>
/// <param name="DataUri">PNG as a data URI.</param>
/// <param name="Width">Pixels across (the whole grid for a batch).</param>
/// <param name="Height">Pixels down.</param>
/// <param name="ImagesShown">Images drawn (at most <see cref="TensorImage.MaxGridImages"/>).</param>
/// <param name="ImagesTotal">Images in the tensor.</param>
/// <param name="Stride">Subsampling step along H and W (1 = full resolution).</param>
public sealed record Picture(string DataUri, int Width, int Height, int ImagesShown, int ImagesTotal, int Stride);
