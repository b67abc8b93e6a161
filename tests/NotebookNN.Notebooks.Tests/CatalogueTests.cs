using System.Text.RegularExpressions;
using NotebookNN.Kernel.Notebooks;

namespace NotebookNN.Notebooks.Tests;

/// <summary>The curriculum's structure: every notebook is catalogued, links between notebooks resolve, and each
/// one proves at least three claims and has a parameters cell.</summary>
public partial class CatalogueTests
{
    static string NotebooksDir => Path.Combine(NotebookCases.RepoRoot, "notebooks");

    public static TheoryData<string> Curriculum()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(NotebooksDir, "Q*.ipynb").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(path));
        return data;
    }

    [GeneratedRegex(@"\]\(([^)#\s]+\.ipynb)(#[^)]*)?\)")]
    private static partial Regex NotebookLink();

    [Theory]
    [MemberData(nameof(Curriculum))]
    public void Links_to_other_notebooks_resolve(string name)
    {
        var notebook = NotebookFile.Load(Path.Combine(NotebooksDir, name));
        var broken = notebook.Cells.Where(c => c.Kind == CellKind.Markdown)
            .SelectMany(c => NotebookLink().Matches(c.Source).Select(m => m.Groups[1].Value))
            .Where(link => !File.Exists(Path.Combine(NotebooksDir, link)))
            .ToList();
        Assert.True(broken.Count == 0, $"{name} links to notebooks that do not exist: {string.Join(", ", broken)}");
    }

    [Theory]
    [MemberData(nameof(Curriculum))]
    public void Is_listed_in_the_catalogue_with_a_parameters_cell_and_at_least_three_checked_claims(string name)
    {
        string catalogue = File.ReadAllText(Path.Combine(NotebooksDir, "README.md"));
        Assert.Contains($"({name})", catalogue);

        var notebook = NotebookFile.Load(Path.Combine(NotebooksDir, name));
        Assert.Contains(notebook.Cells, c => c.Kind == CellKind.Code && c.Tags.Contains("parameters"));
        int claims = notebook.Cells.Where(c => c.Kind == CellKind.Code)
            .Sum(c => Regex.Matches(c.Source, @"\bClaims\.(Check|Close|AtLeast|Below)\(").Count);
        Assert.True(claims >= 3, $"{name} checks {claims} claim(s) in code; every notebook proves at least three.");
    }
}
