using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Interactive.Tensors;

/// <summary>
/// The part of a tensor a display shows: along every summarised dimension only the first and last
/// <c>edgeItems</c> entries (PyTorch's <c>get_summarized_data</c>). The gather runs on the tensor's own device
/// with <c>index_select</c>, so only the shown elements are ever copied to the host.
/// </summary>
internal sealed class TensorSample
{
    TensorSample(long[] shape, bool[] summarized, long[] sampleShape, ScalarType dtype, int edgeItems,
        double[]? floats, long[]? integers, bool[]? booleans)
    {
        Shape = shape; Summarized = summarized; SampleShape = sampleShape; DType = dtype; EdgeItems = edgeItems;
        Floats = floats; Integers = integers; Booleans = booleans;
    }

    /// <summary>The full tensor's shape.</summary>
    public long[] Shape { get; }
    /// <summary>Per dimension: true where only the edges were taken.</summary>
    public bool[] Summarized { get; }
    /// <summary>The gathered block's shape (min(size, 2 * edgeItems) along summarised dimensions).</summary>
    public long[] SampleShape { get; }
    public ScalarType DType { get; }
    public int EdgeItems { get; }
    /// <summary>Values of a floating-point tensor, row-major over <see cref="SampleShape"/>.</summary>
    public double[]? Floats { get; }
    /// <summary>Values of an integer tensor.</summary>
    public long[]? Integers { get; }
    /// <summary>Values of a bool tensor.</summary>
    public bool[]? Booleans { get; }

    public bool IsFloating => Floats is not null;
    public int Count => Floats?.Length ?? Integers?.Length ?? Booleans!.Length;

    /// <summary>Gathers the edges of every dimension longer than 2 * edgeItems when <paramref name="summarize"/>.</summary>
    public static TensorSample Take(Tensor tensor, bool summarize, int edgeItems)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        long[] shape = tensor.shape;
        var summarized = new bool[shape.Length];
        Tensor block = tensor.detach();
        for (int d = 0; d < shape.Length; d++)
        {
            if (!summarize || shape[d] <= 2L * edgeItems) continue;
            summarized[d] = true;
            block = block.index_select(d, EdgeIndex(shape[d], edgeItems, tensor.device));
        }
        return FromBlock(block, shape, summarized, edgeItems);
    }

    /// <summary>Copies an already-small block (e.g. a strided image view) to the host.</summary>
    public static TensorSample FromSmallBlock(Tensor block) =>
        FromBlock(block, block.shape, new bool[block.shape.Length], 0);

    static TensorSample FromBlock(Tensor block, long[] shape, bool[] summarized, int edgeItems)
    {
        using var scope = torch.NewDisposeScope();
        Tensor host = HostReads.ToHost(block);
        long[] sampleShape = host.shape;
        ScalarType dtype = block.dtype;
        if (dtype == ScalarType.Bool)
            return new(shape, summarized, sampleShape, dtype, edgeItems, null, null, host.contiguous().data<bool>().ToArray());
        if (torch.is_floating_point(host))
            return new(shape, summarized, sampleShape, dtype, edgeItems, host.to_type(ScalarType.Float64).contiguous().data<double>().ToArray(), null, null);
        if (torch.is_complex(host))
            throw new ArgumentException($"Complex tensors ({dtype}) are not supported by the NotebookNN tensor display; show x.real and x.imag instead.");
        return new(shape, summarized, sampleShape, dtype, edgeItems, null, host.to_type(ScalarType.Int64).contiguous().data<long>().ToArray(), null);
    }

    static Tensor EdgeIndex(long size, int edgeItems, Device device)
    {
        var index = new long[2 * edgeItems];
        for (int i = 0; i < edgeItems; i++)
        {
            index[i] = i;
            index[edgeItems + i] = size - edgeItems + i;
        }
        return torch.tensor(index, device: device);
    }

    /// <summary>The value at a flat position as a double (bools as 0/1).</summary>
    public double ValueAt(int flat) =>
        Floats is not null ? Floats[flat] : Integers is not null ? Integers[flat] : Booleans![flat] ? 1 : 0;
}

/// <summary>
/// The one door through which tensor data reaches the host in this assembly. It counts the elements it copies
/// (per thread), which lets tests check that a display of a huge tensor read only the shown elements.
/// </summary>
internal static class HostReads
{
    [ThreadStatic] static long _elements;

    /// <summary>Elements copied to the host on this thread since the last <see cref="Reset"/>.</summary>
    public static long Elements => _elements;

    public static void Reset() => _elements = 0;

    /// <summary>A CPU copy of <paramref name="tensor"/> (or the tensor itself when it already is on the CPU).</summary>
    public static Tensor ToHost(Tensor tensor)
    {
        _elements += tensor.numel();
        return tensor.device_type == DeviceType.CPU ? tensor : tensor.cpu();
    }

    /// <summary>A scalar reduction's value on the host.</summary>
    public static double Scalar(Tensor scalar)
    {
        _elements += 1;
        return scalar.to_type(ScalarType.Float64).cpu().item<double>();
    }
}
