using NotebookNN.Kernel.Engine;

namespace NotebookNN.Kernel.Tests.Engine;

public sealed class ExecutionTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private readonly NotebookEngine _engine = fixture.Engine;

    [Fact]
    public async Task Variables_carry_over_and_the_last_expression_is_the_result()
    {
        var first = await _engine.RunOkAsync("var x = 40;");
        Assert.Empty(first.Outputs);

        var second = await _engine.RunOkAsync("x + 2");
        var data = second.Result.Data;
        Assert.Equal("42", data["text/plain"]);
        Assert.Equal(["text/plain"], data.Keys);
    }

    [Fact]
    public async Task A_null_or_void_result_produces_no_output()
    {
        Assert.Empty((await _engine.RunOkAsync("string? s = null;\ns")).Outputs);
        Assert.Empty((await _engine.RunOkAsync("Console.Write(\"\")")).Outputs);
    }

    [Fact]
    public async Task Console_output_becomes_streams_in_order()
    {
        var sink = await _engine.RunOkAsync("Console.Write(\"a\"); Console.WriteLine(\"b\"); Console.Error.WriteLine(\"oops\"); Console.WriteLine(\"c\");");
        Assert.Equal(
            [new StreamOutput("stdout", "ab\n"), new StreamOutput("stderr", "oops\n"), new StreamOutput("stdout", "c\n")],
            sink.MergedStreams());
    }

    [Fact]
    public async Task Top_level_await_works()
    {
        var sink = await _engine.RunOkAsync("await Task.Delay(10);\nvar n = await Task.Run(() => 6 * 7);\nn");
        Assert.Equal("42", sink.Result.Data["text/plain"]);
    }

    [Fact]
    public async Task Display_stays_unambiguous_after_a_reference_changes_the_references()
    {
        // Regression: with the default imports in ScriptOptions, the first #r made `display` bind through two
        // compilations (error CS0121, "the call is ambiguous"), so every notebook that loads a package broke.
        await _engine.RunOkAsync("display(1);");
        var path = typeof(Assert).Assembly.Location.Replace("\\", "/", StringComparison.Ordinal);
        var sink = await _engine.RunOkAsync($"#r \"{path}\"\ndisplay(2);\n3.Display();\nEnumerable.Range(0, 1).Count()");
        Assert.Equal(["2", "3"], sink.Outputs.OfType<DisplayOutput>().Select(d => d.Data["text/plain"]).ToArray());
        Assert.Equal("1", sink.Result.Data["text/plain"]);
    }
}
