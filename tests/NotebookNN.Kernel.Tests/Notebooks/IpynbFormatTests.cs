using System.Text.Json.Nodes;
using NotebookNN.Kernel.Engine;
using NotebookNN.Kernel.Notebooks;

namespace NotebookNN.Kernel.Tests.Notebooks;

public class IpynbFormatTests
{
    [Fact]
    public void A_notebook_written_by_Jupyter_is_written_back_byte_for_byte()
    {
        var path = TestFiles.Fixture("Formats", "jupyter-written.ipynb");
        var original = File.ReadAllText(path);

        var written = IpynbFormat.Write(IpynbFormat.Read(original));

        Assert.Equal(original, written);
    }

    [Fact]
    public void Reading_keeps_every_output_kind_with_its_values()
    {
        var notebook = NotebookFile.Load(TestFiles.Fixture("Formats", "jupyter-written.ipynb"));

        Assert.Equal(["intro", "code-1", "code-2", "raw-1", "empty"], notebook.Cells.Select(c => c.Id));
        Assert.Equal([CellKind.Markdown, CellKind.Code, CellKind.Code, CellKind.Raw, CellKind.Code], notebook.Cells.Select(c => c.Kind));
        var code = notebook.Cells[1];
        Assert.Equal("Console.WriteLine(\"out\");\nConsole.Error.WriteLine(\"err\");\n1 + 1", code.Source);
        Assert.Equal(1, code.ExecutionCount);
        Assert.Equal(["demo"], code.Tags);
        Assert.Equal(new StreamNotebookOutput("stdout", "out\n"), code.Outputs[0]);
        Assert.Equal(new StreamNotebookOutput("stderr", "err\n"), code.Outputs[1]);
        var display = Assert.IsType<DisplayDataNotebookOutput>(code.Outputs[2]);
        Assert.Equal("line one\nline two", display.Data["text/plain"]);
        Assert.Equal("<b>bold</b>", display.Data["text/html"]);
        Assert.Equal("""{"a":"x","b":[1,2]}""", display.Data["application/json"]);
        Assert.Equal("[1,2,3]", display.Data["application/vnd.custom+json"]);
        Assert.True(display.Metadata["isolated"]!.GetValue<bool>());
        var result = Assert.IsType<ExecuteResultNotebookOutput>(code.Outputs[3]);
        Assert.Equal(1, result.ExecutionCount);
        Assert.Equal("2", result.Data["text/plain"]);
        var error = Assert.IsType<ErrorNotebookOutput>(notebook.Cells[2].Outputs.Single());
        Assert.Equal(("System.Exception", "boom"), (error.EName, error.EValue));
        Assert.Equal(["System.Exception: boom", "   at Submission#1"], error.Traceback);
        Assert.NotNull(notebook.Cells[0].Attachments?["dot.png"]);
        Assert.Equal("Ünïcödé ✔ text and a picture: ![dot](attachment:dot.png)", notebook.Cells[0].Source.Split('\n')[2]);
    }

    [Fact]
    public void A_Polyglot_notebook_is_read_with_its_languages_and_written_as_valid_nbformat_4_5()
    {
        var notebook = NotebookFile.Load(TestFiles.Fixture("Formats", "polyglot.ipynb"));

        Assert.Equal("# Saved by Polyglot\nTwo lines.", notebook.Cells[0].Source);
        Assert.Equal("var x = 40;\nx + 2", notebook.Cells[1].Source);
        Assert.Equal(["markdown", "csharp", "fsharp", "markdown"], notebook.Cells.Select(notebook.LanguageOf));
        Assert.Equal("csharp", notebook.DeclaredLanguage);
        Assert.All(notebook.Cells, c => Assert.True(NotebookIds.IsValid(c.Id)));
        Assert.Equal(notebook.Cells.Count, notebook.Cells.Select(c => c.Id).Distinct().Count());

        var text = IpynbFormat.Write(notebook);
        var json = JsonNode.Parse(text)!;
        Assert.Equal(5, json["nbformat_minor"]!.GetValue<int>());
        Assert.Equal(".net-csharp", json["metadata"]!["kernelspec"]!["name"]!.GetValue<string>());
        Assert.Equal("fsharp", json["cells"]![2]!["metadata"]!["polyglot_notebook"]!["kernelName"]!.GetValue<string>());

        var folder = TestFiles.NewScratchFolder();
        var path = Path.Combine(folder, "polyglot.ipynb");
        NotebookFile.Save(notebook, path);
        Assert.Null(Nbformat.Validate(path));
    }

    [Fact]
    public void Generated_cell_ids_are_the_same_on_every_read()
    {
        var text = File.ReadAllText(TestFiles.Fixture("Formats", "polyglot.ipynb"));

        var first = IpynbFormat.Write(IpynbFormat.Read(text));
        var second = IpynbFormat.Write(IpynbFormat.Read(text));

        Assert.Equal(first, second);
    }

    [Fact]
    public void Multi_line_strings_are_written_as_line_arrays_and_json_mime_values_as_json()
    {
        var notebook = new Notebook();
        var cell = new NotebookCell(CellKind.Code, "a\nb\n", "c1") { ExecutionCount = 3 };
        var data = new MimeBundle { ["text/plain"] = "x\ny", ["application/json"] = """{"k": [1, 2]}""" };
        cell.Outputs.Add(new ExecuteResultNotebookOutput(data, new JsonObject(), 3));
        notebook.Cells.Add(cell);

        var json = JsonNode.Parse(IpynbFormat.Write(notebook))!;

        var written = json["cells"]![0]!;
        Assert.Equal("""["a\n","b\n"]""", written["source"]!.ToJsonString());
        Assert.Equal("""["x\n","y"]""", written["outputs"]![0]!["data"]!["text/plain"]!.ToJsonString());
        Assert.Equal("""{"k":[1,2]}""", written["outputs"]![0]!["data"]!["application/json"]!.ToJsonString());
        Assert.Equal(3, written["outputs"]![0]!["execution_count"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("not json", "is not valid JSON")]
    [InlineData("[]", "JSON root must be an object")]
    [InlineData("""{"nbformat": 3, "cells": []}""", "only nbformat 4 is supported")]
    [InlineData("""{"nbformat": 4, "metadata": {}}""", "has no 'cells' array")]
    [InlineData("""{"nbformat": 4, "cells": [{"cell_type": "picture"}]}""", "cell 0 has cell_type 'picture'")]
    public void A_broken_file_is_rejected_with_what_is_wrong(string json, string expected)
    {
        var error = Assert.Throws<NotebookFormatException>(() => IpynbFormat.Read(json, "broken.ipynb"));
        Assert.Contains(expected, error.Message);
        Assert.StartsWith("broken.ipynb", error.Message);
    }
}
