using NotebookNN.Interactive.Extensibility;

namespace NotebookNN.Interactive.Magics;

/// <summary>
/// Runs a NotebookNN magic for a host that is not this project's engine, such as a legacy .NET Interactive kernel
/// (see <c>interactive-extensions/dotnet/extension.dib</c> in the package): the host passes its own ways to show a
/// value, write a line and evaluate an expression.
/// </summary>
public static class LegacyHostBridge
{
    /// <summary>Runs magic <paramref name="name"/> (without <c>#!</c>) with already-split arguments.</summary>
    /// <exception cref="MagicCommandException">A usage error, with a message for the notebook user.</exception>
    public static Task InvokeAsync(string name, IReadOnlyList<string> arguments, Action<object?> display, Action<string> writeLine,
        Func<string, Task<object?>> evaluate)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(arguments);
        var magic = NotebookNNMagics.All.FirstOrDefault(m => m.Name == name.TrimStart('#', '!'))
            ?? throw new MagicCommandException($"There is no NotebookNN magic '{name}'. Known: {string.Join(", ", NotebookNNMagics.All.Select(m => "#!" + m.Name))}.");
        var context = new DelegateContext(display, writeLine, evaluate);
        return magic.Handler(new MagicInvocation(magic.Name, arguments, string.Join(" ", arguments), context));
    }

    /// <summary>
    /// Turns bound directive values into the argument list of a magic: each (option, value) pair with a non-empty
    /// value becomes <c>--option value</c>, a <c>true</c> flag becomes <c>--option</c>, and an option named ""
    /// contributes its value as positional text (split on whitespace outside double quotes is left to the host).
    /// </summary>
    public static IReadOnlyList<string> Arguments(params (string Option, object? Value)[] values)
    {
        var args = new List<string>();
        foreach (var (option, value) in values)
        {
            switch (value)
            {
                case null:
                case false:
                case string s when s.Length == 0:
                    continue;
                case true:
                    args.Add("--" + option);
                    break;
                default:
                    string text = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!;
                    if (option.Length == 0) args.Add(text);
                    else { args.Add("--" + option); args.Add(text); }
                    break;
            }
        }
        return args;
    }

    sealed class DelegateContext(Action<object?> display, Action<string> writeLine, Func<string, Task<object?>> evaluate) : IMagicContext
    {
        public void Display(object? value) => display(value);
        public void WriteLine(string text) => writeLine(text);
        public Task<object?> EvaluateAsync(string expression, CancellationToken cancellationToken = default) => evaluate(expression);
    }
}
