using NotebookNN.Kernel.Notebooks;
using NotebookNN.Kernel.Runner;

namespace NotebookNN.Kernel.Tests.Runner;

public class ParameterTests
{
    [Theory]
    [InlineData("3", "3")]
    [InlineData("-12", "-12")]
    [InlineData("5000000000", "5000000000L")]
    [InlineData("0.25", "0.25")]
    [InlineData("1e-3", "0.001")]
    [InlineData("true", "true")]
    [InlineData("False", "false")]
    [InlineData("cpu", "\"cpu\"")]
    [InlineData("\"42\"", "\"42\"")]
    [InlineData("say \"hi\"\\now", "\"say \\\"hi\\\"\\\\now\"")]
    public void Values_become_literals_of_their_inferred_type(string value, string literal) =>
        Assert.Equal(literal, NotebookParameters.InferredLiteral(value));

    [Theory]
    [InlineData("int", "7", "int n = 7;")]
    [InlineData("long", "7", "long n = 7L;")]
    [InlineData("double", "7", "double n = 7.0;")]
    [InlineData("float", "0.5", "float n = 0.5f;")]
    [InlineData("decimal", "1.25", "decimal n = 1.25m;")]
    [InlineData("string", "7", "string n = \"7\";")]
    [InlineData("bool", "true", "bool n = true;")]
    [InlineData("var", "7", "var n = 7;")]
    public void A_declared_type_decides_the_literal(string type, string value, string line) =>
        Assert.Equal(line, NotebookParameters.Declaration(new NotebookParameter("n", value), type));

    [Fact]
    public void A_value_that_does_not_fit_the_declared_type_is_an_error_naming_both()
    {
        var error = Assert.Throws<ArgumentException>(() => NotebookParameters.Declaration(new NotebookParameter("epochs", "many"), "int"));
        Assert.Contains("declares 'int epochs'", error.Message);
        Assert.Contains("'many' is not a int value", error.Message);
    }

    [Fact]
    public void Declared_types_are_read_from_top_level_declarations_only()
    {
        var types = NotebookParameters.DeclaredTypes("int epochs = 3, batch = 8;\nvar device = \"cpu\";\nFunc<int> f = () => { double inner = 1; return 2; };");

        Assert.Equal(new Dictionary<string, string> { ["epochs"] = "int", ["batch"] = "int", ["device"] = "var", ["f"] = "Func<int>" }, types);
    }

    [Fact]
    public void The_injected_cell_goes_after_the_parameters_cell_and_replaces_an_earlier_one()
    {
        var notebook = new Notebook();
        notebook.Cells.Add(new NotebookCell(CellKind.Markdown, "# t"));
        var parameters = new NotebookCell(CellKind.Code, "int epochs = 1;");
        parameters.AddTag(NotebookParameters.ParametersTag);
        notebook.Cells.Add(parameters);
        notebook.Cells.Add(new NotebookCell(CellKind.Code, "epochs"));
        NotebookIds.Fill(notebook);

        NotebookParameters.Inject(notebook, [new NotebookParameter("epochs", "2")]);
        var injected = NotebookParameters.Inject(notebook, [new NotebookParameter("epochs", "3"), new NotebookParameter("seed", "9")])!;

        Assert.Equal(4, notebook.Cells.Count);
        Assert.Same(injected, notebook.Cells[2]);
        Assert.Equal("// Parameters\nint epochs = 3;\nvar seed = 9;", injected.Source);
        Assert.True(NotebookIds.IsValid(injected.Id));
    }

    [Fact]
    public void Without_a_parameters_cell_the_parameters_go_first()
    {
        var notebook = new Notebook();
        notebook.Cells.Add(new NotebookCell(CellKind.Code, "x"));

        NotebookParameters.Inject(notebook, [new NotebookParameter("x", "1")]);

        Assert.Equal("// Parameters\nvar x = 1;", notebook.Cells[0].Source);
    }
}
