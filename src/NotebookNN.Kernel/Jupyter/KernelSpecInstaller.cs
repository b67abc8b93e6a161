using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NotebookNN.Kernel.Runner;

namespace NotebookNN.Kernel.Jupyter;

/// <summary>Where <c>nnb install</c> puts the kernelspec, as in <c>jupyter kernelspec install</c>.</summary>
public enum KernelSpecScope
{
    /// <summary>The user's Jupyter data directory (<c>~/.local/share/jupyter/kernels</c> on Linux).</summary>
    User,
    /// <summary>The prefix of the Python environment that runs Jupyter (<c>sys.prefix</c>).</summary>
    SysPrefix,
    /// <summary>An explicit prefix: <c>PREFIX/share/jupyter/kernels</c>.</summary>
    Prefix,
}

/// <summary>Writes the kernelspec (kernel.json and logos) that lets Jupyter front ends start <c>nnb kernel</c>.</summary>
public static partial class KernelSpecInstaller
{
    /// <summary>The kernelspec name used when none is given.</summary>
    public const string DefaultName = "notebooknn";

    /// <summary>The name front ends show in their kernel pickers.</summary>
    public const string DisplayName = "C# (NotebookNN)";

    /// <summary>
    /// Environment for the kernel process: the glibc allocator settings <c>nnb run</c> also uses (glibc reads them
    /// only at process start, so the kernelspec sets them for the kernel process).
    /// </summary>
    public static IReadOnlyDictionary<string, string> KernelEnvironment => WorkerProtocol.MallocEnvironment;

    [GeneratedRegex("^[a-z0-9._-]+$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex KernelNamePattern();

    /// <summary>Installs the kernelspec and returns the directory it was written to.</summary>
    /// <param name="prefix">Required for <see cref="KernelSpecScope.Prefix"/>, ignored otherwise.</param>
    /// <param name="launcher">The command that starts nnb (see <see cref="CurrentLauncher"/>).</param>
    public static string Install(KernelSpecScope scope, string? prefix, string name, IReadOnlyList<string> launcher)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(launcher);
        if (!KernelNamePattern().IsMatch(name))
            throw new ArgumentException($"Kernel name '{name}' is not valid: use only letters, digits, '.', '_' and '-' (e.g. '{DefaultName}').", nameof(name));
        if (launcher.Count == 0)
            throw new ArgumentException("The launcher command must name at least the program to run.", nameof(launcher));
        string kernels = KernelsDirectory(scope, prefix);
        string directory = Path.Combine(kernels, name.ToLowerInvariant());
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "kernel.json"), KernelJson(launcher).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        File.WriteAllBytes(Path.Combine(directory, "logo-32x32.png"), KernelLogo.Png(32));
        File.WriteAllBytes(Path.Combine(directory, "logo-64x64.png"), KernelLogo.Png(64));
        return directory;
    }

    /// <summary>The kernel.json content for a kernel started by <paramref name="launcher"/>.</summary>
    public static JsonObject KernelJson(IReadOnlyList<string> launcher)
    {
        ArgumentNullException.ThrowIfNull(launcher);
        var argv = new JsonArray();
        foreach (var part in launcher)
            argv.Add(part);
        argv.Add("kernel");
        argv.Add("-f");
        argv.Add("{connection_file}");
        var env = new JsonObject();
        foreach (var (key, value) in KernelEnvironment)
            env[key] = value;
        return new JsonObject
        {
            ["argv"] = argv,
            ["display_name"] = DisplayName,
            ["language"] = "C#",
            ["interrupt_mode"] = "message",
            ["env"] = env,
            ["metadata"] = new JsonObject { ["debugger"] = false },
        };
    }

    /// <summary>
    /// The absolute command that starts this nnb: its apphost, or the dotnet host running nnb.dll (the same way
    /// <c>nnb run --parallel</c> starts its workers).
    /// </summary>
    public static IReadOnlyList<string> CurrentLauncher()
    {
        // Installed as a dotnet tool, the kernel runs the tool's command (its shim), which survives `dotnet tool update`;
        // the versioned folder this assembly sits in does not.
        if (ToolShim(typeof(KernelSpecInstaller).Assembly.Location) is { } shim)
            return [shim];
        var start = WorkerProtocol.NnbStartInfo([]);
        string program = Path.IsPathRooted(start.FileName) ? start.FileName : FindOnPath(start.FileName)
            ?? throw new InvalidOperationException($"Cannot find '{start.FileName}' on PATH to put its absolute path in kernel.json.");
        return [Path.GetFullPath(program), .. start.ArgumentList];
    }

