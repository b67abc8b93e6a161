using NotebookNN.Interactive.Tensors;
using TorchSharp;

namespace NotebookNN.Interactive.Tests;

public sealed class TensorStatsSamplingTests
{
    [Fact]
    public void Small_tensors_get_exact_statistics()
    {
        using var t = torch.arange(1000, dtype: torch.float64);
        var s = TensorStats.Of(t);
        Assert.True(s.IsExact);
        Assert.Equal(1000, s.SampledCount);
        Assert.Equal((0.0, 999.0, 499.5), (s.Min, s.Max, s.Mean));
    }

    [Fact]
    public void Huge_tensors_are_summarised_from_a_strided_view_of_bounded_size_and_say_so()
    {
        // 4,000 x 1,000 = 4M elements: above the exact limit, so every k-th row stands in for the whole.
        using var t = torch.arange(4_000_000, dtype: torch.float32).reshape(4000, 1000);
        HostReads.Reset();
        var s = TensorStats.Of(t);
        Assert.False(s.IsExact);
        Assert.Equal(4_000_000, s.Count);
        Assert.InRange(s.SampledCount, 1, TensorStats.ExactLimit);
        Assert.Equal(0.0, s.Min);
        Assert.True(HostReads.Elements <= 6, $"read {HostReads.Elements} elements");
        // Rows 0, 16, 32, ... of an arange: the sample's mean is close to the whole tensor's.
        Assert.InRange(s.Mean, 1_990_000, 2_010_000);
        string html = TensorHtml.Format(t, TensorPrintOptions.Current);
        Assert.Contains("≈ from every k-th element (250,000 of 4,000,000)", html);
    }

    [Fact]
    public void A_strided_sample_is_a_view_with_at_most_the_budget()
    {
        using var t = torch.zeros(7, 11, 13);
        using var v = TensorStats.StridedSample(t, 100);
        Assert.True(v.numel() <= 100, $"{v.numel()} elements");
        // A view shares storage: writing through it shows in the original.
        v.fill_(1);
        Assert.Equal(v.numel(), t.sum().item<float>());
    }
}
