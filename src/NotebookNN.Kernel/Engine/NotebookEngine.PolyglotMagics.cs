using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;
using NotebookNN.Extensibility;

namespace NotebookNN.Kernel.Engine;

// The .NET Interactive magics Polyglot notebooks use that make sense with one C# kernel: #!about, #!html, #!value,
// #!set and #!share, and a clear error for cells written for the kernels nnb does not have.
public sealed partial class NotebookEngine
{
    public const string OtherKernelErrorName = "UnsupportedKernel";

    /// <summary>.NET Interactive's other kernels (and their aliases), by the name a cell selects them with.</summary>
    private static readonly Dictionary<string, string> OtherKernels = new(StringComparer.Ordinal)
    {
        ["fsharp"] = "F#", ["f#"] = "F#", ["F#"] = "F#",
        ["pwsh"] = "PowerShell", ["powershell"] = "PowerShell",
        ["javascript"] = "JavaScript", ["js"] = "JavaScript",
        ["sql"] = "SQL", ["kql"] = "KQL", ["mermaid"] = "Mermaid", ["http"] = "HTTP", ["python"] = "Python", ["r"] = "R",
    };

    private void RegisterPolyglotMagics()
    {
        RegisterMagic(new MagicCommand("about", "Shows the engine's version, its C# and .NET versions and the extensions loaded.",
            invocation =>
            {
                invocation.Context.WriteLine(About());
                return Task.CompletedTask;
            }));
        RegisterMagic(new MagicCommand("html", "Shows the rest of the cell as HTML instead of running it.",
            _ => throw new MagicCommandException("#!html applies to the rest of a cell: put it on its own line, followed by the HTML."))
            { Notes = "The lines after it are shown as HTML (text/html), as .NET Interactive's #!html cells." });
        RegisterMagic(new MagicCommand("value", "Stores the rest of the cell (or a file's, a URL's or a variable's text) in a string variable.",
            _ => throw new MagicCommandException("#!value applies to the rest of a cell: put #!value --name NAME on its own line, followed by the text."))
        {
            Parameters =
            [
                new("name", "the variable to store the text in") { ValueName = "NAME" },
                new("from-file", "take the text of this file (relative to the notebook's folder) instead of the cell's") { ValueName = "FILE" },
                new("from-url", "take the text this URL returns instead of the cell's") { ValueName = "URL" },
                new("from-value", "take this value instead of the cell's: text, @csharp:OTHER for a variable's, @input:PROMPT to ask") { ValueName = "VALUE" },
                new("mime-type", "also show the text as this MIME type (e.g. application/json, text/html)") { ValueName = "TYPE" },
            ],
            Notes = "As .NET Interactive's value kernel; with one C# kernel the value is a C# string variable at once.",
        });
        RegisterMagic(new MagicCommand("import", "Runs the C# of another file in this session: .cs, .csx, or the C# cells of a .dib or .ipynb.",
            _ => throw new MagicCommandException("#!import is handled by the engine."))
        {
            Parameters = [new("file", "the file, relative to the notebook's folder", MagicParameterKind.Positional) { ValueName = "FILE" }],
            RequiredPositionals = 1,
            Notes = "What the file declares (variables, types, usings, #r references) stays in the session, as if its cells ran here.",
        });
        RegisterMagic(new MagicCommand("set", "Sets a variable to a text value or to another variable (@csharp:name).", SetAsync)
        {
            Parameters =
            [
                new("name", "the variable to set") { ValueName = "NAME" },
                new("value", "the text to store, or @csharp:OTHER / @value:OTHER for another variable's value") { ValueName = "VALUE" },
            ],
            Notes = "The value is a string unless it names another variable.",
        });
        RegisterMagic(new MagicCommand("share", "Shares a variable from another kernel (here every kernel is C#: it is already shared).", ShareAsync)
        {
            Parameters =
            [
                new("from", "the kernel the variable comes from", MagicParameterKind.Option) { ValueName = "KERNEL", Completions = ["csharp", "value"] },
                new("name", "the variable", MagicParameterKind.Positional) { ValueName = "NAME" },
                new("as", "the name to give it here (default: the same)") { ValueName = "NEWNAME" },
            ],
            RequiredPositionals = 1,
        });
    }