    /// <summary>The command name of the NotebookNN.Tool package.</summary>
    public const string ToolCommandName = "nnb";

    /// <summary>
    /// The dotnet tool shim that starts nnb when <paramref name="assemblyPath"/> lies in a tool store
    /// (<c>TOOL_PATH/.store/notebooknn.tool/VERSION/...</c>, as <c>dotnet tool install -g</c> or <c>--tool-path</c>
    /// lay it out): <c>TOOL_PATH/nnb</c>. Null when nnb does not run from a tool store or the shim is missing.
    /// </summary>
    public static string? ToolShim(string assemblyPath)
    {
        ArgumentNullException.ThrowIfNull(assemblyPath);
        var marker = Path.DirectorySeparatorChar + ".store" + Path.DirectorySeparatorChar;
        var at = Path.GetFullPath(assemblyPath).IndexOf(marker, StringComparison.Ordinal);
        if (at < 0) return null;
        var shim = Path.Combine(Path.GetFullPath(assemblyPath)[..at], OperatingSystem.IsWindows() ? ToolCommandName + ".exe" : ToolCommandName);
        return File.Exists(shim) ? shim : null;
    }

    /// <summary>The <c>kernels</c> directory for <paramref name="scope"/>.</summary>
    public static string KernelsDirectory(KernelSpecScope scope, string? prefix) => scope switch
    {
        KernelSpecScope.User => Path.Combine(UserDataDirectory(), "kernels"),
        KernelSpecScope.SysPrefix => Path.Combine(JupyterSysPrefix(), "share", "jupyter", "kernels"),
        KernelSpecScope.Prefix => string.IsNullOrWhiteSpace(prefix)
            ? throw new ArgumentException("--prefix needs a directory, e.g. --prefix /tmp/jupyter-env.", nameof(prefix))
            : Path.Combine(Path.GetFullPath(prefix), "share", "jupyter", "kernels"),
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, "Unknown kernelspec scope."),
    };

    /// <summary>Jupyter's per-user data directory, resolved the way jupyter_core does.</summary>
    public static string UserDataDirectory()
    {
        if (Environment.GetEnvironmentVariable("JUPYTER_DATA_DIR") is { Length: > 0 } explicitDir)
            return Path.GetFullPath(explicitDir);
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (OperatingSystem.IsWindows())
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "jupyter");
        if (OperatingSystem.IsMacOS())
            return Path.Combine(home, "Library", "Jupyter");
        if (Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg)
            return Path.Combine(xdg, "jupyter");
        return Path.Combine(home, ".local", "share", "jupyter");
    }

    /// <summary><c>sys.prefix</c> of the Python interpreter that runs the <c>jupyter</c> command on PATH.</summary>
    public static string JupyterSysPrefix()
    {
        string jupyter = FindOnPath("jupyter")
            ?? throw new InvalidOperationException("--sys-prefix needs Jupyter, but no 'jupyter' command is on PATH. Install Jupyter, or use --user or --prefix DIR.");
        string python = PythonOf(jupyter);
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import sys; print(sys.prefix)");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{python}' to ask for sys.prefix.");
        string output = process.StandardOutput.ReadToEnd().Trim();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 || output.Length == 0)
            throw new InvalidOperationException($"'{python} -c \"import sys; print(sys.prefix)\"' failed (exit {process.ExitCode}): {errors}. Use --user or --prefix DIR instead.");
        return output;
    }

    /// <summary>The interpreter named on the first line (<c>#!</c>) of the jupyter script.</summary>
    private static string PythonOf(string script)
    {
        string firstLine;
        using (var reader = new StreamReader(script))
            firstLine = reader.ReadLine() ?? "";
        if (!firstLine.StartsWith("#!", StringComparison.Ordinal))
            throw new InvalidOperationException($"'{script}' is not a Python script with a #! line, so its sys.prefix is unknown. Use --user or --prefix DIR.");
        string[] words = firstLine[2..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
            throw new InvalidOperationException($"'{script}' has an empty #! line. Use --user or --prefix DIR.");
        // "#!/usr/bin/env python3" names the interpreter in its second word.
        return Path.GetFileName(words[0]) == "env" && words.Length > 1 ? FindOnPath(words[1]) ?? words[1] : words[0];
    }

    private static string? FindOnPath(string program)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, program);
            if (File.Exists(candidate))
                return candidate;
            if (OperatingSystem.IsWindows() && File.Exists(candidate + ".exe"))
                return candidate + ".exe";
        }
        return null;
    }
}
