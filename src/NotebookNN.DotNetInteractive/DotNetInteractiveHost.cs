using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Directives;
using Microsoft.DotNet.Interactive.Events;
using NotebookNN.Extensibility;

namespace NotebookNN.DotNetInteractive;

/// <summary>
/// <see cref="INotebookHost"/> for a .NET Interactive kernel: each magic becomes a <see cref="KernelActionDirective"/>
/// whose description, parameters and value completions come from the magic's declaration, and whose handler runs the
/// magic's own handler. The arguments .NET Interactive binds are turned back into the argument list nnb would pass,
/// so the magic parses them with the same <see cref="MagicArguments"/> in both hosts. One host per kernel: loading
/// an extension again (a second <c>#r</c> of its package) changes nothing.
/// </summary>
public sealed class DotNetInteractiveHost : INotebookHost
{
    private static readonly ConditionalWeakTable<Kernel, DotNetInteractiveHost> Hosts = new();

    private readonly Kernel _kernel;
    private readonly List<MagicCommand> _magics = [];
    private readonly HashSet<Type> _loaded = [];

    private DotNetInteractiveHost(Kernel kernel) => _kernel = kernel;

    /// <summary>The host of <paramref name="kernel"/>, made on first use.</summary>
    public static DotNetInteractiveHost For(Kernel kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        return Hosts.GetValue(kernel, k => new DotNetInteractiveHost(k));
    }

    /// <inheritdoc />
    public IReadOnlyCollection<MagicCommand> Magics
    {
        get
        {
            lock (_magics) return _magics.ToList();
        }
    }

    /// <summary>Creates and loads an extension of type <paramref name="extensionType"/> unless it is loaded already.</summary>
    public void Load(Type extensionType)
    {
        ArgumentNullException.ThrowIfNull(extensionType);
        lock (_loaded)
            if (!_loaded.Add(extensionType)) return;
        ((INotebookExtension)Activator.CreateInstance(extensionType)!).Load(this);
    }

    /// <inheritdoc />
    public void RegisterMagic(MagicCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        lock (_magics)
        {
            if (_magics.Any(m => m.Name == command.Name)) return;
            _magics.Add(command);
        }
        // .NET Interactive keeps one handler per bound command type, so every magic of this host shares one type and
        // one handler, which finds the magic by the directive name the binder records.
        _kernel.AddDirective<BoundArguments>(Directive(command), DispatchAsync);
    }

    private Task DispatchAsync(BoundArguments bound, KernelInvocationContext context)
    {
        var name = bound.Values is { } values && values.TryGetValue("invokedDirective", out var invoked) ? invoked.GetString() : null;
        MagicCommand? command;
        lock (_magics) command = _magics.FirstOrDefault(m => "#!" + m.Name == name);
        if (command is null)
        {
            context.Fail(context.Command, message: $"NotebookNN: no magic command is registered for '{name}'.");
            return Task.CompletedTask;
        }
        return InvokeAsync(command, bound, context);
    }

    /// <summary>The directive .NET Interactive parses, completes and describes for <paramref name="command"/>.</summary>
    internal static KernelActionDirective Directive(MagicCommand command)
    {
        var directive = new KernelActionDirective("#!" + command.Name) { Description = command.Summary };
        foreach (var parameter in command.Parameters)
        {
            var declared = new KernelDirectiveParameter("--" + parameter.Name, parameter.Description)
            {
                Flag = parameter.Kind == MagicParameterKind.Flag,
                AllowImplicitName = parameter.Kind is MagicParameterKind.Positional or MagicParameterKind.Expression,
            };
            if (parameter.Completions.Count > 0)
                declared.AddCompletions(context =>
                {
                    foreach (var value in parameter.Completions)
                        context.CompletionItems.Add(new CompletionItem(value, "Value", documentation: parameter.Description));
                    return Task.CompletedTask;
                });
            directive.Parameters.Add(declared);
        }
        // .NET Interactive has no --help of its own: declare it so `#!name --help` prints the magic's usage.
        directive.Parameters.Add(new KernelDirectiveParameter("--help", "show this command's usage") { Flag = true });
        return directive;
    }

