using NotebookNN.Kernel.Notebooks;

namespace NotebookNN.Kernel.Tests.Notebooks;

public class DibFormatTests
{
    [Fact]
    public void A_dib_file_becomes_cells_with_kernels_and_its_meta_header()
    {
        var notebook = NotebookFile.Load(TestFiles.Fixture("Formats", "sample.dib"));

        Assert.Equal([CellKind.Markdown, CellKind.Code, CellKind.Code], notebook.Cells.Select(c => c.Kind));
        Assert.Equal("# A .dib notebook\n\nText with a `#!time` mention that is not a cell break.", notebook.Cells[0].Source);
        Assert.Equal("#!time\nvar greeting = \"hello\";\nConsole.WriteLine(greeting);", notebook.Cells[1].Source);
        Assert.Equal("greeting.Length", notebook.Cells[2].Source);
        Assert.Equal("csharp", notebook.DefaultLanguage);
        Assert.Equal("csharp", notebook.LanguageOf(notebook.Cells[1]));
    }

    [Fact]
    public void Writing_a_dib_gives_back_the_file_it_was_read_from()
    {
        var text = File.ReadAllText(TestFiles.Fixture("Formats", "sample.dib"));

        Assert.Equal(text, DibFormat.Write(DibFormat.Read(text)));
    }

    [Fact]
    public void Cells_of_other_kernels_and_text_before_the_first_kernel_line_are_kept()
    {
        var notebook = DibFormat.Read("var a = 1;\n\n#!fsharp\n\nlet b = 2\n\n#!md\n\nnote\n");

        Assert.Equal(["csharp", "fsharp", "markdown"], notebook.Cells.Select(notebook.LanguageOf));
        Assert.Equal(["var a = 1;", "let b = 2", "note"], notebook.Cells.Select(c => c.Source));
    }

    [Fact]
    public void A_dib_saved_as_ipynb_is_valid_nbformat()
    {
        var notebook = NotebookFile.Load(TestFiles.Fixture("Formats", "sample.dib"));
        var path = Path.Combine(TestFiles.NewScratchFolder(), "sample.ipynb");

        NotebookFile.Save(notebook, path);

        Assert.Null(Nbformat.Validate(path));
        var back = NotebookFile.Load(path);
        Assert.Equal(notebook.Cells.Select(c => c.Source), back.Cells.Select(c => c.Source));
        Assert.Equal(["markdown", "csharp", "csharp"], back.Cells.Select(back.LanguageOf));
    }

    [Fact]
    public void A_bad_meta_header_is_rejected_with_what_to_do()
    {
        var error = Assert.Throws<NotebookFormatException>(() => DibFormat.Read("#!meta\n\n{oops\n\n#!csharp\n\n1", "bad.dib"));
        Assert.Contains("#!meta header is not valid JSON", error.Message);
    }
}
