namespace NotebookNN.Interactive;

/// <summary>
/// How wide the HTML views of wide things (probability tables, tensor tables, model summaries) may be. At the
/// default they fit a 900 px notebook column without horizontal scrolling, summarising what does not fit the way
/// PyTorch's repr summarises elements (first and last columns, "…" between); the full view is one setting away:
/// <c>HtmlViewOptions.Current = HtmlViewOptions.Full;</c> (or pass <see cref="Full"/> to a view's <c>ToHtml</c>).
/// </summary>
/// <param name="MaxWidth">The width in CSS pixels a view fits; null: no limit, every column shown.</param>
public sealed record HtmlViewOptions(int? MaxWidth = HtmlViewOptions.DefaultMaxWidth)
{
    /// <summary>Jupyter Notebook's code column at its default page width is about 900 px wide.</summary>
    public const int DefaultMaxWidth = 900;

    /// <summary>The smallest limit that still leaves room for a table's fixed columns.</summary>
    public const int MinMaxWidth = 300;

    static HtmlViewOptions _current = new();

    /// <summary>Views fit <see cref="DefaultMaxWidth"/> pixels.</summary>
    public static HtmlViewOptions Default { get; } = new();

    /// <summary>Every column of every view, however wide.</summary>
    public static HtmlViewOptions Full { get; } = new(MaxWidth: null);

    /// <summary>The options the registered formatters use. Setting it validates the value.</summary>
    public static HtmlViewOptions Current
    {
        get => Volatile.Read(ref _current);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            value.Validate();
            Volatile.Write(ref _current, value);
        }
    }

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> when the width cannot be used.</summary>
    public void Validate()
    {
        if (MaxWidth is < MinMaxWidth)
            throw new ArgumentOutOfRangeException(nameof(MaxWidth), MaxWidth,
                $"MaxWidth must be at least {MinMaxWidth} px, or null for no limit (HtmlViewOptions.Full).");
    }

    /// <summary>The width a view may use, or infinity.</summary>
    internal double Budget => MaxWidth ?? double.PositiveInfinity;
}
