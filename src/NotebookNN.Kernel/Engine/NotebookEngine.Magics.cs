using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.DotNet.Interactive.Formatting;
using NotebookNN.Extensibility;

namespace NotebookNN.Kernel.Engine;

// Magic commands: the built-in ones (#!csharp, #!markdown, #!time, #!who, #!whos, #!lsmagic) and those that
// extensions register through INotebookHost.
public sealed partial class NotebookEngine
{
    public const string UnknownMagicErrorName = "UnknownMagicCommand";
    public const string MagicErrorName = "MagicCommandError";

    /// <summary>The directives (not magic commands) <c>#!lsmagic</c> lists.</summary>
    private static readonly (string Syntax, string Summary)[] Directives =
    [
        ("#r \"nuget: Name[, Version]\"", "Restore a NuGet package and reference its assemblies and its dependencies' (the engine's own packages come from the engine)."),
        ("#r \"path.dll\"", "Reference an assembly file (relative to the notebook's folder) and load the extensions it carries."),
        ("#i \"nuget: source\"", "Add a package source (feed URL or local folder) for later #r \"nuget: ...\"."),
    ];

    /// <inheritdoc />
    public IReadOnlyCollection<MagicCommand> Magics
    {
        get
        {
            lock (_magicGate) return _magics.ToList();
        }
    }

    /// <inheritdoc />
    public void RegisterMagic(MagicCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (string.IsNullOrWhiteSpace(command.Name) || command.Name.Any(char.IsWhiteSpace) || command.Name.StartsWith('#'))
            throw new ArgumentException($"Magic command name '{command.Name}' is invalid: give it without the #! prefix and without spaces, e.g. \"nn-device\".", nameof(command));
        if (command.Handler is null)
            throw new ArgumentException($"Magic command '#!{command.Name}' has no handler.", nameof(command));
        if (command.Summary is null)
            throw new ArgumentException($"Magic command '#!{command.Name}' needs a summary (it is shown by #!lsmagic and --help).", nameof(command));
        lock (_magicGate)
        {
            if (_magics.Any(m => string.Equals(m.Name, command.Name, StringComparison.Ordinal)))
                throw new InvalidOperationException($"A magic command named '#!{command.Name}' is already registered; choose another name.");
            _magics.Add(command);
        }
    }

