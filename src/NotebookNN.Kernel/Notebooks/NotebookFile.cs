using System.Text;

namespace NotebookNN.Kernel.Notebooks;

/// <summary>Loads and saves notebooks by file extension (.ipynb or .dib).</summary>
public static class NotebookFile
{
    public const string IpynbExtension = ".ipynb";
    public const string DibExtension = ".dib";

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Whether <paramref name="path"/> names a notebook file nnb can read.</summary>
    public static bool IsNotebookPath(string path) =>
        Path.GetExtension(path).Equals(IpynbExtension, StringComparison.OrdinalIgnoreCase) ||
        Path.GetExtension(path).Equals(DibExtension, StringComparison.OrdinalIgnoreCase);

    public static bool IsDib(string path) => Path.GetExtension(path).Equals(DibExtension, StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads a .ipynb or .dib file.</summary>
    public static Notebook Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!IsNotebookPath(path))
            throw new NotebookFormatException($"{path} is not a notebook: nnb reads .ipynb and .dib files.");
        if (!File.Exists(path))
            throw new FileNotFoundException($"Notebook {path} does not exist.", path);
        var text = File.ReadAllText(path, Encoding.UTF8);
        var name = Path.GetFileName(path);
        return IsDib(path) ? DibFormat.Read(text, name) : IpynbFormat.Read(text, name);
    }

    /// <summary>The file text of <paramref name="notebook"/> in the format <paramref name="path"/>'s extension names.</summary>
    public static string Format(Notebook notebook, string path) =>
        IsDib(path) ? DibFormat.Write(notebook) : IpynbFormat.Write(notebook);

    /// <summary>
    /// Writes <paramref name="notebook"/> to <paramref name="path"/> atomically: the text goes to a temporary file in
    /// the same folder, which then replaces the target in one rename, so readers never see half a notebook and a
    /// crash never leaves the target truncated.
    /// </summary>
    public static void Save(Notebook notebook, string path)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var text = Format(notebook, path);
        WriteAtomically(path, text);
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="text"/> through a temporary file and a rename.</summary>
    public static void WriteAtomically(string path, string text)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(temp, text, Utf8NoBom);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
