using System.CommandLine;
using System.Runtime.InteropServices;
using NotebookNN.Kernel.Engine;

namespace NotebookNN.Kernel.Jupyter;

/// <summary>The <c>nnb kernel</c> and <c>nnb install</c> commands, for the CLI root to add.</summary>
public static partial class KernelCli
{
    private static readonly TimeSpan CleanupLimit = TimeSpan.FromMilliseconds(1000);

    /// <summary>The <c>kernel</c> and <c>install</c> commands; the kernel runs cells on a <see cref="NotebookEngine"/>
    /// working in the current directory (Jupyter starts kernels in the notebook's folder).</summary>
    public static IEnumerable<Command> Commands() => Commands(() => new NotebookEngine());

    /// <summary>The commands, with kernels running cells on executors made by <paramref name="createExecutor"/>.</summary>
    public static IEnumerable<Command> Commands(Func<ICellExecutor> createExecutor)
    {
        ArgumentNullException.ThrowIfNull(createExecutor);
        yield return KernelCommand(createExecutor);
        yield return InstallCommand();
    }

    private static Command KernelCommand(Func<ICellExecutor> createExecutor)
    {
        var file = new Option<FileInfo>("--connection-file", "-f")
        {
            Description = "The connection file a Jupyter front end wrote (kernel.json passes {connection_file}).",
            Required = true,
        };
        var command = new Command("kernel", "Run the NotebookNN Jupyter kernel (started by Jupyter front ends through the kernelspec).") { file };
        command.SetAction(parse => RunKernel(parse.GetValue(file)!, createExecutor));
        return command;
    }

    private static int RunKernel(FileInfo connectionFile, Func<ICellExecutor> createExecutor)
    {
        // Cells may redirect Console.Error; the kernel's own log always goes to the process's real stderr.
        var log = new StreamWriter(Console.OpenStandardError()) { AutoFlush = true };
        ConnectionInfo connection;
        try
        {
            connection = ConnectionInfo.Load(connectionFile.FullName);
        }
        catch (ArgumentException e)
        {
            log.WriteLine($"nnb kernel: {e.Message}");
            return 2;
        }
        var executor = createExecutor();
        var server = new KernelServer(connection, executor, log);
        // A Ctrl-C reaching the kernel (a terminal, or a front end using signals) interrupts the cell, as in ipykernel.
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            executor.Interrupt();
        });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            server.Stop();
        });
        int exitCode = 0;
        try
        {
            server.Run();
        }
        catch (InvalidOperationException e)
        {
            log.WriteLine($"nnb kernel: {e.Message}");
            exitCode = 1;
        }
        // Flushing iopub and releasing the engine get a bounded time: a front end waits only briefly for the
        // process to exit after shutdown_reply before it kills it, and a restart would stall meanwhile.
        var cleanup = Task.Run(() =>
        {
            server.Dispose();
            executor.Dispose();
        });
        if (!cleanup.Wait(CleanupLimit))
            log.WriteLine("nnb kernel: cleanup did not finish in time; exiting anyway");
        // Threads that user code started (or a cell that ignored the interrupt) must not keep the process alive
        // after the front end asked it to stop.
        Environment.Exit(exitCode);
        return exitCode;
    }

    private static Command InstallCommand()
    {
        var user = new Option<bool>("--user") { Description = "Install for the current user (the default): ~/.local/share/jupyter/kernels on Linux." };
        var sysPrefix = new Option<bool>("--sys-prefix") { Description = "Install into the prefix of the Python environment that runs 'jupyter' (sys.prefix)." };
        var prefix = new Option<DirectoryInfo>("--prefix") { Description = "Install into DIR/share/jupyter/kernels/NAME, like 'jupyter kernelspec install --prefix'.", HelpName = "DIR" };
        var name = new Option<string>("--name")
        {
            Description = "The kernelspec name (letters, digits, '.', '_', '-').",
            DefaultValueFactory = _ => KernelSpecInstaller.DefaultName,
        };
        var command = new Command("install", "Install the Jupyter kernelspec that starts 'nnb kernel' with this nnb.") { user, sysPrefix, prefix, name };
        command.Validators.Add(result =>
        {
            int scopes = (result.GetResult(user) is null ? 0 : 1) + (result.GetResult(sysPrefix) is null ? 0 : 1) + (result.GetResult(prefix) is null ? 0 : 1);
            if (scopes > 1)
                result.AddError("Choose one of --user, --sys-prefix or --prefix DIR.");
        });
        command.SetAction(parse =>
        {
            var scope = parse.GetValue(sysPrefix) ? KernelSpecScope.SysPrefix
                : parse.GetValue(prefix) is not null ? KernelSpecScope.Prefix
                : KernelSpecScope.User;
            try
            {
                string directory = KernelSpecInstaller.Install(scope, parse.GetValue(prefix)?.FullName, parse.GetValue(name)!, KernelSpecInstaller.CurrentLauncher());
                Console.WriteLine($"Installed kernelspec '{parse.GetValue(name)}' in {directory}");
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"nnb install: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
