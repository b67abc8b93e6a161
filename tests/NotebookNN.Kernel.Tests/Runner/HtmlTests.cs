using System.Text.Json.Nodes;
using NotebookNN.Interactive.Plots;
using NotebookNN.Kernel.Engine;
using NotebookNN.Kernel.Html;
using NotebookNN.Kernel.Cli;
using NotebookNN.Kernel.Notebooks;
using NotebookNN.Kernel.Runner;

namespace NotebookNN.Kernel.Tests.Runner;

public class HtmlTests
{
    private static Notebook WithOutputs(params NotebookOutput[] outputs)
    {
        var notebook = new Notebook();
        notebook.Cells.Add(new NotebookCell(CellKind.Markdown, "# Title & <b>here</b>\n\nSome *emphasis*."));
        var cell = new NotebookCell(CellKind.Code, "if (a < b) display(x);") { ExecutionCount = 1 };
        cell.Outputs.AddRange(outputs);
        notebook.Cells.Add(cell);
        return notebook;
    }

    private static DisplayDataNotebookOutput Html(string html) =>
        new(new MimeBundle { ["text/html"] = html, ["text/plain"] = "chart" }, new JsonObject());

    [Fact]
    public void Markdown_code_text_images_and_errors_are_rendered_and_escaped()
    {
        var notebook = WithOutputs(
            new StreamNotebookOutput("stdout", "1 < 2 & done\n"),
            Html("<table><tr><td>raw html</td></tr></table>"),
            new DisplayDataNotebookOutput(new MimeBundle { ["image/png"] = "iVBORw0K\nGgo=", ["text/plain"] = "img" }, new JsonObject()),
            new ExecuteResultNotebookOutput(new MimeBundle { ["text/plain"] = "<not html>" }, new JsonObject(), 1),
            new ErrorNotebookOutput("System.Exception", "bad", ["\u001b[31mSystem.Exception: bad\u001b[0m", "   at Submission#0"]));

        var page = NotebookHtml.RenderPage(notebook, NotebookHtml.TitleOf(notebook, "fallback"), new PageRunInfo("passed", 1, 1, TimeSpan.FromSeconds(1.5)));

        Assert.Contains("<title>Title &amp; &lt;b&gt;here&lt;/b&gt;</title>", page);
        Assert.Contains("<h1 id=\"title-here\">Title &amp; <b>here</b></h1>", page);
        Assert.Contains("<em>emphasis</em>", page);
        Assert.Contains("<code class=\"language-csharp\">if (a &lt; b) display(x);</code>", page);
        Assert.Contains("<pre class=\"output stream stdout\">1 &lt; 2 &amp; done\n</pre>", page);
        Assert.Contains("<table><tr><td>raw html</td></tr></table>", page);
        Assert.Contains("<img src=\"data:image/png;base64,iVBORw0KGgo=\"", page);
        Assert.Contains("<pre>&lt;not html&gt;</pre>", page);
        // The traceback's ANSI red becomes a span in Jupyter's red, its text still escaped.
        Assert.Contains("<pre class=\"output error\"><span style=\"color:#e75c58;\">System.Exception: bad</span>\n   at Submission#0</pre>", page);
        Assert.Contains("passed · 1/1 cells · 1.5 s", page);
        Assert.DoesNotContain("<script", page);
    }

    [Fact]
    public void Plotly_js_is_inlined_once_per_page_however_many_charts_it_has()
    {
        const string chart = "<div id=\"c\"></div><script src=\"https://cdn.plot.ly/plotly-2.28.0.min.js\"></script>" +
                             "<script type=\"text/javascript\">Plotly.newPlot('c', [], {}, {});</script>";
        var page = NotebookHtml.RenderPage(WithOutputs(Html(chart), Html(chart.Replace("'c'", "'d'"))), "charts", null);

        var marker = PlotlyJs.Script[..200];
        Assert.Equal(1, Count(page, marker));
        Assert.Equal(2, Count(page, "Plotly.newPlot('"));
        Assert.DoesNotContain("cdn.plot.ly/plotly-2.28.0.min.js\"", page);
        Assert.True(page.IndexOf(marker, StringComparison.Ordinal) < page.IndexOf("Plotly.newPlot('c'", StringComparison.Ordinal));
    }

