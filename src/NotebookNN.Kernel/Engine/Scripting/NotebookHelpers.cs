using System.Diagnostics.CodeAnalysis;
using Microsoft.DotNet.Interactive.Formatting;

namespace NotebookNN.Kernel.Engine.Scripting;

// What notebook code sees without a using: the engine imports this namespace and the static members of
// NotebookHelpers into every cell, as .NET Interactive imported its Kernel helpers.

/// <summary>Functions every cell can call directly, e.g. <c>display(x)</c>.</summary>
public static class NotebookHelpers
{
    /// <summary>Shows <paramref name="value"/> as a display output of the running cell and returns the formatting
    /// package's <see cref="DisplayedValue"/> (as .NET Interactive's <c>display</c> does), whose
    /// <see cref="DisplayedValue.Update"/> replaces that output, from this cell or a later one.</summary>
    /// <param name="mimeTypes">Optional: only these MIME types (text/plain is always added).</param>
    /// <remarks>Generic so that a cell that also imports .NET Interactive's helpers (<c>using static
    /// Microsoft.DotNet.Interactive.Kernel;</c>, whose <c>display(object, ...)</c> has the same shape) still compiles:
    /// C# then prefers this one for a typed argument and that one for an <c>object</c>, and both show the value.</remarks>
    [SuppressMessage("Style", "IDE1006", Justification = "Lower-case name kept from .NET Interactive's display(...) so notebooks run unchanged.")]
    public static DisplayedValue display<T>(T value, params string[] mimeTypes)
    {
        var channel = RunningCell("display");
        var bundle = MimeBundleBuilder.Build(value, mimeTypes ?? []);
        var shown = new DisplayedValue(value, bundle.Select(entry => new FormattedValue(entry.Key, entry.Value)).ToList());
        // The output carries the DisplayedValue's own id, so its Update (routed by FormatterDisplayRouting) finds it.
        channel.Write(new DisplayOutput(bundle, shown.DisplayId));
        return shown;
    }

    /// <summary>Clears the running cell's outputs so far, as IPython's <c>clear_output</c>; with
    /// <paramref name="wait"/> the front end clears only when the next output arrives (no flicker in loops).</summary>
    [SuppressMessage("Style", "IDE1006", Justification = "Named like IPython's clear_output, which notebook users know.")]
    public static void clear_output(bool wait = false)
    {
        var channel = RunningCell("clear_output");
        channel.Write(new ClearOutput(wait));
    }

    /// <summary>The output channel of the cell running on this flow; <paramref name="call"/> names the helper in the
    /// error when none runs.</summary>
    internal static CellOutputChannel RunningCell(string call) =>
        ConsoleRouting.Current
        ?? throw new InvalidOperationException($"{call}(...) can only be called while a notebook cell runs (or from code the cell started).");
}

/// <summary>An output that later code (in this cell or a later one) can replace: what live views (Trainer.Fit's
/// progress) show through <see cref="NotebookNN.Extensibility.LiveOutput"/>.</summary>
public sealed class DisplayHandle
{
    private readonly CellOutputChannel _origin;
    private readonly string[] _mimeTypes;

    private DisplayHandle(CellOutputChannel origin, string displayId, string[] mimeTypes)
    {
        _origin = origin;
        DisplayId = displayId;
        _mimeTypes = mimeTypes;
    }

    /// <summary>The id front ends use to find the output again (Jupyter's <c>transient.display_id</c>).</summary>
    public string DisplayId { get; }

    internal static DisplayHandle Show(object? value, string[]? mimeTypes)
    {
        var channel = NotebookHelpers.RunningCell("display");
        var types = mimeTypes ?? [];
        var handle = new DisplayHandle(channel, Guid.NewGuid().ToString("N"), types);
        channel.Write(new DisplayOutput(MimeBundleBuilder.Build(value, types), handle.DisplayId));
        return handle;
    }

    /// <summary>Replaces the displayed output by <paramref name="value"/>, formatted with the same MIME types.
    /// From a later cell the update is reported through that cell; once no cell runs, it is dropped.</summary>
    public void Update(object? value)
    {
        var bundle = MimeBundleBuilder.Build(value, _mimeTypes);
        var update = new DisplayUpdateOutput(bundle, DisplayId);
        if (ConsoleRouting.Current is { } current && current.Write(update)) return;
        if (_origin.Engine.CurrentChannel is { } running && running.Write(update)) return;
        _origin.Write(update);
    }

    /// <inheritdoc />
    public override string ToString() => $"display {DisplayId}";
}