    private MagicCommand? FindMagic(string name)
    {
        lock (_magicGate) return _magics.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.Ordinal));
    }

    private void RegisterBuiltInMagics()
    {
        RegisterMagic(new MagicCommand("csharp", "Marks the cell as C# (the only language here); no effect.", _ => Task.CompletedTask)
            { Notes = "Marks the rest of the cell as C# code (#!c# and #!C# are accepted too, as in .NET Interactive)." });
        RegisterMagic(new MagicCommand("markdown", "Shows the rest of the cell as Markdown instead of running it.",
            _ => throw new MagicCommandException("#!markdown applies to the rest of a cell: put it on its own line, followed by the Markdown text."))
            { Notes = "The lines after it are shown as Markdown (text/markdown)." });
        RegisterMagic(new MagicCommand("time", "Runs the rest of the cell and prints its wall-clock time.",
            _ => throw new MagicCommandException("#!time applies to the rest of a cell: put it on its own line, followed by the code to time."))
            { Notes = "Runs the lines after it, then prints \"Wall time: N ms\"." });
        RegisterMagic(new MagicCommand("who", "Lists the names of the variables defined so far.",
            invocation =>
            {
                var names = VariableNames;
                invocation.Context.WriteLine(names.Count == 0 ? "No variables are defined." : string.Join('\t', names));
                return Task.CompletedTask;
            }) { Notes = "Prints the variable names, separated by tabs." });
        RegisterMagic(new MagicCommand("whos", "Shows a table of the variables: name, type and value.",
            invocation =>
            {
                ((MagicContext)invocation.Context).DisplayBundle(VariablesTable());
                return Task.CompletedTask;
            }) { Notes = "Shows each variable's name, type and value (text and HTML)." });
        RegisterMagic(new MagicCommand("lsmagic", "Lists the directives and magic commands with their summaries.",
            invocation =>
            {
                invocation.Context.WriteLine(MagicListing());
                return Task.CompletedTask;
            }) { Notes = "Lists every directive and magic command, built-in or registered by an extension." });
        RegisterPolyglotMagics();
    }

    private async Task<bool> RunMagicAsync(CellParser parser, MagicItem item, CellRun run)
    {
        switch (item.Name)
        {
            case "markdown":
                run.Channel.Write(new DisplayOutput(MimeBundleBuilder.FromMarkdown(parser.TextAfter(item.Line)), null));
                return true;
            case "html":
            {
                var html = parser.TextAfter(item.Line);
                run.Channel.Write(new DisplayOutput(MimeBundleBuilder.FromText(html, html), null));
                return true;
            }
            case "value":
                return await RunValueCellAsync(parser, item, run).ConfigureAwait(true);
            case "import":
                return await RunImportAsync(item, run).ConfigureAwait(true);
            case var other when OtherKernels.ContainsKey(other):
                return FailOtherKernel(other, run);
            case "time":
            {
                var stopwatch = Stopwatch.StartNew();
                var ok = await RunItemsAsync(parser, parser.Parse(item.Line + 1), run).ConfigureAwait(true);
                if (ok)
                    run.Channel.WriteStream("stdout", string.Create(CultureInfo.InvariantCulture, $"Wall time: {stopwatch.Elapsed.TotalMilliseconds:0} ms\n"));
                return ok;
            }
        }

        // .NET Interactive's other names for its C# kernel.
        var magic = FindMagic(item.Name is "c#" or "C#" ? "csharp" : item.Name);
        if (magic is null)
        {
            var known = string.Join(", ", Magics.Select(m => "#!" + m.Name));
            return run.Fail(new ErrorOutput(UnknownMagicErrorName,
                $"Unknown magic command '#!{item.Name}'. Known magic commands: {known}.",
                [$"Unknown magic command '#!{item.Name}'.", $"Known magic commands: {known}.", "Run #!lsmagic for their descriptions."]));
        }

        IReadOnlyList<string> arguments;
        try
        {
            arguments = MagicArguments.Split(item.RawArguments);
        }
        catch (FormatException e)
        {
            return run.Fail(MagicError(magic, e.Message));
        }
        if (arguments.Contains("--help"))
        {
            run.Channel.WriteStream("stdout", magic.Usage.TrimEnd() + "\n");
            return true;
        }

        try
        {
            await magic.Handler(new MagicInvocation(magic.Name, arguments, item.RawArguments, new MagicContext(this, run))).ConfigureAwait(true);
            return true;
        }
        catch (MagicCommandException e)
        {
            return run.Fail(MagicError(magic, e.Message));
        }
        catch (Exception e)
        {
            return run.Fail(ErrorFormatting.RuntimeError(e, CellOfSubmission));
        }
    }

    private static ErrorOutput MagicError(MagicCommand magic, string message) =>
        new(MagicErrorName, message, [$"#!{magic.Name}: {message}", "", .. magic.Usage.TrimEnd().Split('\n')]);

    private string MagicListing()
    {
        var text = new StringBuilder("Directives:\n");
        var width = Math.Max(Directives.Max(d => d.Syntax.Length), Magics.Max(m => m.Name.Length + 2)) + 2;
        foreach (var (syntax, summary) in Directives)
            text.Append("  ").Append(syntax.PadRight(width)).Append(summary).Append('\n');
        text.Append("Magic commands:\n");
        foreach (var magic in Magics)
            text.Append("  ").Append(("#!" + magic.Name).PadRight(width)).Append(magic.Summary).Append('\n');
        return text.ToString().TrimEnd('\n');
    }

    private MimeBundle VariablesTable()
    {
        var rows = CurrentVariables()
            .Select(v => (v.Name, Type: TypeNames.CSharpName(v.Type), Value: OneLine(v.Value)))
            .ToList();
        if (rows.Count == 0)
            return MimeBundleBuilder.FromText("No variables are defined.", "<p>No variables are defined.</p>");

        var nameWidth = Math.Max("Variable".Length, rows.Max(r => r.Name.Length));
        var typeWidth = Math.Max("Type".Length, rows.Max(r => r.Type.Length));
        var plain = new StringBuilder();
        plain.Append("Variable".PadRight(nameWidth)).Append("  ").Append("Type".PadRight(typeWidth)).Append("  Value\n");
        plain.Append(new string('-', nameWidth)).Append("  ").Append(new string('-', typeWidth)).Append("  -----");
        var html = new StringBuilder("<table><thead><tr><th>Variable</th><th>Type</th><th>Value</th></tr></thead><tbody>");
        foreach (var (name, type, value) in rows)
        {
            plain.Append('\n').Append(name.PadRight(nameWidth)).Append("  ").Append(type.PadRight(typeWidth)).Append("  ").Append(value);
            html.Append("<tr><td>").Append(HtmlText.Escape(name)).Append("</td><td>").Append(HtmlText.Escape(type))
                .Append("</td><td>").Append(HtmlText.Escape(value)).Append("</td></tr>");
        }
        html.Append("</tbody></table>");
        return MimeBundleBuilder.FromText(plain.ToString(), html.ToString());
    }

    private static string OneLine(object? value)
    {
        const int limit = 60;
        var text = Formatter.ToDisplayString(value, MimeBundleBuilder.PlainText).ReplaceLineEndings(" ");
        return text.Length <= limit ? text : text[..(limit - 3)] + "...";
    }

    /// <summary>What a magic command (or an extension's cell hook) may do while it runs: it writes into the cell that
    /// invoked it.</summary>
    private sealed class MagicContext(NotebookEngine engine, CellRun run) : IMagicContext
    {
        public void Display(object? value) => run.Channel.Write(new DisplayOutput(MimeBundleBuilder.Build(value), null));

        public void DisplayBundle(MimeBundle bundle) => run.Channel.Write(new DisplayOutput(bundle, null));

        public void DisplayFormatted(IReadOnlyDictionary<string, string> data, string? displayId = null, bool update = false)
        {
            ArgumentNullException.ThrowIfNull(data);
            var bundle = new MimeBundle();
            foreach (var (mime, text) in data) bundle[mime] = text;
            if (!bundle.ContainsKey(MimeBundleBuilder.PlainText)) bundle[MimeBundleBuilder.PlainText] = "";
            bundle.Validate();
            if (update && displayId is not null)
            {
                // An update from a later cell replaces the output wherever it is, through the cell running now.
                var channel = engine.CurrentChannel ?? run.Channel;
                channel.Write(new DisplayUpdateOutput(bundle, displayId));
            }
            else
            {
                run.Channel.Write(new DisplayOutput(bundle, displayId));
            }
        }

        public void WriteLine(string text)
        {
            ArgumentNullException.ThrowIfNull(text);
            run.Channel.WriteStream("stdout", text + "\n");
        }

        public Task<object?> EvaluateAsync(string expression, CancellationToken cancellationToken = default) =>
            engine.EvaluateAsync(expression, run.Channel.CellNumber, cancellationToken);

        public string? ReadInput(string prompt, bool password)
        {
            ArgumentNullException.ThrowIfNull(prompt);
            return engine.ReadInputLine(run.Channel, prompt, password);
        }

        /// <summary>Runs code (magics and #r included) as part of the cell, so what it declares stays in the session.</summary>
        public async Task RunCodeAsync(string code)
        {
            ArgumentNullException.ThrowIfNull(code);
            var parser = new CellParser(code);
            if (!await engine.RunItemsAsync(parser, parser.Parse(), run).ConfigureAwait(true))
                throw new MagicCommandException(run.Error?.EValue ?? "the code failed.");
        }
    }
}
