using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.RegularExpressions;
using NotebookNN.Interactive.Tensors;
using TorchSharp;
using static TorchSharp.torch;
using NotebookNN.Extensibility;

namespace NotebookNN.Interactive.Tests;

public class TensorHtmlTests
{
    static readonly TensorPrintOptions Defaults = TensorPrintOptions.Default;

    [Fact]
    public void MatrixShowsChipsTableAndStats()
    {
        using var t = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6 }).reshape(2, 3);
        string html = TensorHtml.Format(t, Defaults);
        Assert.Contains("<span class=\"nnb-chip nnb-shape\">shape (2, 3)</span>", html);
        Assert.Contains(">torch.float32<", html);
        Assert.Contains(">cpu<", html);
        Assert.Contains(">no grad<", html);
        Assert.Contains("<table class=\"nnb-table\">", html);
        Assert.Equal(6, Regex.Matches(html, "<td>[1-6]\\.</td>").Count);
        Assert.Contains("min 1 · max 6 · mean 3.5 · std 1.871 · NaN 0 · Inf 0", html);
        Assert.DoesNotContain("<img", html);
    }

    [Fact]
    public void GradientChipAndNanInfCounts()
    {
        using var t = torch.tensor(new[] { 1.0f, float.NaN, float.PositiveInfinity, 3.0f }).requires_grad_(true);
        string html = TensorHtml.Format(t, Defaults);
        Assert.Contains(">requires_grad<", html);
        Assert.Contains("min 1 · max 3 · mean 2 · std 1.414 · NaN 1 · Inf 1", html);
    }

    [Fact]
    public void SummarisedTableLabelsRealIndices()
    {
        using var t = torch.arange(100 * 100, dtype: ScalarType.Float32).reshape(100, 100);
        string html = TensorHtml.Format(t, Defaults);
        Assert.Contains("<th>97</th><th>98</th><th>99</th>", html);
        Assert.Contains("<th>⋮</th>", html);
        Assert.Contains("<td>…</td>", html);
        Assert.Contains("<td>9.9990e+03</td>", html); // last element, same notation as the text form
    }

    [Fact]
    public void ThreeDimensionsBecomeLabelledSlices()
    {
        using var t = torch.arange(2 * 3 * 4).reshape(2, 3, 4);
        string html = TensorHtml.Format(t, Defaults);
        Assert.Contains("<div class=\"nnb-slice-label\">[0, :, :]</div>", html);
        Assert.Contains("<div class=\"nnb-slice-label\">[1, :, :]</div>", html);
        Assert.Equal(2, Regex.Matches(html, "class=\"nnb-slice-label\"").Count);
    }

    [Fact]
    public void SummarisedLeadingDimensionsShowEdgeSlicesOnly()
    {
        using var t = torch.zeros(10, 1, 8, 8).expand(10, 20, 8, 8);
        string html = TensorHtml.Format(t, Defaults);
        Assert.Equal(36, Regex.Matches(html, "class=\"nnb-slice-label\"").Count);
        Assert.Contains("[9, 19, :, :]", html);
        Assert.DoesNotContain("[5, 0, :, :]", html);
    }

    [Theory]
    [InlineData(new long[] { 28, 28 }, 28, 28)]
    [InlineData(new long[] { 1, 28, 28 }, 28, 28)]
    [InlineData(new long[] { 3, 32, 16 }, 16, 32)]
    public void ImageShapedTensorsGetAPicture(long[] shape, int width, int height)
    {
        using var t = torch.rand(shape);
        Assert.True(TensorImage.IsImageShaped(t));
        var picture = TensorImage.ToPicture(t);
        Assert.Equal((width, height), (picture.Width, picture.Height));
        Assert.Contains("<img class=\"nnb-picture\"", TensorHtml.Format(t, Defaults));
    }

    [Fact]
    public void BatchBecomesAGridOfAtMostSixteen()
    {
        using var t = torch.rand(20, 1, 28, 28);
        var picture = TensorImage.ToPicture(t);
        Assert.Equal(16, picture.ImagesShown);
        Assert.Equal(4 * 28 + 3 * 2, picture.Width);
        Assert.Contains("16 of 20 images", TensorHtml.Format(t, Defaults));
    }

    [Theory]
    [InlineData(new long[] { 5, 28 })]
    [InlineData(new long[] { 2, 28, 28 })]
    [InlineData(new long[] { 4, 2, 28, 28 })]
    [InlineData(new long[] { 100 })]
    public void OtherShapesAreNotImages(long[] shape)
    {
        using var t = torch.zeros(shape);
        Assert.False(TensorImage.IsImageShaped(t));
        Assert.DoesNotContain("<img", TensorHtml.Format(t, Defaults));
    }

    [Fact]
    public void PictureEncodesTheTensorsPixels()
    {
        // A 1x8x8 float image in [0, 1]: a gradient along x.
        using var t = torch.arange(8, dtype: ScalarType.Float32).div(7).expand(8, 8).unsqueeze(0);
        var picture = TensorImage.ToPicture(t);
        var png = Convert.FromBase64String(picture.DataUri["data:image/png;base64,".Length..]);
        var (w, h, colorType, pixels) = DecodePng(png);
        Assert.Equal((8, 8, 0), (w, h, colorType));
        Assert.Equal(new byte[] { 0, 36, 73, 109, 146, 182, 219, 255 }, pixels.Take(8).ToArray());
    }

    [Fact]
    public void PngChunksCarryValidCrcs()
    {
        byte[] png = PngEncoder.Encode(2, 1, 3, new byte[] { 255, 0, 0, 0, 0, 255 });
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png.Take(8).ToArray());
        int pos = 8;
        while (pos < png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + length));
            Assert.Equal(Crc32.Compute(png.AsSpan(pos + 4, 4 + length)), crc);
            pos += 12 + length;
        }
        Assert.Equal(png.Length, pos);
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8)); // the standard CRC-32 check value
        var (_, _, colorType, pixels) = DecodePng(png);
        Assert.Equal(2, colorType);
        Assert.Equal(new byte[] { 255, 0, 0, 0, 0, 255 }, pixels);
    }

    [Fact]
    public void HugeTensorIsFormattedFromItsEdgesOnly()
    {
        // 100 million elements (400 MB); the formatters must read only what they show, plus scalar reductions.
        using var huge = torch.arange(100_000_000, dtype: ScalarType.Float32).reshape(10_000, 10_000);
        Assert.Equal(100_000_000, huge.numel());

        HostReads.Reset();
        string text = TensorText.Format(huge, Defaults);
        Assert.True(HostReads.Elements <= 36, $"text read {HostReads.Elements} elements");
        Assert.StartsWith("tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 9.9970e+03, 9.9980e+03,", text);
        Assert.Contains("[9.9990e+07, 9.9990e+07, 9.9990e+07,  ..., 1.0000e+08, 1.0000e+08,", text);

        HostReads.Reset();
        string html = TensorHtml.Format(huge, Defaults);
        // 6x6 shown elements + a 256x256 subsampled picture + a handful of scalar reductions.
        Assert.True(HostReads.Elements <= 36 + 256 * 256 + 16, $"html read {HostReads.Elements} elements");
        Assert.Contains("every 40th pixel", html);
        // Above TensorStats.ExactLimit the stats come from every 400th row (a view), and the line says so.
        var stats = Regex.Match(html, "<div class=\"nnb-stats\">≈[^<]*</div>").Value;
        Assert.True(stats.StartsWith("<div class=\"nnb-stats\">≈ from every k-th element (250,000 of 100,000,000): min 0 · max ")
                    && stats.EndsWith(" · NaN 0 · Inf 0</div>"), stats);
    }

    [Fact]
    public void ComplexTensorsFallBackToTorchSharpsText()
    {
        using var z = torch.complex(torch.tensor(new[] { 1.0f, 2.0f }), torch.tensor(new[] { 0.5f, -1.0f }));
        string text = TensorText.Format(z, Defaults);
        Assert.Equal(z.ToString(TorchSharp.TensorStringStyle.Numpy), text);
        Assert.Contains("<pre>", TensorHtml.Format(z, Defaults));
    }

    [Fact]
    public void StatsAreScalarReductions()
    {
        using var t = torch.tensor(new double[] { 2, 4, 4, 4, 5, 5, 7, 9 });
        HostReads.Reset();
        var s = TensorStats.Of(t);
        Assert.Equal((2.0, 9.0, 5.0), (s.Min, s.Max, s.Mean));
        Assert.Equal(Math.Sqrt(32.0 / 7), s.Std, 12);
        Assert.True(HostReads.Elements <= 6);
    }

    internal static (int Width, int Height, int ColorType, byte[] Pixels) DecodePng(byte[] png)
    {
        int pos = 8, width = 0, height = 0, colorType = 0;
        using var idat = new MemoryStream();
        while (pos < png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(png, pos + 4, 4);
            var data = png.AsSpan(pos + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                colorType = data[9];
            }
            else if (type == "IDAT") idat.Write(data);
            pos += 12 + length;
        }
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        z.CopyTo(raw);
        int channels = colorType == 2 ? 3 : 1, rowBytes = width * channels;
        var bytes = raw.ToArray();
        var pixels = new byte[height * rowBytes];
        for (int y = 0; y < height; y++)
        {
            Assert.Equal(0, bytes[y * (rowBytes + 1)]);
            Array.Copy(bytes, y * (rowBytes + 1) + 1, pixels, y * rowBytes, rowBytes);
        }
        return (width, height, colorType, pixels);
    }
}
