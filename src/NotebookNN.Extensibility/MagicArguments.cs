using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace NotebookNN.Extensibility;

/// <summary>
/// The one option parser of magic commands: <c>--name value</c>, <c>--name=value</c>, flags, positional arguments,
/// a leading C# expression and <c>--help</c>, all derived from the command's declared <see cref="MagicParameter"/>s.
/// Every mistake becomes a <see cref="MagicCommandException"/> that names the command, the mistake and the options
/// that exist.
/// </summary>
public sealed class MagicArguments
{
    private readonly string _command;
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private IReadOnlyList<MagicParameter> _parameters = [];

    private MagicArguments(string command) => _command = command;

    /// <summary>True when --help or -h was given.</summary>
    public bool Help { get; private set; }

    /// <summary>Arguments that are not options, in order.</summary>
    public List<string> Positionals { get; } = [];

    /// <summary>The expression of a command with a <see cref="MagicParameterKind.Expression"/> parameter, or null.</summary>
    public string? Expression { get; private set; }

    /// <summary>Parses an invocation of <paramref name="command"/> against its declared parameters.</summary>
    public static MagicArguments Parse(MagicCommand command, MagicInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(invocation);
        var options = command.Parameters.Where(p => p.Kind == MagicParameterKind.Option).Select(p => p.Name).ToList();
        var flags = command.Parameters.Where(p => p.Kind == MagicParameterKind.Flag).Select(p => p.Name).ToList();
        var positionals = command.Parameters.Count(p => p.Kind == MagicParameterKind.Positional);
        MagicArguments result;
        if (command.Parameters.Any(p => p.Kind == MagicParameterKind.Expression))
        {
            // The expression may contain spaces and quotes, so it is everything before the first option.
            var raw = invocation.RawArguments;
            var optionStart = Regex.Match(raw, @"(^|\s)(--|-h\b)");
            var expression = (optionStart.Success ? raw[..optionStart.Index] : raw).Trim();
            result = Parse(command.Name, optionStart.Success ? Split(raw[optionStart.Index..]) : [], options, flags, positionals);
            result.Expression = expression.Length == 0 ? null : expression;
        }
        else
        {
            result = Parse(command.Name, invocation.Arguments, options, flags, positionals);
        }
        result._parameters = command.Parameters;
        if (!result.Help) result.AskForInputs(invocation.Context);
        if (!result.Help && result.Positionals.Count + (result.Expression is null ? 0 : 1) < command.RequiredPositionals)
        {
            var missing = command.Parameters.Where(p => p.Kind is MagicParameterKind.Positional or MagicParameterKind.Expression)
                .Skip(result.Positionals.Count).First();
            throw result.Error($"needs {missing.Placeholder} ({missing.Description}).");
        }
        return result;
    }

    /// <summary>Splits magic arguments like a shell: whitespace separates, double quotes group.</summary>
    /// <exception cref="FormatException">A double quote is not closed.</exception>
    public static IReadOnlyList<string> Split(string raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var arguments = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        var any = false;
        foreach (var c in raw)
        {
            if (c == '"')
            {
                quoted = !quoted;
                any = true;
            }
            else if (char.IsWhiteSpace(c) && !quoted)
            {
                if (any) arguments.Add(current.ToString());
                current.Clear();
                any = false;
            }
            else
            {
                current.Append(c);
                any = true;
            }
        }
        if (quoted)
            throw new FormatException($"Unclosed double quote in magic arguments: {raw}");
        if (any) arguments.Add(current.ToString());
        return arguments;
    }

