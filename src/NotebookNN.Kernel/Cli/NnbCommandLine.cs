using System.CommandLine;

namespace NotebookNN.Kernel.Cli;

/// <summary>The <c>nnb</c> root command and how it is invoked: parse errors are usage errors (exit code 2).</summary>
public static class NnbCommandLine
{
    /// <summary>The root command without subcommands; Program adds them.</summary>
    public static RootCommand CreateRoot() =>
        new("nnb: the NotebookNN notebook engine. Runs C# notebooks (.ipynb, .dib) headlessly and serves them to Jupyter.");

    /// <summary>Parses and runs <paramref name="args"/>. A parse error prints what was wrong and returns 2.</summary>
    public static async Task<int> InvokeAsync(RootCommand root, string[] args, NnbConsole console, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) console.Error.WriteLine($"nnb: {error.Message}");
            var command = parse.CommandResult.Command;
            var help = command == root ? "nnb --help" : $"nnb {command.Name} --help";
            console.Error.WriteLine($"Run `{help}` for usage.");
            return RunCommand.ExitUsage;
        }
        var configuration = new InvocationConfiguration { Output = console.Output, Error = console.Error };
        return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }
}
