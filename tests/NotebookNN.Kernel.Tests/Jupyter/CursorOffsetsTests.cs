using NotebookNN.Kernel.Jupyter;

namespace NotebookNN.Kernel.Tests.Jupyter;

public class CursorOffsetsTests
{
    // "😀" is one code point but two UTF-16 units.
    private const string Text = "var s = \"😀\"; s.Len";

    [Fact]
    public void Code_points_after_an_astral_character_map_one_utf16_unit_further()
    {
        int codePoints = Text.EnumerateRunes().Count();
        Assert.Equal(Text.Length, CursorOffsets.CodePointsToUtf16(Text, codePoints));
        Assert.Equal(codePoints, CursorOffsets.Utf16ToCodePoints(Text, Text.Length));
        Assert.Equal(Text.Length - 1, codePoints);
    }

    [Fact]
    public void Offsets_before_the_astral_character_are_equal()
    {
        Assert.Equal(5, CursorOffsets.CodePointsToUtf16(Text, 5));
        Assert.Equal(5, CursorOffsets.Utf16ToCodePoints(Text, 5));
    }

    [Fact]
    public void Offsets_past_the_end_are_clamped()
    {
        Assert.Equal(Text.Length, CursorOffsets.CodePointsToUtf16(Text, 1000));
        Assert.Equal(Text.Length - 1, CursorOffsets.Utf16ToCodePoints(Text, 1000));
    }
}
