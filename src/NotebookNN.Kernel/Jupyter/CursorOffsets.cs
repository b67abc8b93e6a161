namespace NotebookNN.Kernel.Jupyter;

/// <summary>
/// Since protocol 5.2 cursor positions count Unicode code points, while .NET strings (and the engine) count
/// UTF-16 code units; the two differ for characters outside the Basic Multilingual Plane (emoji, some CJK).
/// </summary>
public static class CursorOffsets
{
    /// <summary>The UTF-16 index of code point <paramref name="codePoints"/> in <paramref name="text"/>, clamped to the text.</summary>
    public static int CodePointsToUtf16(string text, int codePoints)
    {
        ArgumentNullException.ThrowIfNull(text);
        int index = 0;
        for (int seen = 0; seen < codePoints && index < text.Length; seen++)
            index += char.IsHighSurrogate(text[index]) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]) ? 2 : 1;
        return index;
    }

    /// <summary>The number of code points in the first <paramref name="utf16Index"/> UTF-16 units of <paramref name="text"/>.</summary>
    public static int Utf16ToCodePoints(string text, int utf16Index)
    {
        ArgumentNullException.ThrowIfNull(text);
        int end = Math.Clamp(utf16Index, 0, text.Length);
        int count = 0;
        for (int i = 0; i < end; i++, count++)
            if (char.IsHighSurrogate(text[i]) && i + 1 < end && char.IsLowSurrogate(text[i + 1]))
                i++;
        return count;
    }
}