    [Fact]
    public void Copies_of_plotly_js_carried_by_chart_outputs_are_replaced_by_the_one_copy_of_the_page()
    {
        // An older output style (the library inline) and today's loaders (packed, or of an output folder's shared
        // file): the page keeps none.
        var inline = "<script type=\"text/javascript\">if (typeof window.Plotly === 'undefined') { (function(define, module, exports) {\n" +
                     PlotlyJs.Script + "\n}).call(window, undefined, undefined, undefined); }</script>";
        string Chart(string id, string library) => $"<div id=\"{id}\"></div>{library}<script type=\"text/javascript\">window.Plotly.newPlot('{id}', [], {{}});</script>";

        var page = NotebookHtml.RenderPage(
            WithOutputs(Html(Chart("a", inline)), Html(Chart("b", inline)), Html(Chart("c", PlotlyHtml.LoaderHtml)),
                Html(Chart("d", PlotlyHtml.FileLoaderHtml))), "charts", null);

        Assert.Equal(1, Count(page, "* plotly.js v"));
        Assert.DoesNotContain(PlotlyHtml.LoaderAttribute, page);
        Assert.DoesNotContain(PlotlyHtml.PlotlyJsFileName, page);
        Assert.Equal(4, Count(page, "window.Plotly.newPlot('"));
        Assert.Contains("<div id=\"b\"></div><script type=\"text/javascript\">window.Plotly.newPlot('b', [], {});</script>", page);
        Assert.True(page.Length < PlotlyJs.Script.Length + 10_000);
    }

    [Fact]
    public void A_site_shares_one_plotly_js_file_that_its_chart_pages_load()
    {
        var chart = PlotlyHtml.ChartHtml("{\"data\":[],\"layout\":{}}", includeLoader: true);
        var entries = new[]
        {
            new SiteEntry("Q01-charts.ipynb", WithOutputs(Html(chart), Html(chart)), new PageRunInfo("passed", 1, 1, TimeSpan.FromSeconds(1))),
            new SiteEntry("Q02-more.ipynb", WithOutputs(Html(chart)), new PageRunInfo("passed", 1, 1, TimeSpan.FromSeconds(1))),
            new SiteEntry("Q03-text.ipynb", WithOutputs(), new PageRunInfo("passed", 1, 1, TimeSpan.FromSeconds(1))),
        };
        var folder = Tests.Notebooks.TestFiles.NewScratchFolder();

        HtmlSite.Write(folder, entries);

        Assert.Equal(PlotlyHtml.PlotlyJs, File.ReadAllText(Path.Combine(folder, PlotlyHtml.PlotlyJsFileName)));
        var reference = $"<script type=\"text/javascript\" src=\"{PlotlyHtml.PlotlyJsFileName}\"></script>";
        foreach (var name in new[] { "Q01-charts.html", "Q02-more.html" })
        {
            var page = File.ReadAllText(Path.Combine(folder, name));
            Assert.Equal(1, Count(page, reference));
            Assert.DoesNotContain("* plotly.js v", page);
            Assert.DoesNotContain(PlotlyHtml.LoaderAttribute, page);
            Assert.True(page.Length < 20_000, $"{name} is {page.Length} characters");
        }
        Assert.DoesNotContain("plotly", File.ReadAllText(Path.Combine(folder, "Q03-text.html")));
    }

    [Fact]
    public void An_executed_notebook_keeps_one_loader_in_its_first_chart_output()
    {
        var withLoader = PlotlyHtml.ChartHtml("{\"data\":[],\"layout\":{}}", includeLoader: true);
        var without = PlotlyHtml.ChartHtml("{\"data\":[],\"layout\":{}}", includeLoader: false);
        var notebook = new Notebook();
        var text = new NotebookCell(CellKind.Code, "1") { ExecutionCount = 1 };
        text.Outputs.Add(Html("<b>not a chart</b>"));
        var first = new NotebookCell(CellKind.Code, "chart") { ExecutionCount = 2 };
        first.Outputs.Add(Html(without));
        var second = new NotebookCell(CellKind.Code, "charts") { ExecutionCount = 3 };
        second.Outputs.Add(Html(withLoader));
        second.Outputs.Add(new ExecuteResultNotebookOutput(new MimeBundle { ["text/html"] = withLoader }, new JsonObject(), 3));
        notebook.Cells.AddRange([text, first, second]);

        var charts = PlotlyJs.KeepOneLoader(notebook);

        Assert.Equal(3, charts);
        Assert.Equal("<b>not a chart</b>", HtmlOf(text.Outputs[0]));
        // Where the kernel's own first chart has it, so `nnb run` and a kernel session save the same output.
        Assert.Equal(System.Text.RegularExpressions.Regex.Replace(PlotlyHtml.ChartHtml("{\"data\":[],\"layout\":{}}", includeLoader: true), "nnb-plot-[0-9a-f]+", "ID"),
            System.Text.RegularExpressions.Regex.Replace(HtmlOf(first.Outputs[0]), "nnb-plot-[0-9a-f]+", "ID"));
        Assert.Equal(1, Count(HtmlOf(first.Outputs[0]), PlotlyHtml.LoaderAttribute));
        Assert.DoesNotContain(PlotlyHtml.LoaderAttribute, HtmlOf(second.Outputs[0]));
        Assert.DoesNotContain(PlotlyHtml.LoaderAttribute, HtmlOf(second.Outputs[1]));
        Assert.Contains("window.Plotly.newPlot('nnb-plot-", HtmlOf(second.Outputs[1]));
        // Running it again changes nothing: still one loader.
        PlotlyJs.KeepOneLoader(notebook);
        Assert.Equal(1, notebook.Cells.SelectMany(c => c.Outputs).Sum(o => Count(HtmlOf(o), PlotlyHtml.LoaderAttribute)));
    }

