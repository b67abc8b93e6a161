using Spectre.Console;

namespace NotebookNN.Kernel.Cli;

/// <summary>Where nnb's commands write: a Spectre console for people, the plain writers underneath, and stderr.</summary>
public sealed class NnbConsole
{
    public NnbConsole(TextWriter output, TextWriter error, bool isTerminal)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        Output = output;
        Error = error;
        // Colours and the live display only on a terminal; a redirected stream (CI log, test) gets plain text.
        Out = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = isTerminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
    }

    /// <summary>The process's own stdout and stderr (captured now, before any cell redirects Console.Out).</summary>
    public static NnbConsole FromProcess() =>
        new(Console.Out, Console.Error, !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("CI") is null);

    /// <summary>The console people read (markup, tables, progress).</summary>
    public IAnsiConsole Out { get; }

    /// <summary>The plain stdout writer (machine-read lines such as a worker's progress).</summary>
    public TextWriter Output { get; }

    /// <summary>Usage errors and other messages for stderr.</summary>
    public TextWriter Error { get; }
}
