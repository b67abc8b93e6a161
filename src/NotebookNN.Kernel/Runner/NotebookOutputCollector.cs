using System.Text.Json.Nodes;
using NotebookNN.Kernel.Engine;
using NotebookNN.Kernel.Notebooks;

namespace NotebookNN.Kernel.Runner;

/// <summary>
/// Turns the engine's outputs into saved notebook outputs, as Jupyter front ends do: consecutive writes to the same
/// stream become one output, an update replaces every earlier output with that display id anywhere in the notebook,
/// and clear_output (with wait: at the next output) empties the running cell.
/// </summary>
public sealed class NotebookOutputCollector : ICellOutputSink
{
    private readonly object _gate = new();
    private readonly Notebook _notebook;
    private NotebookCell? _cell;
    private int? _executionCount;
    private bool _clearPending;

    public NotebookOutputCollector(Notebook notebook)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        _notebook = notebook;
    }

    /// <summary>Directs the following outputs to <paramref name="cell"/>, whose execute_result carries <paramref name="executionCount"/>.</summary>
    public void BeginCell(NotebookCell cell, int executionCount)
    {
        ArgumentNullException.ThrowIfNull(cell);
        lock (_gate)
        {
            _cell = cell;
            _executionCount = executionCount;
            _clearPending = false;
        }
    }

    /// <summary>Stops accepting outputs for the current cell (late writes from a stopped cell are dropped).</summary>
    public void EndCell()
    {
        lock (_gate) _cell = null;
    }

    public void Write(CellOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        lock (_gate)
        {
            if (_cell is null) return;
            if (output is ClearOutput clear)
            {
                if (clear.Wait) _clearPending = true;
                else _cell.Outputs.Clear();
                return;
            }
            if (output is DisplayUpdateOutput update)
            {
                // An update is not a new output in the running cell, so it does not trigger a pending clear.
                ApplyUpdate(update);
                return;
            }
            if (_clearPending)
            {
                _cell.Outputs.Clear();
                _clearPending = false;
            }
            Append(output);
        }
    }

    private void Append(CellOutput output)
    {
        var outputs = _cell!.Outputs;
        switch (output)
        {
            case StreamOutput stream:
                if (outputs.Count > 0 && outputs[^1] is StreamNotebookOutput last && last.Name == stream.Name)
                    outputs[^1] = last with { Text = last.Text + stream.Text };
                else
                    outputs.Add(new StreamNotebookOutput(stream.Name, stream.Text));
                break;
            case DisplayOutput display:
                outputs.Add(new DisplayDataNotebookOutput(Copy(display.Data), new JsonObject(), display.DisplayId));
                break;
            case ExecuteResultOutput result:
                outputs.Add(new ExecuteResultNotebookOutput(Copy(result.Data), new JsonObject(), _executionCount));
                break;
            case ErrorOutput error:
                outputs.Add(new ErrorNotebookOutput(error.EName, error.EValue, error.Traceback.ToArray()));
                break;
            default:
                throw new ArgumentException($"The runner cannot save an output of type {output.GetType().Name}.", nameof(output));
        }
    }

    private void ApplyUpdate(DisplayUpdateOutput update)
    {
        foreach (var cell in _notebook.Cells)
        {
            for (var i = 0; i < cell.Outputs.Count; i++)
            {
                if (cell.Outputs[i] is DisplayDataNotebookOutput shown && shown.DisplayId == update.DisplayId)
                    cell.Outputs[i] = shown with { Data = Copy(update.Data) };
            }
        }
    }

    private static MimeBundle Copy(MimeBundle data)
    {
        var copy = new MimeBundle();
        foreach (var (mime, value) in data) copy[mime] = value;
        return copy;
    }
}