    /// <summary>The argument list nnb would pass for the values .NET Interactive bound: positional values first (in
    /// declaration order), then <c>--option value</c> and <c>--flag</c>.</summary>
    internal static IReadOnlyList<string> Arguments(MagicCommand command, IReadOnlyDictionary<string, JsonElement> values)
    {
        string? Find(MagicParameter parameter)
        {
            var key = parameter.Name.Replace("-", "", StringComparison.Ordinal);
            foreach (var (name, value) in values)
                if (string.Equals(name, key, StringComparison.OrdinalIgnoreCase))
                    return value.ValueKind switch
                    {
                        JsonValueKind.String => value.GetString(),
                        JsonValueKind.True => "true",
                        JsonValueKind.Null or JsonValueKind.Undefined or JsonValueKind.False => null,
                        _ => value.GetRawText(),
                    };
            return null;
        }

        var positional = new List<string>();
        var options = new List<string>();
        foreach (var parameter in command.Parameters)
        {
            if (Find(parameter) is not { Length: > 0 } value) continue;
            switch (parameter.Kind)
            {
                case MagicParameterKind.Flag:
                    options.Add("--" + parameter.Name);
                    break;
                case MagicParameterKind.Option:
                    options.Add("--" + parameter.Name);
                    options.Add(value);
                    break;
                default:
                    positional.Add(value);
                    break;
            }
        }
        return [.. positional, .. options];
    }

    private static async Task InvokeAsync(MagicCommand command, BoundArguments bound, KernelInvocationContext context)
    {
        var values = bound.Values ?? [];
        var arguments = Arguments(command, values);
        if (values.TryGetValue("help", out var help) && help.ValueKind == JsonValueKind.True)
        {
            WriteStandardOut(context, command.Usage + "\n");
            return;
        }
        // The raw text the magic sees is what nnb would see: the expression (bound whole, spaces and all) first.
        var raw = string.Join(' ', arguments);
        try
        {
            await command.Handler(new MagicInvocation(command.Name, arguments, raw, new Context(context))).ConfigureAwait(false);
        }
        catch (MagicCommandException e)
        {
            context.Fail(context.Command, message: e.Message);
        }
    }

    /// <summary>Text on the running command's stdout stream, as <c>Console.Out</c> in a cell would show it.</summary>
    internal static void WriteStandardOut(KernelInvocationContext context, string text) =>
        context.Publish(new StandardOutputValueProduced(context.Command, [new Microsoft.DotNet.Interactive.Formatting.FormattedValue("text/plain", text)]));

    /// <summary>Text on the running command's stderr stream.</summary>
    internal static void WriteStandardError(KernelInvocationContext context, string text) =>
        context.Publish(new StandardErrorValueProduced(context.Command, [new Microsoft.DotNet.Interactive.Formatting.FormattedValue("text/plain", text)]));

    /// <summary>The values .NET Interactive binds for a directive, whatever its parameters (by camel-cased name).</summary>
    public sealed class BoundArguments : KernelDirectiveCommand
    {
        /// <summary>Parameter name (without dashes, camel case) to its bound value.</summary>
        [JsonExtensionData]
        public Dictionary<string, JsonElement>? Values { get; set; }
    }

    /// <summary>A magic's view of the running .NET Interactive command.</summary>
    private sealed class Context(KernelInvocationContext context) : IMagicContext
    {
        public void Display(object? value) => context.Display(value);

        public void WriteLine(string text) => WriteStandardOut(context, text + "\n");

        public async Task<object?> EvaluateAsync(string expression, CancellationToken cancellationToken = default)
        {
            var csharp = context.HandlingKernel.RootKernel.FindKernelByName("csharp") ?? context.HandlingKernel;
            // A variable is read directly: a submitted expression's value would also be shown as an output of the
            // cell here (the host publishes child commands' results), where nnb shows nothing.
            if (csharp is CSharpKernel variables && Microsoft.CodeAnalysis.CSharp.SyntaxFacts.IsValidIdentifier(expression.Trim())
                && variables.TryGetValue<object>(expression.Trim(), out var variable))
                return variable;
            // Anything else runs in the C# kernel as a child of the running command, so its state is the notebook's.
            // Its events stay with it: nnb shows nothing for an evaluated expression, and neither does this host.
            var submission = new SubmitCode(expression, csharp.Name);
            submission.SetParent(context.Command, bubbleEvents: false);
            var result = await csharp.SendAsync(submission, cancellationToken).ConfigureAwait(false);
            foreach (var e in result.Events)
            {
                switch (e)
                {
                    case ReturnValueProduced produced:
                        return produced.Value;
                    case CommandFailed failed:
                        throw new MagicCommandException($"Cannot evaluate '{expression}': {failed.Message}");
                }
            }
            return null;
        }
    }
}
