using System.Reflection;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Events;
using NotebookNN.Extensibility;

namespace NotebookNN.Polyglot;

/// <summary>
/// One nnb cell seen as a .NET Interactive command: while the cell runs, <c>KernelInvocationContext.Current</c> is a
/// context for a <c>SubmitCode</c> of the cell's code handled by nnb's <c>csharp</c> kernel, so <c>Kernel.Root</c>,
/// <c>Kernel.Current</c>, <c>KernelInvocationContext.Current.Display(...)</c>, <c>Javascript(...)</c> and
/// <c>GetInputAsync(...)</c> work; what the context publishes (displays, updates, text) becomes the cell's outputs.
/// </summary>
internal sealed class CellInvocation : IDisposable, IObserver<KernelEvent>
{
    private static readonly PropertyInfo HandlingKernelProperty =
        typeof(KernelInvocationContext).GetProperty(nameof(KernelInvocationContext.HandlingKernel))!;

    private readonly KernelInvocationContext _context;
    private readonly IDisposable _subscription;
    private readonly IMagicContext _cell;
    private readonly NotebookCSharpKernel _kernel;

    private CellInvocation(string code, IMagicContext cell, NotebookCSharpKernel kernel)
    {
        _cell = cell;
        _kernel = kernel;
        var command = new SubmitCode(code, NotebookCSharpKernel.KernelName);
        // A new context takes over Console.Out and Console.Error to publish what the cell writes as events; nnb
        // already routes the console to the running cell, so its writers are put back (the context's own
        // subscription then stays idle, and ending the context restores these same writers).
        var output = Console.Out;
        var error = Console.Error;
        _context = KernelInvocationContext.GetOrCreateAmbientContext(command);
        Console.SetOut(output);
        Console.SetError(error);
        // The setter is internal: .NET Interactive sets it when a kernel starts handling the command, and code in
        // the cell reads Kernel.Current and Kernel.Root through it.
        HandlingKernelProperty.SetValue(_context, kernel);
        _subscription = _context.KernelEvents.Subscribe(this);
        kernel.Cell = cell;
    }

    /// <summary>Starts the cell's context; call on the cell's own execution flow (the context is an AsyncLocal).</summary>
    public static CellInvocation Start(string code, IMagicContext cell, NotebookCSharpKernel kernel) => new(code, cell, kernel);

    public void Dispose()
    {
        _kernel.Cell = null;
        _subscription.Dispose();
        _context.Dispose();
    }

    void IObserver<KernelEvent>.OnNext(KernelEvent value)
    {
        switch (value)
        {
            case DisplayedValueUpdated updated:
                _cell.DisplayFormatted(Bundle(updated.FormattedValues), updated.ValueId, update: updated.ValueId is not null);
                break;
            case StandardOutputValueProduced or StandardErrorValueProduced or ErrorProduced:
                break; // nnb's console routing shows what the cell writes, and a failure reaches the cell as an exception
            case DisplayEvent display:
                _cell.DisplayFormatted(Bundle(display.FormattedValues), display.ValueId);
                break;
        }
    }

    void IObserver<KernelEvent>.OnError(Exception error)
    {
    }

    void IObserver<KernelEvent>.OnCompleted()
    {
    }

    private static Dictionary<string, string> Bundle(IReadOnlyCollection<Microsoft.DotNet.Interactive.Formatting.FormattedValue> values)
    {
        var bundle = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values)
            bundle.TryAdd(value.MimeType, value.Value);
        return bundle;
    }
}
