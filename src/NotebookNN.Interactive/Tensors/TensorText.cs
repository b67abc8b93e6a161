using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Interactive.Tensors;

/// <summary>
/// A tensor's text exactly as PyTorch 1.13 prints it (<c>torch/_tensor_str.py</c>): summarisation, the automatic
/// switch to scientific notation, integer and bool layout, nested brackets, and the dtype, device and
/// requires_grad suffixes. Only the shown elements are copied to the host.
/// </summary>
public static class TensorText
{
    const string Prefix = "tensor(";

    /// <summary>PyTorch's <c>repr(tensor)</c> under <paramref name="options"/> (default: <see cref="TensorPrintOptions.Current"/>).</summary>
    /// <remarks>A non-leaf tensor that requires grad is shown with <c>requires_grad=True</c>: TorchSharp does not expose
    /// the name PyTorch prints as <c>grad_fn=&lt;...&gt;</c>.</remarks>
    public static string Format(Tensor tensor, TensorPrintOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        options ??= TensorPrintOptions.Current;
        options.Validate();
        // PyTorch prints complex numbers as real+imag pairs with two formatters; this display covers real dtypes and
        // leaves complex tensors to TorchSharp's own NumPy-style text.
        if (torch.is_complex(tensor)) return tensor.ToString(TorchSharp.TensorStringStyle.Numpy);
        int indent = Prefix.Length;
        var suffixes = new List<string>();
        if (tensor.device_type != DeviceType.CPU)
            suffixes.Add($"device='{DeviceName(tensor)}'");

        string body;
        if (tensor.numel() == 0)
        {
            if (tensor.dim() != 1) suffixes.Add("size=" + PythonTuple(tensor.shape));
            if (tensor.dtype != ScalarType.Float32) suffixes.Add("dtype=" + DTypeName(tensor.dtype));
            body = "[]";
        }
        else
        {
            if (!HasDefaultDType(tensor.dtype)) suffixes.Add("dtype=" + DTypeName(tensor.dtype));
            bool summarize = tensor.numel() > options.Threshold;
            var sample = TensorSample.Take(tensor, summarize, options.EdgeItems);
            body = new Layout(sample, new ElementFormatter(sample, options), options).Render(indent);
        }
        if (tensor.requires_grad) suffixes.Add("requires_grad=True");
        return AddSuffixes(Prefix + body, suffixes, indent, options.LineWidth);
    }

    /// <summary>PyTorch's name for a dtype, e.g. <c>torch.int32</c>.</summary>
    public static string DTypeName(ScalarType dtype) => "torch." + dtype switch
    {
        ScalarType.Byte => "uint8",
        ScalarType.Int8 => "int8",
        ScalarType.Int16 => "int16",
        ScalarType.Int32 => "int32",
        ScalarType.Int64 => "int64",
        ScalarType.Float16 => "float16",
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Float32 => "float32",
        ScalarType.Float64 => "float64",
        ScalarType.Bool => "bool",
        ScalarType.ComplexFloat32 => "complex64",
        ScalarType.ComplexFloat64 => "complex128",
        _ => dtype.ToString().ToLowerInvariant(),
    };

    /// <summary>PyTorch's device string, e.g. <c>cuda:0</c> or <c>cpu</c>.</summary>
    public static string DeviceName(Tensor tensor) => tensor.device_type switch
    {
        DeviceType.CPU => "cpu",
        DeviceType.CUDA => $"cuda:{Math.Max(0, tensor.device_index)}",
        var other => tensor.device_index >= 0 ? $"{other.ToString().ToLowerInvariant()}:{tensor.device_index}" : other.ToString().ToLowerInvariant(),
    };

    /// <summary>Python's tuple text: (2, 0) or (5,).</summary>
    internal static string PythonTuple(long[] shape) =>
        shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";

    // float32 is torch's default dtype; int64 and bool are inferred from the printed values, so PyTorch omits them.
    static bool HasDefaultDType(ScalarType dtype) =>
        dtype is ScalarType.Float32 or ScalarType.ComplexFloat32 or ScalarType.Int64 or ScalarType.Bool;

    static string AddSuffixes(string text, List<string> suffixes, int indent, int lineWidth)
    {
        var sb = new StringBuilder(text);
        int lastLineLength = text.Length - text.LastIndexOf('\n') + 1;
        foreach (string suffix in suffixes)
        {
            if (lastLineLength + suffix.Length + 2 > lineWidth)
            {
                sb.Append(",\n").Append(' ', indent).Append(suffix);
                lastLineLength = indent + suffix.Length;
            }
            else
            {
                sb.Append(", ").Append(suffix);
                lastLineLength += suffix.Length + 2;
            }
        }
        return sb.Append(')').ToString();
    }

