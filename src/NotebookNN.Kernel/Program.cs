using NotebookNN.Kernel.Cli;
using NotebookNN.Kernel.Engine;
using NotebookNN.Kernel.Runner;

// nnb: the NotebookNN command. `nnb run` is the headless runner (Cli/RunCommand.cs); `nnb worker` serves `run --parallel`.
if (MallocTuning.ShouldRestart(args)) return await MallocTuning.RestartAsync(args);

var console = NnbConsole.FromProcess();
EngineFactory engine = folder => new NotebookEngine(new EngineOptions { WorkingDirectory = folder });
var root = NnbCommandLine.CreateRoot();
root.Subcommands.Add(RunCommand.Create(engine, console));
root.Subcommands.Add(WorkerCommand.Create(engine, console));
root.Subcommands.Add(SiteCommand.Create(console));
foreach (var command in NotebookNN.Kernel.Jupyter.KernelCli.Commands(() => engine(Environment.CurrentDirectory)))
    root.Subcommands.Add(command);
return await NnbCommandLine.InvokeAsync(root, args, console);
