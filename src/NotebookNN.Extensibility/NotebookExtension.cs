using System.Text;

namespace NotebookNN.Extensibility;

/// <summary>
/// Implemented by an assembly that extends a notebook host. nnb creates every public, non-abstract type with a
/// parameterless constructor that implements this interface when a cell references the assembly (<c>#r "path.dll"</c>
/// or <c>#r "nuget: ..."</c>), once per engine, and calls <see cref="Load"/>. In .NET Interactive (Polyglot
/// Notebooks) a small <c>IKernelExtension</c> adapter shipped in the package's <c>interactive-extensions/dotnet</c>
/// folder calls the same <see cref="Load"/> with a host that turns each magic into a kernel directive, so one
/// extension class serves both hosts. Formatters are registered through
/// <c>Microsoft.DotNet.Interactive.Formatting.Formatter</c> inside Load, the registry both hosts read.
/// </summary>
public interface INotebookExtension
{
    /// <summary>Registers the extension's formatters and magic commands with <paramref name="host"/>.</summary>
    public void Load(INotebookHost host);
}

/// <summary>What a host offers an extension while it loads.</summary>
public interface INotebookHost
{
    /// <summary>Adds a magic command, used in a cell as <c>#!name args</c>. A name already taken is an error.</summary>
    public void RegisterMagic(MagicCommand command);

    /// <summary>The magic commands known to the host, built-in ones included (for <c>#!lsmagic</c>).</summary>
    public IReadOnlyCollection<MagicCommand> Magics { get; }

    /// <summary>
    /// Asks to be called after each cell's <c>#r "nuget: ..."</c> references are loaded, with the packages the
    /// restore brought (dependencies included) and the running cell's context. A host that does not restore
    /// packages itself (e.g. .NET Interactive, which loads package extensions on its own) never calls it.
    /// </summary>
    public void OnPackagesReferenced(Func<IReadOnlyList<ReferencedPackage>, IMagicContext, Task> handler)
    {
    }

    /// <summary>
    /// Makes assemblies visible to every cell and starts every cell with the given using directives (written without
    /// <c>using</c> and the semicolon, e.g. <c>static Some.Helpers</c>), as the host's own defaults are. Only a
    /// startup extension can call it (before the first cell). A host whose sessions already have what a compatibility
    /// layer adds (.NET Interactive itself) ignores it.
    /// </summary>
    /// <exception cref="InvalidOperationException">A cell has already run.</exception>
    public void AddSessionDefaults(IReadOnlyList<string> assemblyPaths, IReadOnlyList<string> usings)
    {
    }

    /// <summary>
    /// Asks to be called as each cell starts, on the cell's own execution flow (so <c>AsyncLocal</c> state set by the
    /// handler is the cell's, as .NET Interactive's <c>KernelInvocationContext.Current</c> is), with the cell's code
    /// and context. What the handler returns is disposed when the cell ends.
    /// </summary>
    public void OnCellRunning(Func<string, IMagicContext, IDisposable?> handler)
    {
    }
}

/// <summary>A package a cell's <c>#r "nuget: ..."</c> brought in.</summary>
/// <param name="Name">The package id.</param>
/// <param name="Version">The version the restore chose.</param>
/// <param name="Folder">The package's folder (holding <c>lib/</c> and, for packages that extend notebooks,
/// <c>interactive-extensions/</c>), or null for a package the host carries itself.</param>
public sealed record ReferencedPackage(string Name, string Version, string? Folder);

/// <summary>How a magic command's parameter is written in a cell.</summary>
public enum MagicParameterKind
{
    /// <summary><c>--name value</c> (or <c>--name=value</c>).</summary>
    Option,
    /// <summary><c>--name</c>, no value.</summary>
    Flag,
    /// <summary>A bare word after the command name (in .NET Interactive also <c>--name value</c>).</summary>
    Positional,
    /// <summary>A C# expression: all the text after the command name up to the first option, spaces included.</summary>
    Expression,
}

/// <summary>
/// One parameter of a magic command, declared once: it drives the option parser (<see cref="MagicArguments"/>), the
/// <c>--help</c> text (<see cref="MagicCommand.Usage"/>), and the directive each host registers (with completions).
/// </summary>
/// <param name="Name">Without dashes, e.g. <c>precision</c>.</param>
/// <param name="Description">One line: what it does and its default.</param>
/// <param name="Kind">How it is written.</param>
public sealed record MagicParameter(string Name, string Description, MagicParameterKind Kind = MagicParameterKind.Option)
{
    /// <summary>The placeholder shown in the synopsis, e.g. <c>N</c> or <c>SHAPE</c>. Default: the name in capitals.</summary>
    public string? ValueName { get; init; }

