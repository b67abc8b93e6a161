
using NotebookNN.Extensibility;
namespace NotebookNN.Kernel.Jupyter;

/// <summary>
/// Draws the kernel's logo (a small three-layer network in white on an indigo rounded square) as a PNG of any
/// size, so the kernelspec carries logo-32x32.png and logo-64x64.png without binary files in the repository.
/// </summary>
public static class KernelLogo
{
    private static readonly (byte R, byte G, byte B) Background = (0x4B, 0x2E, 0x83);
    private static readonly (byte R, byte G, byte B) Foreground = (0xFF, 0xFF, 0xFF);

    // The glyph in unit coordinates: nodes per layer, and the edges that join neighbouring layers.
    private static readonly (double X, double Y)[][] Layers =
    [
        [(0.25, 0.30), (0.25, 0.50), (0.25, 0.70)],
        [(0.50, 0.38), (0.50, 0.62)],
        [(0.75, 0.50)],
    ];

    private const int Supersampling = 4;

    /// <summary>The logo as PNG bytes, <paramref name="size"/> pixels square (RGBA, antialiased).</summary>
    public static byte[] Png(int size)
    {
        if (size is < 8 or > 1024)
            throw new ArgumentOutOfRangeException(nameof(size), size, "The logo size must be between 8 and 1024 pixels.");
        var rgba = new byte[size * size * 4];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                var (square, glyph) = Coverage(x, y, size);
                int i = (y * size + x) * 4;
                rgba[i] = Mix(Background.R, Foreground.R, glyph);
                rgba[i + 1] = Mix(Background.G, Foreground.G, glyph);
                rgba[i + 2] = Mix(Background.B, Foreground.B, glyph);
                rgba[i + 3] = (byte)Math.Round(255 * square);
            }
        return PngEncoder.Encode(size, size, 4, rgba);
    }

    private static byte Mix(byte from, byte to, double t) => (byte)Math.Round(from + (to - from) * t);

    /// <summary>The fraction of the pixel inside the rounded square, and inside the glyph.</summary>
    private static (double Square, double Glyph) Coverage(int px, int py, int size)
    {
        int inSquare = 0, inGlyph = 0;
        for (int sy = 0; sy < Supersampling; sy++)
            for (int sx = 0; sx < Supersampling; sx++)
            {
                double x = (px + (sx + 0.5) / Supersampling) / size;
                double y = (py + (sy + 0.5) / Supersampling) / size;
                if (!InRoundedSquare(x, y))
                    continue;
                inSquare++;
                if (InGlyph(x, y))
                    inGlyph++;
            }
        return (inSquare / (double)(Supersampling * Supersampling), inSquare == 0 ? 0 : inGlyph / (double)inSquare);
    }

    private static bool InRoundedSquare(double x, double y)
    {
        const double radius = 0.18;
        double dx = Math.Max(Math.Abs(x - 0.5) - (0.5 - radius), 0);
        double dy = Math.Max(Math.Abs(y - 0.5) - (0.5 - radius), 0);
        return dx * dx + dy * dy <= radius * radius;
    }

    private static bool InGlyph(double x, double y)
    {
        const double nodeRadius = 0.075, edgeHalfWidth = 0.022;
        foreach (var layer in Layers)
            foreach (var (nx, ny) in layer)
                if ((x - nx) * (x - nx) + (y - ny) * (y - ny) <= nodeRadius * nodeRadius)
                    return true;
        for (int l = 0; l + 1 < Layers.Length; l++)
            foreach (var a in Layers[l])
                foreach (var b in Layers[l + 1])
                    if (DistanceToSegment(x, y, a, b) <= edgeHalfWidth)
                        return true;
        return false;
    }

    private static double DistanceToSegment(double x, double y, (double X, double Y) a, (double X, double Y) b)
    {
        double vx = b.X - a.X, vy = b.Y - a.Y;
        double t = Math.Clamp(((x - a.X) * vx + (y - a.Y) * vy) / (vx * vx + vy * vy), 0, 1);
        double cx = a.X + t * vx - x, cy = a.Y + t * vy - y;
        return Math.Sqrt(cx * cx + cy * cy);
    }
}