    private string About()
    {
        List<string> extensions;
        lock (_loadedExtensions) extensions = _loadedExtensions.Select(t => t.FullName ?? t.Name).Order(StringComparer.Ordinal).ToList();
        return new StringBuilder()
            .Append("nnb ").Append(Jupyter.KernelInfo.ImplementationVersion).Append(" (NotebookNN)\n")
            .Append("C# ").Append(CSharpLanguage.DisplayVersion).Append(" (set ").Append(CSharpLanguage.EnvironmentVariable).Append(" to choose another)\n")
            .Append(".NET ").Append(Environment.Version).Append(", ").Append(System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier).Append('\n')
            .Append("Extensions: ").Append(extensions.Count == 0 ? "none" : string.Join(", ", extensions))
            .ToString();
    }

    /// <summary>A cell's <c>#!value --name x</c> line: the rest of the cell becomes the string variable x.</summary>
    private async Task<bool> RunValueCellAsync(CellParser parser, MagicItem item, CellRun run)
    {
        var command = FindMagic("value")!;
        var args = ParseBuiltIn(command, item, run);
        if (args is null) return false;
        if (args.Help) return WriteUsage(command, run);
        if (VariableName(args.Value("name"), "--name", command, run) is not { } name) return false;
        var cellText = parser.TextAfter(item.Line);
        var sources = new[] { "from-file", "from-url", "from-value" }.Where(args.Has).ToList();
        if (sources.Count > 1 || (sources.Count == 1 && cellText.Trim().Length > 0))
            return run.Fail(MagicError(command, $"give the text one way: --{string.Join(", --", sources)}{(cellText.Trim().Length > 0 ? " or the cell's lines" : "")}, not several."));
        string text;
        try
        {
            text = sources.FirstOrDefault() switch
            {
                "from-file" => await File.ReadAllTextAsync(PathInNotebookFolder(args.Value("from-file")!)).ConfigureAwait(true),
                "from-url" => await ValueHttp.Value.GetStringAsync(new Uri(args.Value("from-url")!)).ConfigureAwait(true),
                // As in dotnet-interactive, the value itself: text (also what @input: was answered), or @csharp:OTHER.
                "from-value" => args.Value("from-value")! is var given && given.StartsWith('@')
                    ? await ValueTextAsync(VariableOf(given, args), run).ConfigureAwait(true)
                    : given,
                _ => cellText,
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or HttpRequestException or UriFormatException or MagicCommandException or TaskCanceledException)
        {
            return run.Fail(MagicError(command, $"could not read the text: {e.Message}"));
        }
        if (!await RunCodeAsync($"var {name} = {Literal(text)};", run).ConfigureAwait(true)) return false;
        var mime = args.Value("mime-type");
        if (mime == "application/json") _jsonValues.Add(name); else _jsonValues.Remove(name);
        if (mime is null) return true;
        var bundle = MimeBundleBuilder.FromText(text);
        bundle[mime] = text;
        try
        {
            bundle.Validate();
        }
        catch (InvalidMimeBundleException e)
        {
            return run.Fail(MagicError(command, e.Message));
        }
        run.Channel.Write(new DisplayOutput(bundle, null));
        return true;
    }

    private static readonly Lazy<HttpClient> ValueHttp = new(() => new HttpClient { Timeout = TimeSpan.FromSeconds(60) });

    /// <summary>A variable's value as text.</summary>
    private async Task<string> ValueTextAsync(string variable, CellRun run) =>
        (await EvaluateAsync(variable, run.Channel.CellNumber, CancellationToken.None).ConfigureAwait(true))?.ToString() ?? "";

    /// <summary>A path a cell names, resolved against the notebook's folder; a Windows-style backslash is a separator
    /// (notebooks written on Windows say ..\\libs\\x.dll), never a name character.</summary>
    private string PathInNotebookFolder(string argument)
    {
        var portable = Path.DirectorySeparatorChar == '/' ? argument.Replace('\\', '/') : argument;
        return Path.GetFullPath(Path.Combine(_workingDirectory, portable));
    }

    private int _importDepth;

    /// <summary><c>#!import FILE</c>: the file's C# runs as part of this cell.</summary>
    private async Task<bool> RunImportAsync(MagicItem item, CellRun run)
    {
        var command = FindMagic("import")!;
        var args = ParseBuiltIn(command, item, run);
        if (args is null) return false;
        if (args.Help) return WriteUsage(command, run);
        var path = PathInNotebookFolder(args.Positionals[0]);
        if (!File.Exists(path))
            return run.Fail(MagicError(command, args.Error($"the file '{path}' does not exist (relative paths are resolved against {_workingDirectory}).").Message));
        if (_importDepth >= 8)
            return run.Fail(MagicError(command, args.Error($"imports are nested more than 8 deep at '{path}': does a file import itself?").Message));

        List<string> cells;
        var skipped = 0;
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".cs" or ".csx":
                cells = [await File.ReadAllTextAsync(path).ConfigureAwait(true)];
                break;
            case ".dib" or ".ipynb":
                Notebooks.Notebook notebook;
                try
                {
                    notebook = Notebooks.NotebookFile.Load(path);
                }
                catch (Exception e) when (e is Notebooks.NotebookFormatException or IOException)
                {
                    return run.Fail(MagicError(command, args.Error($"'{path}' could not be read: {e.Message}").Message));
                }
                var code = notebook.Cells.Where(c => c.Kind == Notebooks.CellKind.Code).ToList();
                cells = code.Where(c => notebook.LanguageOf(c) == "csharp").Select(c => c.Source).ToList();
                skipped = code.Count - cells.Count;
                break;
            default:
                return run.Fail(MagicError(command, args.Error($"'{Path.GetFileName(path)}' is not a file it can import: give a .cs, .csx, .dib or .ipynb file.").Message));
        }

        _importDepth++;
        try
        {
            foreach (var source in cells)
            {
                var parser = new CellParser(source);
                if (!await RunItemsAsync(parser, parser.Parse(), run).ConfigureAwait(true)) return false;
            }
        }
        finally
        {
            _importDepth--;
        }
        if (skipped > 0)
            run.Channel.WriteStream("stdout", $"#!import: {skipped} cell(s) of {Path.GetFileName(path)} are for other kernels and were not run.\n");
        return true;
    }

    private async Task SetAsync(MagicInvocation invocation)
    {
        var command = FindMagic("set")!;
        var args = MagicArguments.Parse(command, invocation);
        if (args.Help) { invocation.Context.WriteLine(command.Usage); return; }
        var name = args.Value("name") is { } n && SyntaxFacts.IsValidIdentifier(n) ? n
            : throw args.Error($"--name needs a C# variable name, got '{args.Value("name")}'.");
        var value = args.Value("value") ?? throw args.Error("needs --value (text, or @csharp:OTHER for another variable).");
        var source = value.StartsWith('@') ? VariableOf(value, args) : null;
        await ((MagicContext)invocation.Context).RunCodeAsync($"var {name} = {source ?? Literal(value)};").ConfigureAwait(true);
    }

    /// <summary>The C# variable a value reference names (<c>@csharp:NAME</c>, <c>@value:NAME</c>, or a bare NAME);
    /// a reference to another kernel's value, which nnb cannot read, is an error that says so.</summary>
    private static string VariableOf(string reference, MagicArguments args)
    {
        var colon = reference.StartsWith('@') ? reference.IndexOf(':') : -1;
        var kernel = colon > 1 ? reference[1..colon] : null;
        var name = colon > 1 ? reference[(colon + 1)..] : reference;
        if (kernel is not null && kernel is not ("csharp" or "c#" or "C#" or "value"))
            throw args.Error(OtherKernels.TryGetValue(kernel, out var language)
                ? $"'{reference}' is a value of .NET Interactive's {language} kernel, which nnb does not have: every nnb variable is C# (write @csharp:NAME)."
                : $"'{reference}' names a kernel nnb does not have ('{kernel}'): every nnb variable is C# (write @csharp:NAME).");
        if (!SyntaxFacts.IsValidIdentifier(name))
            throw args.Error($"'{reference}' names no variable: write @csharp:NAME.");
        return name;
    }

    private async Task ShareAsync(MagicInvocation invocation)
    {
        var command = FindMagic("share")!;
        var args = MagicArguments.Parse(command, invocation);
        if (args.Help) { invocation.Context.WriteLine(command.Usage); return; }
        var name = args.Positionals[0];
        if (!SyntaxFacts.IsValidIdentifier(name)) throw args.Error($"'{name}' is not a variable name.");
        if (args.Value("from") is { } from && OtherKernels.TryGetValue(from, out var language))
            throw args.Error($"'{name}' would come from .NET Interactive's {language} kernel, which nnb does not have: every nnb variable is C# already.");
        if (!VariableNames.Contains(name))
            throw args.Error($"there is no variable '{name}' (variables: {(VariableNames.Count == 0 ? "none" : string.Join(", ", VariableNames))}).");
        var target = args.Value("as") ?? name;
        if (!SyntaxFacts.IsValidIdentifier(target)) throw args.Error($"--as needs a C# variable name, got '{target}'.");
        var context = (MagicContext)invocation.Context;
        if (args.Value("from") == "value" && _jsonValues.Contains(name))
        {
            // dotnet-interactive hands a value stored as application/json to C# as a JsonDocument. The text goes
            // through a temporary first: a declaration cannot read the variable it shadows.
            var text = "__nnbJsonText_" + target;
            await context.RunCodeAsync($"var {text} = {name};").ConfigureAwait(true);
            await context.RunCodeAsync($"var {target} = System.Text.Json.JsonDocument.Parse({text});").ConfigureAwait(true);
        }
        else if (target != name)
        {
            await context.RunCodeAsync($"var {target} = {name};").ConfigureAwait(true);
        }
    }

    /// <summary>Variables #!value stored with --mime-type application/json: shared from the value kernel they become
    /// JsonDocuments, as in dotnet-interactive. Only magics touch it, and they run one cell at a time.</summary>
    private readonly HashSet<string> _jsonValues = new(StringComparer.Ordinal);

    private bool FailOtherKernel(string name, CellRun run)
    {
        var language = OtherKernels[name];
        var message = $"This cell is for .NET Interactive's {language} kernel (#!{name}); nnb runs C# only, so the cell was not run. "
                      + "Rewrite it in C#, or run the notebook in dotnet-interactive.";
        return run.Fail(new ErrorOutput(OtherKernelErrorName, message, [message]));
    }

    private MagicArguments? ParseBuiltIn(MagicCommand command, MagicItem item, CellRun run)
    {
        try
        {
            var arguments = MagicArguments.Split(item.RawArguments);
            return MagicArguments.Parse(command, new MagicInvocation(command.Name, arguments, item.RawArguments, new MagicContext(this, run)));
        }
        catch (Exception e) when (e is MagicCommandException or FormatException)
        {
            run.Fail(MagicError(command, e.Message));
            return null;
        }
    }

    private static bool WriteUsage(MagicCommand command, CellRun run)
    {
        run.Channel.WriteStream("stdout", command.Usage + "\n");
        return true;
    }

    private string? VariableName(string? name, string option, MagicCommand command, CellRun run)
    {
        if (name is not null && SyntaxFacts.IsValidIdentifier(name)) return name;
        run.Fail(MagicError(command, $"{option} needs a C# variable name, got '{name ?? ""}'."));
        return null;
    }

    /// <summary>A C# verbatim string literal holding <paramref name="text"/> exactly.</summary>
    private static string Literal(string text) => "@\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