    [Fact]
    public void The_shared_file_loader_replaces_the_packed_one_and_back_leaving_one_loader()
    {
        var withLoader = PlotlyHtml.ChartHtml("{\"data\":[],\"layout\":{}}", includeLoader: true);
        var notebook = WithOutputs(Html("<b>not a chart</b>"), Html(withLoader), Html(withLoader));
        var outputs = notebook.Cells[1].Outputs;

        Assert.Equal(2, PlotlyJs.KeepOneLoader(notebook, PlotlyLoader.SharedFile));

        Assert.Equal("<b>not a chart</b>", HtmlOf(outputs[0]));
        Assert.Contains(PlotlyHtml.FileLoaderHtml, HtmlOf(outputs[1]));
        Assert.DoesNotContain("atob('", HtmlOf(outputs[1]));
        Assert.DoesNotContain(PlotlyHtml.LoaderAttribute, HtmlOf(outputs[2]));
        Assert.True(HtmlOf(outputs[1]).Length < 5_000, $"the first chart with the file loader is {HtmlOf(outputs[1]).Length} characters");
        // The loader names the file and says what to do when it is missing, and loads it under require.js too.
        Assert.Contains($"new URL(\"{PlotlyHtml.PlotlyJsFileName}\", document.baseURI)", PlotlyHtml.FileLoaderHtml);
        Assert.Contains("window.require.config({paths: paths})", PlotlyHtml.FileLoaderHtml);
        Assert.Contains(System.Text.Json.JsonSerializer.Serialize(PlotlyHtml.FileNotFoundMessage), PlotlyHtml.FileLoaderHtml);

        PlotlyJs.KeepOneLoader(notebook, PlotlyLoader.Packed);
        Assert.Contains(PlotlyHtml.LoaderHtml, HtmlOf(outputs[1]));
        Assert.DoesNotContain(PlotlyHtml.FileLoaderHtml, HtmlOf(outputs[1]));
        Assert.Equal(1, outputs.Sum(o => Count(HtmlOf(o), PlotlyHtml.LoaderAttribute)));
    }

    [Fact]
    public void Writers_of_the_shared_file_at_once_leave_one_whole_copy_and_no_temporary_files()
    {
        var folder = Tests.Notebooks.TestFiles.NewScratchFolder();

        Parallel.For(0, 8, _ => PlotlyJs.WriteSharedFile(folder));

        Assert.Equal([PlotlyHtml.PlotlyJsFileName], Directory.GetFiles(folder).Select(Path.GetFileName));
        Assert.Equal(PlotlyHtml.PlotlyJs, File.ReadAllText(Path.Combine(folder, PlotlyHtml.PlotlyJsFileName)));
    }

    [Fact]
    public void A_shared_file_that_is_not_plotly_js_is_replaced_and_a_right_one_is_left_alone()
    {
        var folder = Tests.Notebooks.TestFiles.NewScratchFolder();
        var path = Path.Combine(folder, PlotlyHtml.PlotlyJsFileName);
        File.WriteAllText(path, PlotlyHtml.PlotlyJs[..1000]);   // cut short, e.g. by a full disk

        Assert.Equal(path, PlotlyJs.WriteSharedFile(folder));
        Assert.Equal(PlotlyHtml.PlotlyJs, File.ReadAllText(path));
        var written = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, written);

