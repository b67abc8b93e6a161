using NotebookNN.Kernel.Engine;

namespace NotebookNN.Kernel.Tests.Engine;

public sealed class LanguageTests(LanguageEngineFixture fixture) : IClassFixture<LanguageEngineFixture>
{
    private readonly NotebookEngine _engine = fixture.Engine;

    [Fact]
    public async Task Completion_sees_variables_of_earlier_cells_and_filters_to_the_typed_prefix()
    {
        await _engine.RunOkAsync("var myNumber = 5;\nvar myName = \"x\";\nvar other = 1;");
        var code = "var y = myN";
        var result = await _engine.CompleteAsync(code, code.Length);
        Assert.Equal(["myName", "myNumber"], result.Matches);
        Assert.Equal(8, result.CursorStart);
        Assert.Equal(code.Length, result.CursorEnd);
    }

    [Fact]
    public async Task Completion_of_members_replaces_the_partial_member_name()
    {
        var code = "Console.WriteL";
        var result = await _engine.CompleteAsync(code, code.Length);
        Assert.Equal(["WriteLine"], result.Matches);
        Assert.Equal(8, result.CursorStart);
        Assert.Equal(14, result.CursorEnd);
    }

    [Fact]
    public async Task Inspect_gives_the_signature_of_the_symbol_at_the_cursor()
    {
        await _engine.RunOkAsync("int Twice(int value) => value * 2;");
        var code = "Twice(21)";
        var info = await _engine.InspectAsync(code, 3);
        Assert.NotNull(info);
        Assert.Contains("int Twice(int value)", info);
        Assert.Null(await _engine.InspectAsync("   ", 1));
    }

    [Fact]
    public async Task Inspect_includes_the_framework_documentation()
    {
        var info = await _engine.InspectAsync("Math.Sqrt(2.0)", 7);
        Assert.NotNull(info);
        Assert.Contains("double Math.Sqrt(double d)", info);
        Assert.Contains("Returns the square root of a specified number.", info);
    }

    [Theory]
    [InlineData("var x = 1;", Completeness.Complete, "")]
    [InlineData("x + 1", Completeness.Complete, "")]
    [InlineData("#r \"nuget: Foo\"", Completeness.Complete, "")]
    [InlineData("#!time\nvar x = 1;", Completeness.Complete, "")]
    [InlineData("for (var i = 0; i < 3; i++)\n{", Completeness.Incomplete, "    ")]
    [InlineData("void F()\n{\n    if (true)\n    {", Completeness.Incomplete, "        ")]
    [InlineData("Console.WriteLine(1,", Completeness.Incomplete, "    ")]
    [InlineData("#!markdown\nA { brace } and ) prose", Completeness.Complete, "")]
    [InlineData("var x = 1; }", Completeness.Invalid, "")]
    [InlineData("var s = \"abc\nvar t = 2;", Completeness.Invalid, "")]
    [InlineData("class C { }", Completeness.Complete, "")]
    [InlineData("undefinedName + 1", Completeness.Complete, "")]
    [InlineData("int y = \"not a number\";", Completeness.Complete, "")]
    [InlineData("class C {", Completeness.Incomplete, "    ")]
    [InlineData("var x = 1 +", Completeness.Incomplete, "    ")]
    [InlineData("var x = 1 +\n", Completeness.Incomplete, "    ")]
    [InlineData("if (x)", Completeness.Incomplete, "    ")]
    [InlineData("var list = new[] { 1, 2,", Completeness.Incomplete, "    ")]
    [InlineData("var s = \"abc", Completeness.Incomplete, "    ")]
    [InlineData("var s = @\"first line\nsecond line", Completeness.Incomplete, "    ")]
    [InlineData("var s = \"\"\"\n    raw text", Completeness.Incomplete, "    ")]
    [InlineData("var x = ;", Completeness.Invalid, "")]
    [InlineData("int 5x = 1;", Completeness.Invalid, "")]
    [InlineData("x = (1 + 2));", Completeness.Invalid, "")]
    [InlineData("}", Completeness.Invalid, "")]
    [InlineData("class C { }}", Completeness.Invalid, "")]
    public async Task Is_complete_tells_complete_incomplete_and_invalid_apart(string code, Completeness expected, string indent)
    {
        var result = await _engine.IsCompleteAsync(code);
        Assert.Equal(expected, result.Status);
        Assert.Equal(indent, result.Indent);
    }

    [Fact]
    public async Task A_cursor_outside_the_code_is_rejected()
    {
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _engine.CompleteAsync("abc", 4));
        Assert.Contains("between 0 and the code's length (3)", error.Message);
    }
}

/// <summary>An engine that prepares its language services in the background, as the Jupyter kernel's does.</summary>
public sealed class LanguageEngineFixture : IDisposable
{
    public NotebookEngine Engine { get; } = new(new EngineOptions { WarmUpLanguageServices = true });

    public void Dispose() => Engine.Dispose();
}
