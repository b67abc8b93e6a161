using NotebookNN.Kernel.Engine;

namespace NotebookNN.Kernel.Tests.Engine;

public sealed class ErrorTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private readonly NotebookEngine _engine = fixture.Engine;

    [Fact]
    public async Task A_compile_error_names_the_diagnostic_with_line_and_column_inside_the_cell()
    {
        var (result, sink) = await _engine.RunAsync("#r \"nuget: TorchSharp\"\n\nvar a = 1;\nint b = \"text\";");
        Assert.Equal(CellStatus.Error, result.Status);
        var error = sink.Outputs.OfType<ErrorOutput>().Single();
        Assert.Equal("CompilationError", error.EName);
        Assert.Equal("(4,9): error CS0029: Cannot implicitly convert type 'string' to 'int'", error.EValue);
        // The line with a caret under column 9, as a compiler (and IPython's SyntaxError) shows it.
        Assert.Equal(
            ["(4,9): error CS0029: Cannot implicitly convert type 'string' to 'int'",
             "----> 4 int b = \"text\";",
             "                ^"],
            error.Traceback.Select(AnsiText.Strip));
        Assert.Equal("\u001b[0;32m(4,9)\u001b[0m: \u001b[0;31merror CS0029\u001b[0m: Cannot implicitly convert type 'string' to 'int'", error.Traceback[0]);
        Assert.Same(error, result.Error);
    }

    [Fact]
    public async Task A_runtime_exception_shows_type_message_and_only_user_frames()
    {
        // A fresh engine: the traceback names cells by their number in the session.
        using var engine = new NotebookEngine();
        await engine.RunOkAsync("int Divide(int a, int b)\n{\n    return a / b;\n}");
        var (result, sink) = await engine.RunAsync("var zero = 0;\nDivide(1, zero)");
        Assert.Equal(CellStatus.Error, result.Status);
        var error = sink.Error;
        Assert.Equal("DivideByZeroException", error.EName);
        Assert.Equal("Attempted to divide by zero.", error.EValue);
        Assert.Equal(
            ["DivideByZeroException: Attempted to divide by zero.",
             "   at Divide(Int32 a, Int32 b) in cell 1, line 3",
             "   ----> 3     return a / b;",
             "   at top-level code in cell 2, line 2",
             "   ----> 2 Divide(1, zero)"],
            error.Traceback.Select(AnsiText.Strip));
        // Coloured as ipykernel colours a traceback: the exception type red, where green, the failing line's arrow green.
        Assert.Equal("\u001b[0;31mDivideByZeroException\u001b[0m: Attempted to divide by zero.", error.Traceback[0]);
        Assert.Equal("   at Divide(Int32 a, Int32 b) in \u001b[0;32mcell 1, line 3\u001b[0m", error.Traceback[1]);
        Assert.Equal("   \u001b[0;32m----> \u001b[0m\u001b[0;36m3\u001b[0m     return a / b;", error.Traceback[2]);
    }

    [Fact]
    public async Task An_exception_thrown_after_await_keeps_the_user_frame()
    {
        var (_, sink) = await _engine.RunAsync("await Task.Yield();\nthrow new InvalidOperationException(\"late\");");
        var traceback = sink.Error.Traceback.Select(AnsiText.Strip).ToList();
        Assert.Equal(3, traceback.Count);
        Assert.Equal("InvalidOperationException: late", traceback[0]);
        Assert.Matches(@"^   at top-level code in cell \d+, line 2$", traceback[1]);
        Assert.Equal("   ----> 2 throw new InvalidOperationException(\"late\");", traceback[2]);
    }

    [Fact]
    public async Task An_endless_loop_is_stopped_by_the_timeout_and_the_state_before_it_is_kept()
    {
        await _engine.RunOkAsync("var kept = 7;");
        var (result, sink) = await _engine.RunAsync("var added = 8;\nwhile (true) { }", TimeSpan.FromSeconds(1));
        Assert.Equal(CellStatus.TimedOut, result.Status);
        Assert.Equal("TimeoutError", sink.Error.EName);
        Assert.Contains("1 s limit", sink.Error.EValue);

        var after = await _engine.RunOkAsync("kept");
        Assert.Equal("7", after.Result.Data["text/plain"]);
        // The stopped cell's own declarations are gone with it.
        var (missing, missingSink) = await _engine.RunAsync("added");
        Assert.Equal(CellStatus.Error, missing.Status);
        Assert.Contains("error CS0103: The name 'added' does not exist", missingSink.Error.EValue);
    }

    [Fact]
    public async Task Interrupt_stops_a_running_loop_and_the_engine_serves_the_next_cell()
    {
        await _engine.RunOkAsync("var before = \"here\";");
        var sink = new RecordingSink();
        var running = _engine.ExecuteAsync("Console.WriteLine(\"started\");\nwhile (true) { }", sink);
        await WaitForAsync(() => sink.Stream("stdout") == "started\n");
        _engine.Interrupt();
        var result = await running;
        Assert.Equal(CellStatus.Interrupted, result.Status);
        Assert.Equal("Interrupted", result.Error!.EName);

        Assert.Equal("here", (await _engine.RunOkAsync("before")).Result.Data["text/plain"]);
    }

    [Fact]
    public async Task Interrupt_stops_a_cell_waiting_in_an_await()
    {
        var sink = new RecordingSink();
        var running = _engine.ExecuteAsync("Console.WriteLine(\"waiting\");\nawait Task.Delay(TimeSpan.FromMinutes(5));", sink);
        await WaitForAsync(() => sink.Stream("stdout") == "waiting\n");
        _engine.Interrupt();
        Assert.Equal(CellStatus.Interrupted, (await running).Status);
    }

    [Fact]
    public async Task Cancelling_the_token_interrupts_the_cell()
    {
        using var cancel = new CancellationTokenSource();
        var sink = new RecordingSink();
        var running = _engine.ExecuteAsync("Console.WriteLine(\"go\");\nwhile (true) { }", sink, null, cancel.Token);
        await WaitForAsync(() => sink.Stream("stdout") == "go\n");
        await cancel.CancelAsync();
        Assert.Equal(CellStatus.Interrupted, (await running).Status);
    }

    [Fact]
    public async Task Bad_arguments_are_rejected_with_a_clear_message()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => _engine.ExecuteAsync(null!, new RecordingSink()));
        var timeout = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _engine.ExecuteAsync("1", new RecordingSink(), TimeSpan.Zero));
        Assert.Contains("timeout must be positive", timeout.Message);
    }

    internal static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not become true within 30 s.");
            await Task.Delay(20);
        }
    }
}
