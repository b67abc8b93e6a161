using System.Diagnostics;
using NotebookNN.Kernel.Jupyter;
using Xunit.Abstractions;

namespace NotebookNN.Kernel.Tests.Jupyter;

/// <summary>
/// Runs the Python suites in tests/jupyter (Debian's /usr/bin/python3 with jupyter_client and jupyter_kernel_test)
/// against the nnb built beside these tests: the kernel is started by the real Jupyter client machinery.
/// </summary>
[Trait("Category", "Jupyter")]
public class JupyterClientTests(ITestOutputHelper output)
{
    private const string Python = "/usr/bin/python3";
    private static readonly TimeSpan SuiteLimit = TimeSpan.FromMinutes(8);

    [Theory]
    [InlineData("test_kernel_conformance")]
    [InlineData("test_kernel_robustness")]
    [InlineData("test_devcontainer_schema")]
    [InlineData("test_nbconvert_compare")]
    public async Task Python_suite_passes(string module)
    {
        string root = RepositoryRoot();
        var start = new ProcessStartInfo(Python)
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-m", "unittest", "-v", $"tests.jupyter.{module}" })
            start.ArgumentList.Add(arg);
        start.Environment["NNB"] = string.Join(' ', KernelSpecInstaller.CurrentLauncher().Select(Quote));
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Python}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var limit = new CancellationTokenSource(SuiteLimit))
        {
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{module} did not finish within {SuiteLimit.TotalMinutes} minutes.\n{await stderr}");
            }
        }
        string log = await stderr;
        output.WriteLine(await stdout);
        output.WriteLine(log);
        Assert.True(process.ExitCode == 0, $"{module} failed (exit {process.ExitCode}):\n{log}");
        Assert.Matches(@"\nOK( \(skipped=\d+\))?\s*$", log);
    }

    private static string Quote(string part) => part.Contains(' ') || part.Contains('\'') ? "'" + part.Replace("'", "'\\''") + "'" : part;

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NotebookNN.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"No NotebookNN.sln above {AppContext.BaseDirectory}: run the tests from the repository checkout.");
    }
}
