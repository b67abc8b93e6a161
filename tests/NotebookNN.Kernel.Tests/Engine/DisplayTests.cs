using NotebookNN.Kernel.Engine;

namespace NotebookNN.Kernel.Tests.Engine;

public sealed class DisplayTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private readonly NotebookEngine _engine = fixture.Engine;

    [Fact]
    public async Task Display_returns_a_handle_whose_update_replaces_the_output()
    {
        var sink = await _engine.RunOkAsync("var handle = display(1);\nConsole.WriteLine(\"between\");\nhandle.Update(2);");
        var outputs = sink.Outputs;
        Assert.Equal(3, outputs.Count);
        var shown = Assert.IsType<DisplayOutput>(outputs[0]);
        Assert.Equal("1", shown.Data["text/plain"]);
        Assert.NotNull(shown.DisplayId);
        Assert.Equal(new StreamOutput("stdout", "between\n"), outputs[1]);
        var update = Assert.IsType<DisplayUpdateOutput>(outputs[2]);
        Assert.Equal(shown.DisplayId, update.DisplayId);
        Assert.Equal("2", update.Data["text/plain"]);
    }

    [Fact]
    public async Task A_handle_updated_from_a_later_cell_reports_through_that_cell()
    {
        var first = await _engine.RunOkAsync("var progress = display(\"0 %\");");
        var id = Assert.IsType<DisplayOutput>(Assert.Single(first.Outputs)).DisplayId;
        var second = await _engine.RunOkAsync("progress.Update(\"100 %\");");
        var update = Assert.IsType<DisplayUpdateOutput>(Assert.Single(second.Outputs));
        Assert.Equal(id, update.DisplayId);
        Assert.Equal("100 %", update.Data["text/plain"]);
    }

    [Fact]
    public async Task The_Display_extension_method_shows_a_value()
    {
        var sink = await _engine.RunOkAsync("new List<int> { 1, 2 }.Display();");
        var shown = Assert.IsType<DisplayOutput>(Assert.Single(sink.Outputs));
        Assert.Equal("[ 1, 2 ]", shown.Data["text/plain"]);
        Assert.Equal(["text/plain"], shown.Data.Keys);
    }

    [Fact]
    public async Task Html_content_and_registered_html_formatters_add_text_html()
    {
        var sink = await _engine.RunOkAsync(
            "using Microsoft.DotNet.Interactive.Formatting;\n" +
            "record Point(int X, int Y);\n" +
            "Formatter.Register<Point>(p => $\"<b>{p.X},{p.Y}</b>\", \"text/html\");\n" +
            "new Point(1, 2)");
        var data = sink.Result.Data;
        Assert.Equal("<b>1,2</b>", data["text/html"]);
        Assert.Equal("Point\n      X: 1\n      Y: 2", data["text/plain"]);
    }

    [Fact]
    public async Task Display_with_explicit_mime_types_produces_those()
    {
        var sink = await _engine.RunOkAsync("display(\"<i>x</i>\", \"text/html\");");
        var shown = Assert.IsType<DisplayOutput>(Assert.Single(sink.Outputs));
        Assert.Equal(["text/html", "text/plain"], shown.Data.Keys.Order());
        Assert.Equal("<i>x</i>", shown.Data["text/plain"]);
    }

    [Fact]
    public async Task Output_from_a_background_task_of_the_cell_lands_in_that_cell()
    {
        var sink = await _engine.RunOkAsync("await Task.Run(() => Console.WriteLine(\"from the pool\"));\nvar t = new System.Threading.Thread(() => Console.WriteLine(\"from a thread\")); t.Start(); t.Join();");
        Assert.Equal("from the pool\nfrom a thread\n", sink.Stream("stdout"));
    }

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
}
