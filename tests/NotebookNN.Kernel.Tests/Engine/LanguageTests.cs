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

    [Fact]
    public async Task Completion_after_a_member_access_offers_members_only_without_snippets_or_the_indexer()
    {
        await _engine.RunOkAsync("var noiseList = new List<int> { 1, 2 };");
        var all = await _engine.CompleteAsync("noiseList.", 10);
        Assert.Contains("Count", all.Matches);
        Assert.Contains("Add", all.Matches);
        // Roslyn's postfix snippets and the indexer (listed as "this"): inserted as text they only break the code.
        foreach (var noise in new[] { "for", "foreach", "forr", "this" })
            Assert.DoesNotContain(noise, all.Matches);
        var filtered = await _engine.CompleteAsync("noiseList.F", 11);
        Assert.Equal(["Find", "FindAll", "FindIndex", "FindLast", "FindLastIndex", "First", "FirstOrDefault", "ForEach", "FormatTo"], filtered.Matches);
    }

    [Fact]
    public async Task Completion_gives_each_match_its_kind_in_IPython_s_words()
    {
        await _engine.RunOkAsync("var kindList = new List<int>();\nint kindValue = 3;");
        var members = await _engine.CompleteAsync("kindList.", 9);
        var kinds = members.Matches.Zip(members.Kinds!).ToDictionary(pair => pair.First, pair => pair.Second);
        Assert.Equal(members.Matches.Count, members.Kinds!.Count);
        Assert.Equal("property", kinds["Count"]);
        Assert.Equal("function", kinds["Add"]);
        Assert.Equal("function", kinds["Select"]);

        var names = await _engine.CompleteAsync("var k = kind", 12);
        var nameKinds = names.Matches.Zip(names.Kinds!).ToDictionary(pair => pair.First, pair => pair.Second);
        Assert.Equal("instance", nameKinds["kindValue"]);
        var types = await _engine.CompleteAsync("System.Collections.Generic.Lis", 30);
        Assert.Equal("class", types.Kinds![types.Matches.ToList().IndexOf("List")]);
        var namespaces = await _engine.CompleteAsync("System.Coll", 11);
        Assert.Equal("module", namespaces.Kinds![namespaces.Matches.ToList().IndexOf("Collections")]);
    }

    [Fact]
    public async Task Inspect_inside_a_call_describes_the_method_called_not_the_argument()
    {
        var code = "Console.WriteLine(\"x\")";
        var inCall = await _engine.InspectAsync(code, 18);
        Assert.NotNull(inCall);
        Assert.StartsWith("void Console.WriteLine(string? value)", inCall);
        // Anywhere between the parentheses, and in an unfinished call too.
        Assert.StartsWith("void Console.WriteLine(string? value)", await _engine.InspectAsync(code, 21));
        var unfinished = await _engine.InspectAsync("Math.Sqrt(", 10);
        Assert.NotNull(unfinished);
        Assert.Contains("double Math.Sqrt(double d)", unfinished);
        // A constructor call describes the constructor.
        var creation = await _engine.InspectAsync("new List<int>(4)", 14);
        Assert.NotNull(creation);
        Assert.StartsWith("List<int>.List(int capacity)", creation);
    }

    [Fact]
    public async Task Inspect_detail_level_1_adds_the_documented_parameters_returns_exceptions_and_overloads()
    {
        var brief = await _engine.InspectAsync("Math.Sqrt(2.0)", 7, detailLevel: 0);
        var full = await _engine.InspectAsync("Math.Sqrt(2.0)", 7, detailLevel: 1);
        Assert.NotNull(brief);
        Assert.NotNull(full);
        Assert.StartsWith(brief, full);
        Assert.DoesNotContain("Parameters:", brief);
        Assert.Contains("Parameters:\n  d: The number whose square root is to be found.", full);
        Assert.Contains("Returns:\n  ", full);

        var overloaded = await _engine.InspectAsync("Math.Max(1, 2)", 6, detailLevel: 1);
        Assert.NotNull(overloaded);
        Assert.Contains("Other overloads:\n", overloaded);
        Assert.Contains("Math.Max(double, double)", overloaded);

        var throwing = await _engine.InspectAsync("int.Parse(\"1\")", 5, detailLevel: 1);
        Assert.NotNull(throwing);
        Assert.Contains("Exceptions:\n  ArgumentNullException: ", throwing);

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _engine.InspectAsync("Math.Sqrt", 7, detailLevel: 2));
        Assert.Contains("must be 0", error.Message);
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
