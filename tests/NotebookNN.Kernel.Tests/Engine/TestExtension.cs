using NotebookNN.Extensibility;

namespace NotebookNN.Kernel.Tests.Engine;

/// <summary>An extension living in the test assembly: a cell loads it with <c>#r "NotebookNN.Kernel.Tests.dll"</c>.</summary>
public sealed class GreetingExtension : INotebookExtension
{
    public void Load(INotebookHost host) => host.RegisterMagic(new MagicCommand(
        "greet",
        "Greets a variable's value.",
        async invocation =>
        {
            if (invocation.Arguments.Count == 0)
                throw new MagicCommandException("#!greet needs the name of a variable.");
            var value = await invocation.Context.EvaluateAsync(invocation.Arguments[0]);
            var greeting = $"Hello, {value}!";
            invocation.Context.WriteLine(invocation.Arguments.Contains("--shout") ? greeting.ToUpperInvariant() : greeting);
            invocation.Context.Display(value);
        })
    {
        Parameters =
        [
            new("variable", "the variable to greet", MagicParameterKind.Positional),
            new("shout", "in capitals", MagicParameterKind.Flag),
        ],
        Notes = "Prints a greeting for the value of VARIABLE.",
    });
}
