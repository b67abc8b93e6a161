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
    public async Task Clear_output_is_passed_on_in_order()
    {
        var sink = await _engine.RunOkAsync("Console.WriteLine(\"old\");\nclear_output(wait: true);\nConsole.WriteLine(\"new\");");
        Assert.Equal([new StreamOutput("stdout", "old\n"), new ClearOutput(true), new StreamOutput("stdout", "new\n")], sink.Outputs);
    }

    [Fact]
    public async Task A_failing_formatter_is_reported_as_the_cells_error()
    {
        var (result, sink) = await _engine.RunAsync(
            "using Microsoft.DotNet.Interactive.Formatting;\n" +
            "class Broken { }\n" +
            "Formatter.Register<Broken>(_ => throw new FormatException(\"cannot show\"), \"text/plain\");\n" +
            "new Broken()");
        Assert.Equal(CellStatus.Error, result.Status);
        Assert.Equal("FormatException", sink.Error.EName);
        Assert.Equal("cannot show", sink.Error.EValue);
    }

    [Fact]
    public async Task Invalid_json_under_a_json_mime_type_fails_the_cell_that_displayed_it_with_the_reason()
    {
        await _engine.RunOkAsync(
            "using Microsoft.DotNet.Interactive.Formatting;\n" +
            "record Custom(string Text);\n" +
            "Formatter.Register<Custom>(c => c.Text, \"application/vnd.custom+json\");");
        var (result, sink) = await _engine.RunAsync("Console.WriteLine(\"before\");\ndisplay(new Custom(\"{not json\"), \"application/vnd.custom+json\");\nConsole.WriteLine(\"never\");");
        Assert.Equal(CellStatus.Error, result.Status);
        Assert.Equal(nameof(InvalidMimeBundleException), sink.Error.EName);
        Assert.StartsWith("The output's application/vnd.custom+json representation is not valid JSON (", sink.Error.EValue);
        Assert.Contains("must carry JSON text", sink.Error.EValue);
        // Nothing of the bad output reached the sink, and the cell stopped where it displayed it.
        Assert.Empty(sink.Outputs.OfType<DisplayOutput>());
        Assert.Equal("before\n", sink.Stream("stdout"));

        // A cell's value (the execute_result path) is checked the same way.
        var (formatted, formattedSink) = await _engine.RunAsync(
            "Formatter.SetPreferredMimeTypesFor(typeof(Custom), \"text/plain\", \"application/vnd.custom+json\");\n" +
            "new Custom(\"not json\")");
        Assert.Equal(CellStatus.Error, formatted.Status);
        Assert.Equal(nameof(InvalidMimeBundleException), formattedSink.Error.EName);
        Assert.Contains("application/vnd.custom+json", formattedSink.Error.EValue);
        Assert.Empty(formattedSink.Outputs.OfType<ExecuteResultOutput>());

        var valid = await _engine.RunOkAsync("display(new Custom(\"[1, 2]\"), \"application/vnd.custom+json\");");
        Assert.Equal("[1, 2]", Assert.IsType<DisplayOutput>(Assert.Single(valid.Outputs)).Data["application/vnd.custom+json"]);
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
}
