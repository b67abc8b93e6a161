using System.Buffers.Binary;
using System.IO.Compression;
using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Data;

/// <summary>Which part of a dataset.</summary>
public enum DataSplit
{
    /// <summary>The training part.</summary>
    Train,
    /// <summary>The test part.</summary>
    Test,
}

/// <summary>MNIST images and labels as stored: row-major 28 × 28 bytes per image, one byte per label.</summary>
/// <param name="Pixels">Count × Rows × Columns pixel bytes (0 = background, 255 = ink).</param>
/// <param name="Labels">Count digit labels 0–9.</param>
/// <param name="Count">The number of images.</param>
/// <param name="Rows">Image height (28).</param>
/// <param name="Columns">Image width (28).</param>
public sealed record MnistBytes(byte[] Pixels, byte[] Labels, int Count, int Rows, int Columns);

/// <summary>The MNIST digits from the shipped IDX files.</summary>
public static class Mnist
{
    /// <summary>The ten class names, "0" to "9".</summary>
    public static IReadOnlyList<string> ClassNames { get; } = Enumerable.Range(0, 10).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>
    /// The first <paramref name="count"/> images of a split (all when null): features <c>[N, 1, 28, 28]</c> float32,
    /// divided by 255 into [0, 1] when <paramref name="scale"/> (else the raw 0–255 values), labels int64 <c>[N]</c>.
    /// </summary>
    public static LabeledData Load(DataSplit split = DataSplit.Train, int? count = null, bool scale = true)
    {
        var raw = LoadBytes(split, count);
        using var scope = NewDisposeScope();
        var images = tensor(raw.Pixels, ScalarType.Byte).reshape(raw.Count, 1, raw.Rows, raw.Columns).to_type(ScalarType.Float32);
        if (scale) images = images.div(255.0f);
        var labels = tensor(raw.Labels, ScalarType.Byte).to_type(ScalarType.Int64);
        var (x, y) = scope.MoveToOuter(images, labels);
        return new LabeledData(x, y, [], ClassNames);
    }

    /// <summary>The first <paramref name="count"/> images and labels of a split as raw bytes.</summary>
    public static MnistBytes LoadBytes(DataSplit split = DataSplit.Train, int? count = null)
    {
        if (count is < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be at least 1 (or null for all).");
        var (imagesFile, labelsFile) = split switch
        {
            DataSplit.Train => (DatasetCatalog.MnistTrainImages, DatasetCatalog.MnistTrainLabels),
            DataSplit.Test => (DatasetCatalog.MnistTestImages, DatasetCatalog.MnistTestLabels),
            _ => throw new ArgumentOutOfRangeException(nameof(split), split, "Use DataSplit.Train or DataSplit.Test."),
        };
        var (pixels, n, rows, columns) = ReadImages(DatasetStore.Resolve(imagesFile), count);
        var labels = ReadLabels(DatasetStore.Resolve(labelsFile), n);
        return new MnistBytes(pixels, labels, n, rows, columns);
    }

    /// <summary>Reads up to <paramref name="limit"/> images of a gzip-compressed IDX3 file.</summary>
    public static (byte[] Pixels, int Count, int Rows, int Columns) ReadImages(string path, int? limit = null)
    {
        using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var header = ReadExactly(stream, 16, path);
        CheckMagic(header, 0x00000803, path, "images");
        int total = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        int rows = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(8));
        int columns = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(12));
        int n = Math.Min(total, limit ?? total);
        return (ReadExactly(stream, checked(n * rows * columns), path), n, rows, columns);
    }

    /// <summary>Reads up to <paramref name="limit"/> labels of a gzip-compressed IDX1 file.</summary>
    public static byte[] ReadLabels(string path, int? limit = null)
    {
        using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var header = ReadExactly(stream, 8, path);
        CheckMagic(header, 0x00000801, path, "labels");
        int total = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        return ReadExactly(stream, Math.Min(total, limit ?? total), path);
    }

    static void CheckMagic(byte[] header, int expected, string path, string what)
    {
        int magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != expected)
            throw new InvalidDataException($"'{path}' is not an IDX {what} file: its magic number is 0x{magic:X8}, expected 0x{expected:X8}.");
    }

    static byte[] ReadExactly(Stream stream, int count, string path)
    {
        var buffer = new byte[count];
        try { stream.ReadExactly(buffer); }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"'{path}' ended early: it is truncated. Restore it (git checkout -- datasets/).", e);
        }
        return buffer;
    }
}
