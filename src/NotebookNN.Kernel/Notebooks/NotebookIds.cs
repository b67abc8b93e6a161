using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace NotebookNN.Kernel.Notebooks;

/// <summary>nbformat 4.5 cell ids: keeps valid ones and gives the others a unique id.</summary>
public static partial class NotebookIds
{
    [GeneratedRegex("^[a-zA-Z0-9-_]{1,64}$")]
    private static partial Regex IdPattern();

    /// <summary>Whether <paramref name="id"/> is a valid nbformat 4.5 cell id.</summary>
    public static bool IsValid(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>
    /// Gives every cell without a valid, unique id a new one. New ids derive from the cell's position and source, so
    /// converting the same notebook twice writes the same bytes.
    /// </summary>
    public static void Fill(Notebook notebook)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < notebook.Cells.Count; i++)
        {
            var cell = notebook.Cells[i];
            if (IsValid(cell.Id) && taken.Add(cell.Id!)) continue;
            cell.Id = NewId(i, cell.Source, taken);
            taken.Add(cell.Id);
        }
    }

    /// <summary>A fresh id for a cell inserted at <paramref name="index"/>, unique in <paramref name="notebook"/>.</summary>
    public static string NewId(Notebook notebook, int index, string source) =>
        NewId(index, source, notebook.Cells.Select(c => c.Id).OfType<string>().ToHashSet(StringComparer.Ordinal));

    private static string NewId(int index, string source, HashSet<string> taken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{index}\u0000{attempt}\u0000{source}"));
            var id = Convert.ToHexStringLower(hash, 0, 4);
            if (!taken.Contains(id)) return id;
        }
    }
}