        PlotlyJs.WriteSharedFile(folder);
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
    }

    private static string ChartNotebook(string folder, string name, int charts)
    {
        var notebook = new Notebook();
        notebook.Cells.Add(new NotebookCell(CellKind.Code, "#r \"nuget: NotebookNN.Interactive\"\nConsole.WriteLine(\"ready\");"));
        for (var i = 0; i < charts; i++)
            notebook.Cells.Add(new NotebookCell(CellKind.Code, "NotebookNN.Interactive.Plots.Plots.Roc([0, 0.5, 1], [0, 0.9, 1], [1.9, 0.6, 0.1])"));
        var path = Path.Combine(folder, name);
        NotebookFile.Save(notebook, path);
        return path;
    }

    private static int Loaders(Notebook executed) =>
        executed.Cells.SelectMany(c => c.Outputs).Sum(o => Count(HtmlOf(o), PlotlyHtml.LoaderAttribute));

    [Fact]
    public async Task Executed_copies_in_an_output_folder_load_the_one_plotly_js_file_written_beside_them()
    {
        var sources = Tests.Notebooks.TestFiles.NewScratchFolder();
        var output = Path.Combine(Tests.Notebooks.TestFiles.NewScratchFolder(), "executed");
        string[] inputs = [ChartNotebook(sources, "a.ipynb", 2), ChartNotebook(sources, "b.ipynb", 1), ChartNotebook(sources, "c.ipynb", 0)];
        var plan = RunCommand.Validate(new RunArguments(inputs, OutputDirectory: output));
        var library = Path.Combine(output, PlotlyHtml.PlotlyJsFileName);

        var first = await NotebookJobs.RunAsync(plan.Jobs[0], FixtureRuns.NewEngine, plan.Options);
        Assert.Equal(NotebookRunStatus.Passed, first.Status);
        Assert.Equal(PlotlyHtml.PlotlyJs, File.ReadAllText(library));
        var written = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(library, written);
        foreach (var job in plan.Jobs.Skip(1))
            Assert.Equal(NotebookRunStatus.Passed, (await NotebookJobs.RunAsync(job, FixtureRuns.NewEngine, plan.Options)).Status);

        // One shared file, written once for the folder; each copy with charts carries one small file loader.
        Assert.Equal(written, File.GetLastWriteTimeUtc(library));
        Assert.Equal(["a.ipynb", "b.ipynb", "c.ipynb", PlotlyHtml.PlotlyJsFileName],
            Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var (name, charts) in new[] { ("a.ipynb", 2), ("b.ipynb", 1) })
        {
            var path = Path.Combine(output, name);
            var executed = NotebookFile.Load(path);
            var html = executed.Cells.SelectMany(c => c.Outputs).Select(HtmlOf).ToList();
            Assert.Equal(charts, html.Count(h => h.Contains("window.Plotly.newPlot('nnb-plot-", StringComparison.Ordinal)));
            Assert.Equal(1, Loaders(executed));
            Assert.Equal(1, html.Sum(h => Count(h, PlotlyHtml.FileLoaderHtml)));
            Assert.True(new FileInfo(path).Length < 40_000, $"{name} is {new FileInfo(path).Length} bytes");
        }
        Assert.Equal(0, Loaders(NotebookFile.Load(Path.Combine(output, "c.ipynb"))));
    }

    [Fact]
    public async Task A_copy_that_replaces_its_notebook_carries_plotly_js_packed_and_nothing_is_written_beside_it()
    {
        var sources = Tests.Notebooks.TestFiles.NewScratchFolder();
        var input = ChartNotebook(sources, "a.ipynb", 2);
        var plan = RunCommand.Validate(new RunArguments([input], InPlace: true));

        var result = await NotebookJobs.RunAsync(plan.Jobs.Single(), FixtureRuns.NewEngine, plan.Options);

        Assert.Equal(NotebookRunStatus.Passed, result.Status);
        Assert.Equal(["a.ipynb"], Directory.GetFiles(sources).Select(Path.GetFileName));
        var executed = NotebookFile.Load(input);
        Assert.Equal(1, Loaders(executed));
        Assert.Equal(1, executed.Cells.SelectMany(c => c.Outputs).Sum(o => Count(HtmlOf(o), PlotlyHtml.LoaderHtml)));
    }

    [Fact]
    public void The_index_lists_every_notebook_with_status_cells_and_seconds()
    {
        var entries = new[]
        {
            new SiteEntry("Q01-first.ipynb", WithOutputs(), new PageRunInfo("passed", 3, 3, TimeSpan.FromSeconds(2))),
            new SiteEntry("sub/Q02-second.ipynb", WithOutputs(), new PageRunInfo("failed", 1, 4, TimeSpan.FromSeconds(0.5))),
        };
        var folder = Tests.Notebooks.TestFiles.NewScratchFolder();

        var index = File.ReadAllText(HtmlSite.Write(folder, entries));

        Assert.Contains("<tr><td><a href=\"Q01-first.html\">Q01-first.ipynb</a></td><td>Title &amp; &lt;b&gt;here&lt;/b&gt;</td><td class=\"run passed\">passed</td><td>3/3</td><td>2.0</td></tr>", index);
        Assert.Contains("<a href=\"sub-Q02-second.html\">", index);
        Assert.Contains("1 of 2 passed", index);
        Assert.True(File.Exists(Path.Combine(folder, "sub-Q02-second.html")));
    }

    private static string HtmlOf(NotebookOutput output) => output switch
    {
        DisplayDataNotebookOutput d => d.Data.GetValueOrDefault("text/html") ?? "",
        ExecuteResultNotebookOutput r => r.Data.GetValueOrDefault("text/html") ?? "",
        _ => "",
    };

    private static int Count(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