    /// <summary>
    /// Parses <paramref name="arguments"/>. <paramref name="valueOptions"/> take a value, <paramref name="flags"/> do not;
    /// at most <paramref name="maxPositionals"/> positional arguments are accepted.
    /// </summary>
    private static MagicArguments Parse(string command, IReadOnlyList<string> arguments, IReadOnlyCollection<string> valueOptions,
        IReadOnlyCollection<string>? flags = null, int maxPositionals = 0)
    {
        flags ??= [];
        var result = new MagicArguments(command);
        for (int i = 0; i < arguments.Count; i++)
        {
            string arg = arguments[i];
            if (arg is "--help" or "-h") { result.Help = true; continue; }
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                string name = arg[2..];
                string? value = null;
                int eq = name.IndexOf('=');
                if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
                if (flags.Contains(name))
                {
                    if (value is not null) throw result.Error($"option --{name} takes no value.");
                    result._options[name] = null;
                    continue;
                }
                if (!valueOptions.Contains(name))
                    throw result.Error($"unknown option '--{name}'. {Known(valueOptions, flags)}");
                if (value is null)
                {
                    if (i + 1 >= arguments.Count || arguments[i + 1].StartsWith("--", StringComparison.Ordinal))
                        throw result.Error($"option --{name} needs a value.");
                    value = arguments[++i];
                }
                result._options[name] = value;
                continue;
            }
            if (arg.StartsWith('-') && arg.Length > 1 && !double.TryParse(arg, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                throw result.Error($"unknown option '{arg}'. {Known(valueOptions, flags)}");
            result.Positionals.Add(arg);
        }
        if (!result.Help && result.Positionals.Count > maxPositionals)
            throw result.Error(maxPositionals == 0
                ? $"takes no arguments besides options, got '{string.Join(" ", result.Positionals)}'."
                : $"takes at most {maxPositionals} argument(s), got {result.Positionals.Count}: '{string.Join(" ", result.Positionals)}'.");
        return result;
    }

    /// <summary>
    /// Replaces each value written <c>@input:PROMPT</c> (or <c>@password:PROMPT</c>, hidden as typed) by what the person
    /// at the front end types when asked PROMPT, as .NET Interactive's magic commands do.
    /// </summary>
    private void AskForInputs(IMagicContext context)
    {
        foreach (var name in _options.Keys.ToList())
            if (_options[name] is { } value && InputRequest(value) is { } request)
                _options[name] = Ask(context, request, "--" + name, value);
        for (var i = 0; i < Positionals.Count; i++)
            if (InputRequest(Positionals[i]) is { } request)
                Positionals[i] = Ask(context, request, "argument " + (i + 1), Positionals[i]);
    }

    private const string InputPrefix = "@input:";
    private const string PasswordPrefix = "@password:";

    private static (string Prompt, bool Password)? InputRequest(string value) =>
        value.StartsWith(InputPrefix, StringComparison.Ordinal) ? (value[InputPrefix.Length..], false)
        : value.StartsWith(PasswordPrefix, StringComparison.Ordinal) ? (value[PasswordPrefix.Length..], true)
        : null;

    private string Ask(IMagicContext context, (string Prompt, bool Password) request, string what, string written)
    {
        var prompt = request.Prompt.Length == 0 ? what : request.Prompt;
        return context.ReadInput(prompt, request.Password)
            ?? throw Error($"{what} asks for input ({written}), but nothing can answer here (a headless run such as nnb run, "
                           + "or a front end that does not take input requests): write the value in the cell instead.");
    }

    /// <summary>Whether the option (or flag) was given.</summary>
    public bool Has(string name) => _options.ContainsKey(name);

    /// <summary>The raw value of an option, or null.</summary>
    public string? Value(string name) => _options.TryGetValue(name, out var v) ? v : null;

    /// <summary>An integer option within [min, max], or null when absent.</summary>
    public int? Int(string name, int min, int max)
    {
        if (Value(name) is not { } text) return null;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
            throw Error($"--{name} needs a whole number, got '{text}'.");
        if (v < min || v > max) throw Error($"--{name} must be between {min} and {max}, got {v}.");
        return v;
    }

    /// <summary>A number option (also 'inf'), at least <paramref name="min"/>, or null when absent.</summary>
    public double? Double(string name, double min)
    {
        if (Value(name) is not { } text) return null;
        double v = text.Equals("inf", StringComparison.OrdinalIgnoreCase) ? double.PositiveInfinity
            : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) ? parsed
            : throw Error($"--{name} needs a number (or 'inf'), got '{text}'.");
        if (double.IsNaN(v) || v < min) throw Error($"--{name} must be at least {min.ToString(CultureInfo.InvariantCulture)}, got '{text}'.");
        return v;
    }

    /// <summary>One of <paramref name="choices"/> (by default the parameter's declared completions), or null when absent.</summary>
    public string? Choice(string name, params string[] choices)
    {
        if (choices.Length == 0)
            choices = _parameters.FirstOrDefault(p => p.Name == name)?.Completions.ToArray() ?? [];
        if (Value(name) is not { } text) return null;
        string lower = text.ToLowerInvariant();
        return choices.Contains(lower) ? lower : throw Error($"--{name} must be one of {string.Join(", ", choices)}, got '{text}'.");
    }

    /// <summary>A positional whole number within [min, max].</summary>
    public int PositionalInt(int index, string what, int min, int max)
    {
        string text = Positionals[index];
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
            throw Error($"{what} must be a whole number, got '{text}'.");
        if (v < min || v > max) throw Error($"{what} must be between {min} and {max}, got {v}.");
        return v;
    }

    /// <summary>A usage error of this command.</summary>
    public MagicCommandException Error(string message) => new($"#!{_command}: {message} See #!{_command} --help.");

    private static string Known(IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string> flags)
    {
        var all = valueOptions.Concat(flags).Select(o => "--" + o).Append("--help").ToList();
        return "Options: " + string.Join(", ", all) + ".";
    }
}
