namespace NotebookNN.Interactive.Tensors;

/// <summary>
/// How tensors are printed, with the meaning of PyTorch's <c>torch.set_printoptions</c>. The notebook command
/// <c>#!nn-print</c> changes <see cref="Current"/>.
/// </summary>
/// <param name="Precision">Digits after the decimal point for floating-point values (PyTorch default 4).</param>
/// <param name="Threshold">More elements than this are summarised with "..." (default 1000; may be infinity).</param>
/// <param name="EdgeItems">Items kept at the start and end of each summarised dimension (default 3).</param>
/// <param name="LineWidth">Characters per line before a vector wraps (default 80).</param>
/// <param name="SciMode">true: always scientific notation; false: never; null: PyTorch's automatic choice.</param>
public sealed record TensorPrintOptions(int Precision = 4, double Threshold = 1000, int EdgeItems = 3, int LineWidth = 80, bool? SciMode = null)
{
    static TensorPrintOptions _current = new();

    /// <summary>PyTorch's defaults: precision 4, threshold 1000, edge items 3, line width 80, automatic sci mode.</summary>
    public static TensorPrintOptions Default { get; } = new();

    /// <summary>The options every tensor formatter uses. Setting it validates the values.</summary>
    public static TensorPrintOptions Current
    {
        get => Volatile.Read(ref _current);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            value.Validate();
            Volatile.Write(ref _current, value);
        }
    }

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming the first value that cannot be used.</summary>
    public void Validate()
    {
        if (Precision is < 0 or > 30)
            throw new ArgumentOutOfRangeException(nameof(Precision), Precision, "Precision must be between 0 and 30 digits.");
        if (double.IsNaN(Threshold) || Threshold < 0)
            throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, "Threshold must be 0 or more (infinity shows every element).");
        if (EdgeItems < 1)
            throw new ArgumentOutOfRangeException(nameof(EdgeItems), EdgeItems, "EdgeItems must be at least 1.");
        if (LineWidth < 1)
            throw new ArgumentOutOfRangeException(nameof(LineWidth), LineWidth, "LineWidth must be at least 1 character.");
    }
}
