using NotebookNN.Kernel.Runner;

namespace NotebookNN.Notebooks.Tests;

public class AllocatorSettingsTests
{
    [Fact]
    public void The_test_host_runs_notebooks_with_the_same_allocator_settings_as_nnb_run()
    {
        // notebooks.runsettings sets them for the test host; they must stay equal to the runner's.
        foreach (var (name, value) in WorkerProtocol.MallocEnvironment)
            Assert.Equal((name, value), (name, Environment.GetEnvironmentVariable(name)));
    }
}
