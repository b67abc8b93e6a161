using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Tests.Reference;

/// <summary>
/// Reads reference.json, written by generate_reference.py with Debian's PyTorch 1.13 and scikit-learn 1.2.
/// Paths are dotted keys, e.g. <c>losses.keras_bce.mean</c>. Non-finite numbers are stored as strings ("inf").
/// </summary>
internal static class Ref
{
    static readonly Lazy<JsonDocument> Document = new(() => JsonDocument.Parse(File.ReadAllText(Locate())));

    public static JsonElement Get(string path)
    {
        var e = Document.Value.RootElement;
        foreach (var part in path.Split('.'))
        {
            if (e.ValueKind == JsonValueKind.Array && int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i))
                e = e[i];
            else if (!e.TryGetProperty(part, out e))
                throw new KeyNotFoundException($"reference.json has no '{path}' (missing '{part}'): regenerate it with generate_reference.py.");
        }
        return e;
    }

    public static double Number(string path) => Number(Get(path));

    public static double[] Doubles(string path) => Flatten(Get(path)).Select(Number).ToArray();

    public static long[] Longs(string path) => Flatten(Get(path)).Select(e => e.GetInt64()).ToArray();

    public static long[] Shape(string path)
    {
        var shape = new List<long>();
        var e = Get(path);
        while (e.ValueKind == JsonValueKind.Array)
        {
            shape.Add(e.GetArrayLength());
            if (e.GetArrayLength() == 0) break;
            e = e[0];
        }
        return shape.ToArray();
    }

    /// <summary>A float64 tensor (or the dtype asked for) with the nested array's shape.</summary>
    public static Tensor Tensor(string path, ScalarType dtype = ScalarType.Float64) =>
        tensor(Doubles(path), Shape(path), ScalarType.Float64).to_type(dtype);

    /// <summary>An int64 tensor with the nested array's shape.</summary>
    public static Tensor LongTensor(string path) => tensor(Longs(path), Shape(path));

    static double Number(JsonElement e) => e.ValueKind == JsonValueKind.String
        ? double.Parse(e.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)
        : e.GetDouble();

    static IEnumerable<JsonElement> Flatten(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Array) { yield return e; yield break; }
        foreach (var item in e.EnumerateArray())
            foreach (var leaf in Flatten(item)) yield return leaf;
    }

    // The file sits next to this source file; tests run from bin/<config>/<tfm>, so walk up from there first.
    static string Locate([CallerFilePath] string source = "")
    {
        const string relative = "tests/NotebookNN.Tests/reference/reference.json";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        var beside = Path.Combine(Path.GetDirectoryName(source) ?? ".", "reference.json");
        if (File.Exists(beside)) return beside;
        throw new FileNotFoundException($"Cannot find {relative} above {AppContext.BaseDirectory}.");
    }
}

/// <summary>Numeric assertions with a relative-or-absolute tolerance.</summary>
internal static class Near
{
    public static void Equal(double expected, double actual, double tolerance = 1e-6, string what = "")
    {
        if (double.IsNaN(expected) && double.IsNaN(actual)) return;
        if (double.IsInfinity(expected) && expected == actual) return;
        double allowed = tolerance * Math.Max(1.0, Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= allowed,
            string.Create(CultureInfo.InvariantCulture, $"{what}: expected {expected:R}, got {actual:R} (tolerance {allowed:G3})"));
    }

    public static void Values(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double tolerance = 1e-6, string what = "")
    {
        Assert.True(expected.Count == actual.Count, $"{what}: expected {expected.Count} values, got {actual.Count}");
        for (int i = 0; i < expected.Count; i++) Equal(expected[i], actual[i], tolerance, $"{what}[{i}]");
    }

    public static void Tensor(IReadOnlyList<double> expected, Tensor actual, double tolerance = 1e-6, string what = "")
    {
        using var flat = actual.detach().to_type(ScalarType.Float64).cpu().flatten();
        Values(expected, flat.data<double>().ToArray(), tolerance, what);
    }

    public static double Scalar(Tensor t)
    {
        using var d = t.detach().to_type(ScalarType.Float64).cpu();
        return d.item<double>();
    }
}
