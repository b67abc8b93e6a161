using NotebookNN.Kernel.Engine;

namespace NotebookNN.Kernel.Tests.Engine;

// Console.In is one synchronized reader for the whole process, so the tests that read input share one class
// (xunit runs a class's tests one after another) instead of contending across parallel classes.
public sealed class InputTests : IDisposable
{
    private readonly NotebookEngine _engine = new(new EngineOptions { StopGracePeriod = TimeSpan.FromMilliseconds(500) });

    public void Dispose() => _engine.Dispose();

    [Fact]
    public async Task Console_input_comes_from_the_input_provider()
    {
        var prompts = new List<(string, bool)>();
        _engine.InputProvider = (prompt, password) =>
        {
            prompts.Add((prompt, password));
            return "Ada";
        };
        RecordingSink sink;
        try
        {
            sink = await _engine.RunOkAsync("Console.Write(\"Name? \");\nvar name = Console.ReadLine();\n$\"Hello {name}\"");
        }
        finally
        {
            _engine.InputProvider = null;
        }
        Assert.Equal("Hello Ada", sink.Result.Data["text/plain"]);
        Assert.Equal("Name? ", sink.Stream("stdout"));
        Assert.Single(prompts);
    }
    [Fact]
    public async Task Without_an_input_provider_reads_see_end_of_input()
    {
        _engine.InputProvider = null;
        var sink = await _engine.RunOkAsync("Console.ReadLine() is null");
        Assert.Equal("True", sink.Result.Data["text/plain"]);
    }
    [Fact]
    public async Task Interrupt_stops_a_cell_blocked_reading_input()
    {
        using var neverAnswered = new ManualResetEventSlim();
        var asked = 0;
        _engine.InputProvider = (_, _) =>
        {
            Interlocked.Increment(ref asked);
            neverAnswered.Wait();
            return "late";
        };
        try
        {
            var sink = new RecordingSink();
            var running = _engine.ExecuteAsync("var answer = Console.ReadLine();", sink);
            await ErrorTests.WaitForAsync(() => Volatile.Read(ref asked) == 1);
            _engine.Interrupt();
            var result = await running;
            Assert.Equal(CellStatus.Interrupted, result.Status);
            // One line: the thread was stopped, not left behind.
            Assert.Single(result.Error!.Traceback);
        }
        finally
        {
            _engine.InputProvider = null;
        }
    }

    [Fact]
    public async Task Interrupt_returns_at_once_and_reports_a_cell_blocked_in_a_wait()
    {
        await _engine.RunOkAsync("var survivor = 5;");
        var sink = new RecordingSink();
        var running = _engine.ExecuteAsync("Console.WriteLine(\"blocking\");\nnew System.Threading.ManualResetEventSlim().Wait();", sink);
        await ErrorTests.WaitForAsync(() => sink.Stream("stdout") == "blocking\n");
        _engine.Interrupt();
        Assert.Equal(CellStatus.Interrupted, (await running).Status);
        Assert.Equal("5", (await _engine.RunOkAsync("survivor")).Result.Data["text/plain"]);
    }
}
