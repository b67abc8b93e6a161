using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace NotebookNN.Extensibility;

/// <summary>
/// The one PNG writer of NotebookNN (8-bit grayscale, RGB or RGBA, no filtering), so tensors can be shown as pictures
/// and the kernel can draw its logo without an imaging dependency: the IDAT stream is zlib from System.IO.Compression,
/// chunks carry a CRC-32.
/// </summary>
public static class PngEncoder
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Encodes row-major pixels: <paramref name="channels"/> bytes per pixel (1 = gray, 3 = RGB, 4 = RGBA).</summary>
    public static byte[] Encode(int width, int height, int channels, ReadOnlySpan<byte> pixels)
    {
        if (width < 1 || height < 1)
            throw new ArgumentOutOfRangeException(nameof(width), $"An image needs at least 1x1 pixels, got {width}x{height}.");
        if (channels is not (1 or 3 or 4))
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "Use 1 channel (grayscale), 3 channels (RGB) or 4 channels (RGBA).");
        if (pixels.Length != (long)width * height * channels)
            throw new ArgumentException($"Expected {width}x{height}x{channels} = {(long)width * height * channels} bytes, got {pixels.Length}.", nameof(pixels));

        using var output = new MemoryStream();
        output.Write(Signature);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(0), width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;                              // bits per channel
        header[9] = channels switch { 1 => 0, 3 => 2, _ => 6 };  // colour type: gray, truecolour or truecolour with alpha
        WriteChunk(output, "IHDR", header);
        WriteChunk(output, "IDAT", Deflate(width, height, channels, pixels));
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>A <c>data:image/png;base64,...</c> URI for the pixels.</summary>
    public static string DataUri(int width, int height, int channels, ReadOnlySpan<byte> pixels) =>
        "data:image/png;base64," + Convert.ToBase64String(Encode(width, height, channels, pixels));

    static byte[] Deflate(int width, int height, int channels, ReadOnlySpan<byte> pixels)
    {
        using var buffer = new MemoryStream();
        using (var zlib = new ZLibStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            int rowBytes = width * channels;
            for (int y = 0; y < height; y++)
            {
                zlib.WriteByte(0); // filter type None
                zlib.Write(pixels.Slice(y * rowBytes, rowBytes));
            }
        }
        return buffer.ToArray();
    }

    static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        byte[] typeBytes = Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        uint crc = Crc32.Update(Crc32.Update(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }
}

/// <summary>CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) as PNG chunks require.</summary>
public static class Crc32
{
    static readonly uint[] Table = BuildTable();

    /// <summary>The CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Update(0xFFFFFFFFu, data) ^ 0xFFFFFFFFu;

    internal static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
