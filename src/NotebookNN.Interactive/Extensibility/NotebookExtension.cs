namespace NotebookNN.Interactive.Extensibility;

/// <summary>
/// Implemented by an assembly that extends the notebook engine. When a cell references an assembly
/// (<c>#r "path.dll"</c> or <c>#r "nuget: ..."</c>), the engine creates every public, non-abstract type with a
/// parameterless constructor that implements this interface, once per engine, and calls <see cref="Load"/>.
/// Formatters are registered through <c>Microsoft.DotNet.Interactive.Formatting.Formatter</c> inside Load, so a
/// legacy .NET Interactive host (which reads the same registry) shows the same outputs.
/// </summary>
public interface INotebookExtension
{
    void Load(INotebookHost host);
}

/// <summary>What the engine offers an extension while it loads.</summary>
public interface INotebookHost
{
    /// <summary>Adds a magic command, used in a cell as <c>#!name args</c>. A name already taken is an error.</summary>
    void RegisterMagic(MagicCommand command);

    /// <summary>The magic commands known to the engine, built-in ones included (for <c>#!lsmagic</c>).</summary>
    IReadOnlyCollection<MagicCommand> Magics { get; }
}

/// <summary>A magic command: <c>#!Name</c> followed by arguments on the same line.</summary>
/// <param name="Name">Without the <c>#!</c> prefix, e.g. <c>nn-device</c>.</param>
/// <param name="Summary">One line shown by <c>#!lsmagic</c>.</param>
/// <param name="Usage">The text shown by <c>#!name --help</c>: synopsis and options.</param>
/// <param name="Handler">Runs the command. Throw <see cref="MagicCommandException"/> for a usage error.</param>
public sealed record MagicCommand(string Name, string Summary, string Usage, Func<MagicInvocation, Task> Handler);

/// <summary>One use of a magic command in a cell.</summary>
/// <param name="Name">The command name without <c>#!</c>.</param>
/// <param name="Arguments">The arguments split like a shell would (double quotes group words).</param>
/// <param name="RawArguments">Everything after the name on the line, trimmed.</param>
/// <param name="Context">Outputs and evaluation in the running notebook.</param>
public sealed record MagicInvocation(string Name, IReadOnlyList<string> Arguments, string RawArguments, IMagicContext Context);

/// <summary>What a magic command may do in the notebook while it runs.</summary>
public interface IMagicContext
{
    /// <summary>Shows a value as a display_data output, formatted through the formatter registry.</summary>
    void Display(object? value);

    /// <summary>Writes to the cell's stdout stream.</summary>
    void WriteLine(string text);

    /// <summary>Evaluates a C# expression in the notebook's current state (e.g. a variable name) and returns its value.</summary>
    Task<object?> EvaluateAsync(string expression, CancellationToken cancellationToken = default);
}

/// <summary>A usage error in a magic command: the engine reports the message (and the usage) as the cell's error.</summary>
public sealed class MagicCommandException(string message) : Exception(message);