    /// <summary>Nested brackets and line wrapping (<c>_tensor_str_with_formatter</c> and <c>_vector_str</c>).</summary>
    sealed class Layout(TensorSample sample, ElementFormatter formatter, TensorPrintOptions options)
    {
        readonly long[] _strides = Strides(sample.SampleShape);

        public string Render(int indent) => Slice(0, 0, indent);

        string Slice(int dim, long offset, int indent)
        {
            int remaining = sample.SampleShape.Length - dim;
            if (remaining == 0) return formatter.Format((int)offset);
            if (remaining == 1) return Vector(dim, offset, indent);
            var slices = new List<string>();
            for (long i = 0; i < sample.SampleShape[dim]; i++)
            {
                if (sample.Summarized[dim] && i == sample.EdgeItems) slices.Add("...");
                slices.Add(Slice(dim + 1, offset + i * _strides[dim], indent + 1));
            }
            string separator = "," + new string('\n', remaining - 1) + new string(' ', indent + 1);
            return "[" + string.Join(separator, slices) + "]";
        }

        string Vector(int dim, long offset, int indent)
        {
            int elementLength = formatter.Width + 2;
            int perLine = Math.Max(1, (int)Math.Floor((options.LineWidth - indent) / (double)elementLength));
            var items = new List<string>();
            for (long i = 0; i < sample.SampleShape[dim]; i++)
            {
                if (sample.Summarized[dim] && i == sample.EdgeItems) items.Add(" ...");
                items.Add(formatter.Format((int)(offset + i * _strides[dim])));
            }
            var lines = items.Chunk(perLine).Select(line => string.Join(", ", line));
            return "[" + string.Join(",\n" + new string(' ', indent + 1), lines) + "]";
        }

        static long[] Strides(long[] shape)
        {
            var strides = new long[shape.Length];
            long stride = 1;
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                strides[d] = stride;
                stride *= shape[d];
            }
            return strides;
        }
    }
}

/// <summary>PyTorch's <c>_Formatter</c>: one width and one notation for all shown elements.</summary>
internal sealed class ElementFormatter
{
    readonly TensorSample _sample;
    readonly int _precision;
    readonly bool _intMode = true;
    readonly bool _sciMode;

    public ElementFormatter(TensorSample sample, TensorPrintOptions options)
    {
        _sample = sample;
        _precision = options.Precision;
        Width = 1;
        if (sample.Floats is not { } values)
        {
            for (int i = 0; i < sample.Count; i++) Width = Math.Max(Width, RawText(i).Length);
            return;
        }
        var nonzeroFinite = values.Where(v => double.IsFinite(v) && v != 0).ToArray();
        // PyTorch returns before applying the sci_mode option when nothing is finite and nonzero.
        if (nonzeroFinite.Length == 0) return;
        double min = nonzeroFinite.Min(Math.Abs), max = nonzeroFinite.Max(Math.Abs);
        _intMode = nonzeroFinite.All(v => v == Math.Ceiling(v));
        bool wide = max / min > 1000.0 || max > 1.0e8;
        _sciMode = _intMode ? wide : wide || min < 1.0e-4;
        foreach (double v in nonzeroFinite)
        {
            int length = _sciMode ? PythonFloatFormat.Scientific(v, _precision).Length
                : _intMode ? PythonFloatFormat.Fixed(v, 0).Length + 1
                : PythonFloatFormat.Fixed(v, _precision).Length;
            Width = Math.Max(Width, length);
        }
        if (options.SciMode is { } forced) _sciMode = forced;
    }

    /// <summary>The width every element is padded to.</summary>
    public int Width { get; }

    /// <summary>The element at a flat sample position, right-aligned to <see cref="Width"/>.</summary>
    public string Format(int flat) => RawText(flat).PadLeft(Width);

    string RawText(int flat)
    {
        if (_sample.Booleans is { } b) return b[flat] ? "True" : "False";
        if (_sample.Integers is { } ints) return ints[flat].ToString(System.Globalization.CultureInfo.InvariantCulture);
        double v = _sample.Floats![flat];
        if (_sciMode) return PythonFloatFormat.Scientific(v, _precision);
        if (_intMode) return PythonFloatFormat.Fixed(v, 0) + (double.IsFinite(v) ? "." : "");
        return PythonFloatFormat.Fixed(v, _precision);
    }
}
