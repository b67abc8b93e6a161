using System.Text;

namespace NotebookNN.Kernel.Engine;

/// <summary>
/// The outputs of one running cell on their way to the caller's <see cref="ICellOutputSink"/>. Console text is
/// buffered so that many small writes become few stream outputs, but every other output first flushes the buffer,
/// so the order the user code produced things in is kept. A timer flushes the buffer while the cell runs so that
/// long cells stream their progress. Once closed, late writes (from threads the cell left running) are dropped to
/// the process's own console instead of reaching a sink whose cell is over.
/// </summary>
internal sealed class CellOutputChannel : IDisposable
{
    private const int FlushThreshold = 8 * 1024;

    private readonly ICellOutputSink _sink;
    private readonly object _gate = new();
    private readonly StringBuilder _pending = new();
    private readonly Timer _flushTimer;
    private string? _pendingStream;
    private bool _closed;

    public CellOutputChannel(NotebookEngine engine, ICellOutputSink sink, int cellNumber, TimeSpan flushInterval)
    {
        Engine = engine;
        _sink = sink;
        CellNumber = cellNumber;
        // The timer must not capture the caller's execution context (it would carry a cell's AsyncLocal along).
        using (ExecutionContext.SuppressFlow())
            _flushTimer = new Timer(_ => Flush(), null, flushInterval, flushInterval);
    }

    public NotebookEngine Engine { get; }

    /// <summary>1-based number of the cell in this engine's session (used in tracebacks).</summary>
    public int CellNumber { get; }

    public bool IsOpen { get { lock (_gate) return !_closed; } }

    /// <summary>Appends console text; returns false when the cell is over (the caller then writes elsewhere).</summary>
    public bool WriteStream(string name, string text)
    {
        if (text.Length == 0) return true;
        lock (_gate)
        {
            if (_closed) return false;
            if (_pendingStream is not null && _pendingStream != name)
                FlushLocked();
            _pendingStream = name;
            _pending.Append(text);
            if (_pending.Length >= FlushThreshold)
                FlushLocked();
            return true;
        }
    }

    /// <summary>Writes an output after the console text written before it; false when the cell is over.</summary>
    public bool Write(CellOutput output)
    {
        lock (_gate)
        {
            if (_closed) return false;
            FlushLocked();
            _sink.Write(output);
            return true;
        }
    }

    public void Flush()
    {
        lock (_gate)
        {
            if (!_closed) FlushLocked();
        }
    }

    /// <summary>Flushes and stops accepting outputs.</summary>
    public void Close()
    {
        lock (_gate)
        {
            if (_closed) return;
            FlushLocked();
            _closed = true;
        }
        _flushTimer.Dispose();
    }

    public void Dispose() => Close();

    private void FlushLocked()
    {
        if (_pendingStream is null || _pending.Length == 0) return;
        var output = new StreamOutput(_pendingStream, _pending.ToString());
        _pending.Clear();
        _pendingStream = null;
        _sink.Write(output);
    }
}