    /// <summary>Values a front end offers as completions (e.g. <c>cpu</c>, <c>cuda</c>). Empty when any value goes.</summary>
    public IReadOnlyList<string> Completions { get; init; } = [];

    /// <summary>The placeholder as shown: <see cref="ValueName"/> or the name in capitals.</summary>
    public string Placeholder => ValueName ?? Name.ToUpperInvariant();

    /// <summary>How it appears in the synopsis: <c>--name N</c>, <c>--name</c>, or <c>N</c>.</summary>
    public string Syntax => Kind switch
    {
        MagicParameterKind.Option => $"--{Name} {Placeholder}",
        MagicParameterKind.Flag => "--" + Name,
        _ => Placeholder,
    };
}

/// <summary>
/// A magic command: <c>#!Name</c> followed by arguments on the same line. Its <see cref="Parameters"/> are the one
/// declaration its parser, its help and every host's registration derive from.
/// </summary>
/// <param name="Name">Without the <c>#!</c> prefix, e.g. <c>nn-device</c>.</param>
/// <param name="Summary">One line shown by <c>#!lsmagic</c> and as the directive's description.</param>
/// <param name="Handler">Runs the command. Throw <see cref="MagicCommandException"/> for a usage error.</param>
public sealed record MagicCommand(string Name, string Summary, Func<MagicInvocation, Task> Handler)
{
    /// <summary>The parameters, in synopsis order. Positional and expression parameters are optional unless
    /// <see cref="RequiredPositionals"/> says otherwise.</summary>
    public IReadOnlyList<MagicParameter> Parameters { get; init; } = [];

    /// <summary>How many positional parameters must be given.</summary>
    public int RequiredPositionals { get; init; }

    /// <summary>Lines of help after the parameter list: what the command does, defaults, examples.</summary>
    public string? Notes { get; init; }

    /// <summary>The text <c>#!name --help</c> shows: synopsis, one line per parameter, then <see cref="Notes"/>.</summary>
    public string Usage
    {
        get
        {
            var text = new StringBuilder("#!").Append(Name);
            for (var i = 0; i < Parameters.Count; i++)
            {
                var p = Parameters[i];
                var required = p.Kind is MagicParameterKind.Positional or MagicParameterKind.Expression && i < RequiredPositionals;
                text.Append(' ').Append(required ? p.Syntax : $"[{p.Syntax}]");
            }
            text.Append('\n');
            if (Parameters.Count > 0)
            {
                var width = Parameters.Max(p => p.Syntax.Length) + 2;
                foreach (var p in Parameters)
                {
                    text.Append("  ").Append(p.Syntax.PadRight(width)).Append(p.Description);
                    if (p.Completions.Count > 0 && !p.Description.Contains(p.Completions[0], StringComparison.Ordinal))
                        text.Append(" (").Append(string.Join(", ", p.Completions)).Append(')');
                    text.Append('\n');
                }
            }
            if (Notes is { Length: > 0 } notes)
                foreach (var line in notes.Trim('\n').Split('\n'))
                    text.Append("  ").Append(line.TrimEnd()).Append('\n');
            return text.ToString().TrimEnd('\n');
        }
    }
}

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
    public void Display(object? value);

    /// <summary>Writes to the cell's stdout stream.</summary>
    public void WriteLine(string text);

    /// <summary>Evaluates a C# expression in the notebook's current state (e.g. a variable name) and returns its value.</summary>
    public Task<object?> EvaluateAsync(string expression, CancellationToken cancellationToken = default);

    /// <summary>Shows an output formatted already (MIME type to content). With a <paramref name="displayId"/>, a later
    /// call with the same id and <paramref name="update"/> replaces it. A host without MIME outputs shows the
    /// text/plain entry.</summary>
    public void DisplayFormatted(IReadOnlyDictionary<string, string> data, string? displayId = null, bool update = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.TryGetValue("text/plain", out var text)) WriteLine(text);
    }

    /// <summary>Asks the person at the front end for one line of text (Jupyter's stdin channel); null when nothing can
    /// answer (a headless run, or a client that does not take input requests).</summary>
    public string? ReadInput(string prompt, bool password) => null;

    /// <summary>Runs C# (with its <c>#r</c> lines and magic commands) as part of the running cell: what it declares
    /// stays in the session, its outputs are the cell's.</summary>
    /// <exception cref="MagicCommandException">The code failed to compile or threw; the error is the cell's.</exception>
    public Task RunCodeAsync(string code) =>
        throw new NotSupportedException("This host cannot run code on behalf of an extension.");
}

/// <summary>A usage error in a magic command: the host reports the message (and the usage) as the cell's error.</summary>
public sealed class MagicCommandException(string message) : Exception(message);
