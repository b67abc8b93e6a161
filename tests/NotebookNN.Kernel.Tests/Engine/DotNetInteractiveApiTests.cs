using NotebookNN.Kernel.Engine;

namespace NotebookNN.Kernel.Tests.Engine;

/// <summary>
/// The .NET Interactive kernel API that Polyglot notebooks call, as nnb's compatibility layer (NotebookNN.Polyglot,
/// a startup extension) provides it: the helpers dotnet-interactive imports, <c>Kernel.Root</c>, the invocation
/// context, code and directives sent to the kernels, input requests, and Plotly.NET charts.
/// </summary>
public sealed class DotNetInteractiveApiTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private readonly NotebookEngine _engine = fixture.Engine;

    [Fact]
    public async Task The_kernel_helpers_work_without_a_using_as_in_dotnet_interactive()
    {
        var html = await _engine.RunOkAsync("HTML(\"<b>bold words</b>\")");
        Assert.Equal("<b>bold words</b>", html.Result.Data["text/html"]);

        var script = await _engine.RunOkAsync("Javascript(\"console.log('from a cell')\");");
        var shown = Assert.IsType<DisplayOutput>(Assert.Single(script.Outputs));
        Assert.Equal("<script type=\"text/javascript\">console.log('from a cell')</script>", shown.Data["text/html"]);
    }

    [Fact]
    public async Task Kernel_root_and_current_are_the_composite_and_its_csharp_kernel()
    {
        var sink = await _engine.RunOkAsync("using Microsoft.DotNet.Interactive;\n$\"{Kernel.Root.GetType().Name} {Kernel.Current.Name} {Kernel.Current.RootKernel == Kernel.Root}\"");
        Assert.Equal("CompositeKernel csharp True", sink.Result.Data["text/plain"]);
    }

    [Fact]
    public async Task The_invocation_context_displays_into_the_running_cell()
    {
        var sink = await _engine.RunOkAsync("using Microsoft.DotNet.Interactive;\nKernelInvocationContext.Current.Display(\"from the context\");\nKernelInvocationContext.Current.DisplayAs(\"<u>as html</u>\", \"text/html\");");
        var displays = sink.Outputs.OfType<DisplayOutput>().ToList();
        Assert.Equal(2, displays.Count);
        Assert.Equal("from the context", displays[0].Data["text/plain"]);
        Assert.Equal("<u>as html</u>", displays[1].Data["text/html"]);
    }

    [Fact]
    public async Task Code_sent_to_the_root_kernel_runs_and_shows_its_outputs_in_the_cell()
    {
        using var engine = new NotebookEngine();
        var sink = await engine.RunOkAsync("using Microsoft.DotNet.Interactive;\nusing Microsoft.DotNet.Interactive.Commands;\n"
            + "var sent = await Kernel.Root.SendAsync(new SubmitCode(\"var submitted = 6 * 7; display(submitted);\", \"csharp\"));\n"
            + "sent.Events.OfType<Microsoft.DotNet.Interactive.Events.CommandFailed>().Count()");
        Assert.Equal("42", Assert.IsType<DisplayOutput>(sink.Outputs[0]).Data["text/plain"]);
        Assert.Equal("0", sink.Result.Data["text/plain"]);
        // As in dotnet-interactive, what the sent code declares ends with the cell that sent it.
        var (later, _) = await engine.RunAsync("submitted");
        Assert.Equal(CellStatus.Error, later.Status);
    }

    [Fact]
    public async Task A_directive_added_from_a_cell_becomes_a_magic_command_with_its_parameters()
    {
        using var engine = new NotebookEngine();
        await engine.RunOkAsync("using Microsoft.DotNet.Interactive;\nusing Microsoft.DotNet.Interactive.Directives;\n"
            + "var flip = new KernelActionDirective(\"#!flip-coin\") { Description = \"Flips a coin\" };\n"
            + "flip.Parameters.Add(new KernelDirectiveParameter(\"--side\") { AllowImplicitName = true });\n"
            + "Kernel.Root.AddDirective(flip, (command, context) => { context.Display(\"the coin shows its face\"); return Task.CompletedTask; });");
        var flipped = await engine.RunOkAsync("#!flip-coin");
        Assert.Equal("the coin shows its face", Assert.IsType<DisplayOutput>(Assert.Single(flipped.Outputs)).Data["text/plain"]);
        var listed = await engine.RunOkAsync("#!lsmagic");
        Assert.Contains("#!flip-coin", string.Concat(listed.Outputs.OfType<DisplayOutput>().Select(d => d.Data["text/plain"])) + listed.Stream("stdout"));
        var help = await engine.RunOkAsync("#!flip-coin --help");
        Assert.Contains("--side", help.Stream("stdout"));
    }

    [Fact]
    public async Task An_input_request_with_no_front_end_to_answer_fails_with_what_to_do()
    {
        using var engine = new NotebookEngine();
        var (result, sink) = await engine.RunAsync("var name = await GetInputAsync(\"Your name?\");");
        Assert.Equal(CellStatus.Error, result.Status);
        Assert.Contains("Input was requested ('Your name?') but nothing can answer it here", sink.Error.EValue);
    }

    [Fact]
    public async Task An_input_request_is_answered_through_the_engines_input_provider()
    {
        using var engine = new NotebookEngine();
        var prompts = new List<(string Prompt, bool Password)>();
        engine.InputProvider = (prompt, password) => { prompts.Add((prompt, password)); return password ? "s3cr3t" : "Ada"; };
        var sink = await engine.RunOkAsync("var name = await GetInputAsync(\"Your name?\");\nvar token = await GetPasswordAsync(\"Token?\");\n$\"{name} {token.GetClearTextPassword().Length}\"");
        Assert.Equal("Ada 6", sink.Result.Data["text/plain"]);
        Assert.Equal([("Your name?", false), ("Token?", true)], prompts);
    }

    [Fact]
    public async Task An_input_in_a_magic_argument_is_asked_for_and_used()
    {
        using var engine = new NotebookEngine();
        engine.InputProvider = (prompt, _) => prompt == "Favourite number?" ? "7" : null;
        await engine.RunOkAsync("#!set --name favourite --value @input:\"Favourite number?\"");
        Assert.Equal("7", (await engine.RunOkAsync("favourite")).Result.Data["text/plain"]);

        engine.InputProvider = (prompt, _) => prompt == "A date?" ? "2026-12-07" : null;
        await engine.RunOkAsync("#!value --from-value @input:\"A date?\" --name typedDate");
        Assert.Equal("2026-12-07", (await engine.RunOkAsync("typedDate")).Result.Data["text/plain"]);

        engine.InputProvider = null;
        var (result, sink) = await engine.RunAsync("#!set --name other --value @input:\"Another?\"");
        Assert.Equal(CellStatus.Error, result.Status);
        Assert.Contains("--value asks for input (@input:Another?), but nothing can answer here", sink.Error.EValue);
    }

    [Fact]
    public async Task A_plotly_chart_made_without_the_extension_draws_offline()
    {
        using var engine = new NotebookEngine();
        var sink = await engine.RunOkAsync("#r \"nuget: Plotly.NET\"\nvar trace = new Plotly.NET.Trace(\"scatter\");\n"
            + "trace.SetProperty(\"x\", new[] { 1.0, 2.0 });\ntrace.SetProperty(\"y\", new[] { 3.0, 4.0 });\nPlotly.NET.GenericChart.ofTraceObject(true, trace)");
        var chart = sink.Result.Data;
        Assert.Contains("Plotly.newPlot", chart["text/html"]);
        Assert.Contains("\"type\":\"scatter\"", chart["application/vnd.plotly.v1+json"]);
        Assert.StartsWith("Plotly chart (1 trace)", chart["text/plain"]);
    }

    [Fact]
    public async Task Display_returns_the_formatting_packages_displayed_value_whose_update_replaces_the_output()
    {
        var sink = await _engine.RunOkAsync("Microsoft.DotNet.Interactive.Formatting.DisplayedValue shownValue = display(1);\nshownValue.Update(2);");
        var shown = Assert.IsType<DisplayOutput>(sink.Outputs[0]);
        var update = Assert.IsType<DisplayUpdateOutput>(sink.Outputs[1]);
        Assert.Equal("1", shown.Data["text/plain"]);
        Assert.Equal("2", update.Data["text/plain"]);
        Assert.Equal(shown.DisplayId, update.DisplayId);
        Assert.Equal(2, sink.Outputs.Count); // the handle is not shown again as the cell's result
    }

    [Fact]
    public async Task The_assemblies_dotnet_interactive_references_by_default_need_no_reference()
    {
        var sink = await _engine.RunOkAsync("using Newtonsoft.Json.Linq;\n$\"{JObject.Parse(\"{\\\"x\\\": 4}\")[\"x\"]} {Markdig.Markdown.ToHtml(\"*a*\").Trim()}\"");
        Assert.Equal("4 <p><em>a</em></p>", sink.Result.Data["text/plain"]);
    }

    [Fact]
    public async Task A_value_cell_takes_its_text_from_a_file_or_a_variable_and_shows_it_as_a_mime_type()
    {
        var folder = Directory.CreateTempSubdirectory("nnb-value-").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "data.json"), "{\"a\": [1, 2]}");
        using var engine = new NotebookEngine(new EngineOptions { WorkingDirectory = folder });
        var shown = await engine.RunOkAsync("#!value --name data --from-file data.json --mime-type application/json");
        Assert.Equal("{\"a\": [1, 2]}", Assert.IsType<DisplayOutput>(Assert.Single(shown.Outputs)).Data["application/json"]);
        await engine.RunOkAsync("#!value --name copied --from-value @csharp:data");
        Assert.Equal("True", (await engine.RunOkAsync("copied == data && data.Length == 13")).Result.Data["text/plain"]);
        // Shared from the value kernel, JSON text becomes a JsonDocument, as in dotnet-interactive.

        await engine.RunOkAsync("#!share --from value data");
        Assert.Equal("2", (await engine.RunOkAsync("data.RootElement.GetProperty(\"a\").GetArrayLength()")).Result.Data["text/plain"]);

        var (result, sink) = await engine.RunAsync("#!value --name both --from-file data.json\nsome text");
        Assert.Equal(CellStatus.Error, result.Status);
        Assert.Contains("give the text one way: --from-file or the cell's lines, not several.", sink.Error.EValue);
        (result, sink) = await engine.RunAsync("#!value --name bad --mime-type application/json\nnot json");
        Assert.Equal(CellStatus.Error, result.Status);
        Assert.Contains("application/json representation is not valid JSON", sink.Error.EValue);
    }

    [Fact]
    public async Task A_packages_dotnet_interactive_extension_that_uses_kernel_root_loads()
    {
        using var engine = new NotebookEngine();
        var loaded = await engine.RunOkAsync("#r \"nuget: Microsoft.Data.Analysis, 0.24.0\"");
        Assert.Contains("Loaded the .NET Interactive extension Microsoft.Data.Analysis.Interactive.DataFrameKernelExtension", loaded.Stream("stdout"));
        // The extension sent `using ...TabularData;` to the csharp kernel: it holds in later cells.
        Assert.Equal("TabularDataResource", (await engine.RunOkAsync("typeof(TabularDataResource).Name")).Result.Data["text/plain"]);
        var table = await engine.RunOkAsync("using Microsoft.Data.Analysis;\nnew DataFrame(new PrimitiveDataFrameColumn<int>(\"n\", new[] { 1, 2, 3 }))");
        Assert.Contains("<th>n</th>", table.Result.Data["text/html"]);
    }
}
