using NotebookNN.Extensibility;
using NotebookNN.Interactive.Magics;

namespace NotebookNN.Interactive;

/// <summary>
/// The NotebookNN kernel extension: loaded by the engine when a cell references this assembly, it registers the
/// formatters (tensors, probability tables, model summaries, Plotly charts) and the magic commands
/// (#!nn-device, #!nn-seed, #!nn-threads, #!nn-print, #!nn-summary).
/// </summary>
public sealed class NotebookNNExtension : INotebookExtension
{
    /// <inheritdoc />
    public void Load(INotebookHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        Formatters.Register();
        foreach (var magic in NotebookNNMagics.All) host.RegisterMagic(magic);
    }
}
