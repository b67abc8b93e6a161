using NotebookNN.Extensibility;
using NotebookNN.Interactive.Magics;
using NotebookNN.Interactive.Training;
using NotebookNN.Training;

namespace NotebookNN.Interactive;

/// <summary>
/// The NotebookNN kernel extension: loaded by the engine when a cell references this assembly, it registers the
/// formatters (tensors, probability tables, model summaries, Plotly charts) and the magic commands
/// (#!nn-device, #!nn-seed, #!nn-threads, #!nn-print, #!nn-summary), and makes <c>Trainer.Fit</c> show live progress.
/// </summary>
public sealed class NotebookNNExtension : INotebookExtension
{
    /// <inheritdoc />
    public void Load(INotebookHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        Formatters.Register();
        foreach (var magic in NotebookNNMagics.All) host.RegisterMagic(magic);
        // Trainer.Fit shows live progress in the running cell from now on (FitOptions.ShowProgress, FitProgress.Enabled
        // or NNB_PROGRESS=0 turn it off).
        FitProgress.ViewFactory = NotebookFitProgressView.Create;
    }
}
