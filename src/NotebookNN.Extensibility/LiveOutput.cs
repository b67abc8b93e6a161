namespace NotebookNN.Extensibility;

/// <summary>
/// How code the cell calls (a library such as <c>Trainer.Fit</c>), not only the cell's own text, shows an output in
/// the running cell and replaces it later. Each host sets <see cref="Show"/> (nnb's engine, the .NET Interactive adapter);
/// outside a notebook it is null.
/// </summary>
public static class LiveOutput
{
    /// <summary>
    /// Shows a value (formatted through the formatter registry) as an output of the cell running on this thread and
    /// returns the action that replaces it with another value; returns null when no cell is running.
    /// </summary>
    public static Func<object?, Action<object?>?>? Show { get; set; }
}
