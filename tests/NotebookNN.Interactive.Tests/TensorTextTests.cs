using System.Text.Json;
using NotebookNN.Interactive.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Interactive.Tests;

/// <summary>Compares <see cref="TensorText"/> with PyTorch 1.13's repr (reference/make_tensor_reprs.py).</summary>
public class TensorTextTests
{
    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in ReferenceCases.All) data.Add(c.Name);
        return data;
    }

    [Fact]
    public void ReferenceSetCoversTheRequiredKinds()
    {
        var cases = ReferenceCases.All;
        Assert.True(cases.Count >= 20);
        foreach (int dims in new[] { 0, 1, 2, 3, 4 }) Assert.Contains(cases, c => c.Shape.Length == dims);
        foreach (string dtype in new[] { "float32", "float64", "int32", "int64", "bool" }) Assert.Contains(cases, c => c.DType == dtype);
        Assert.Contains(cases, c => c.RequiresGrad);
        Assert.Contains(cases, c => c.Repr.Contains("..."));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesPyTorchRepr(string name)
    {
        var c = ReferenceCases.All.Single(x => x.Name == name);
        using var t = c.Build();
        Assert.Equal(c.Repr, TensorText.Format(t, TensorPrintOptions.Default));
    }

    [Fact]
    public void OptionsFollowSetPrintOptionsSemantics()
    {
        using var t = torch.arange(10);
        Assert.Equal("tensor([0, 1, 2,  ..., 7, 8, 9])", TensorText.Format(t, new TensorPrintOptions(Threshold: 5)));
        using var f = torch.tensor(new[] { 1.12345f });
        Assert.Equal("tensor([1.12])", TensorText.Format(f, new TensorPrintOptions(Precision: 2)));
        Assert.Equal("tensor([1.1235e+00])", TensorText.Format(f, new TensorPrintOptions(SciMode: true)));
    }
}

/// <summary>One tensor from reference/tensor_reprs.json.</summary>
public sealed record ReferenceCase(string Name, string DType, long[] Shape, JsonElement Values, bool RequiresGrad, string Repr)
{
    public Tensor Build()
    {
        var items = Values.EnumerateArray().ToArray();
        Tensor flat;
        if (DType == "bool")
            flat = torch.tensor(items.Select(v => v.GetBoolean()).ToArray());
        else if (DType.StartsWith("float", StringComparison.Ordinal))
            flat = torch.tensor(items.Select(ParseFloat).ToArray()).to_type(ParseDType(DType));
        else
            flat = torch.tensor(items.Select(v => v.GetInt64()).ToArray()).to_type(ParseDType(DType));
        var t = flat.reshape(Shape);
        if (RequiresGrad) t.requires_grad_(true);
        return t;
    }

    static double ParseFloat(JsonElement v) => v.ValueKind == JsonValueKind.String
        ? v.GetString() switch { "nan" => double.NaN, "inf" => double.PositiveInfinity, "-inf" => double.NegativeInfinity, var s => throw new FormatException(s) }
        : v.GetDouble();

    static ScalarType ParseDType(string name) => name switch
    {
        "float16" => ScalarType.Float16,
        "bfloat16" => ScalarType.BFloat16,
        "float32" => ScalarType.Float32,
        "float64" => ScalarType.Float64,
        "uint8" => ScalarType.Byte,
        "int8" => ScalarType.Int8,
        "int16" => ScalarType.Int16,
        "int32" => ScalarType.Int32,
        "int64" => ScalarType.Int64,
        _ => throw new ArgumentException($"unknown dtype {name}"),
    };
}

public static class ReferenceCases
{
    static readonly Lazy<IReadOnlyList<ReferenceCase>> _all = new(Load);
    public static IReadOnlyList<ReferenceCase> All => _all.Value;

    static IReadOnlyList<ReferenceCase> Load()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "reference", "tensor_reprs.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => new ReferenceCase(
            c.GetProperty("name").GetString()!,
            c.GetProperty("dtype").GetString()!,
            c.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray(),
            c.GetProperty("values").Clone(),
            c.GetProperty("requires_grad").GetBoolean(),
            c.GetProperty("repr").GetString()!)).ToList();
    }
}
