using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Events;
using NotebookNN.Extensibility;

namespace NotebookNN.Polyglot;

/// <summary>
/// nnb's C# session as .NET Interactive code sees it: the <c>csharp</c> kernel under <c>Kernel.Root</c>. Code sent to
/// it (<c>Kernel.Root.SendAsync(new SubmitCode(...))</c>) runs in nnb's session as part of the running cell, and input
/// requests (<c>GetInputAsync</c>, <c>GetPasswordAsync</c>) go to the front end through nnb's stdin handling.
/// </summary>
internal sealed class NotebookCSharpKernel : Kernel,
    IKernelCommandHandler<SubmitCode>,
    IKernelCommandHandler<RequestInput>
{
    public const string KernelName = "csharp";

    public NotebookCSharpKernel() : base(KernelName)
    {
        KernelInfo.LanguageName = "C#";
        KernelInfo.DisplayName = "C# (nnb)";
    }

    /// <summary>The running cell's context; null between cells.</summary>
    public IMagicContext? Cell { get; set; }

    /// <inheritdoc />
    public async Task HandleAsync(SubmitCode command, KernelInvocationContext context)
    {
        var cell = Cell ?? throw new InvalidOperationException("Code can only be submitted to nnb's C# kernel while a cell runs.");
        try
        {
            await cell.RunCodeAsync(command.Code).ConfigureAwait(true);
        }
        catch (MagicCommandException e)
        {
            context.Fail(command, message: e.Message);
        }
    }

    /// <inheritdoc />
    public Task HandleAsync(RequestInput command, KernelInvocationContext context)
    {
        var cell = Cell ?? throw new InvalidOperationException("Input can only be requested while a cell runs.");
        var password = string.Equals(command.InputTypeHint, "password", StringComparison.OrdinalIgnoreCase);
        var prompt = string.IsNullOrEmpty(command.Prompt) ? command.ParameterName ?? "" : command.Prompt;
        if (cell.ReadInput(prompt, password) is { } value)
            context.Publish(new InputProduced(value, command));
        else
            context.Fail(command, message: $"Input was requested ('{prompt}') but nothing can answer it here: a headless run (nnb run) "
                                           + "or a front end that does not allow input. Set the value in code, or pass it as a notebook parameter (nnb run -p NAME VALUE).");
        return Task.CompletedTask;
    }
}
