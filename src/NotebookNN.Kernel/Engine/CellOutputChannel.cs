using System.Runtime.ExceptionServices;
using System.Text;

namespace NotebookNN.Kernel.Engine;

/// <summary>
/// The outputs of one running cell on their way to the caller's <see cref="ICellOutputSink"/>. User code only
/// appends to an in-memory queue; a separate drain task hands the queue to the sink. So a cell stopped by
/// <c>ControlledExecution</c> can never be aborted inside the front end's sink code (a half-sent Jupyter message),
/// and a slow sink does not slow the cell down. Console text is coalesced (many small writes become one stream
/// output) but every other output closes the current text first, so the order the user code produced things in is
/// kept. The drain runs at least every flush interval so long cells stream their progress. Once closed, late writes
/// (from threads the cell left running) are refused and go to the process's own console instead.
/// </summary>
internal sealed class CellOutputChannel
{
    private const int WakeAtChars = 8 * 1024;
    private const int BlockWriterAtChars = 16 * 1024 * 1024;

    private readonly ICellOutputSink _sink;
    private readonly TimeSpan _flushInterval;
    private readonly object _gate = new();
    private readonly List<CellOutput> _pending = [];
    private readonly StringBuilder _tail = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Task _drain;
    private string? _tailStream;
    private int _pendingChars;
    private bool _inFlight;
    private bool _closed;
    private bool _drainEnded;
    private ExceptionDispatchInfo? _sinkFailure;

    public CellOutputChannel(NotebookEngine engine, ICellOutputSink sink, int cellNumber, TimeSpan flushInterval)
    {
        Engine = engine;
        _sink = sink;
        CellNumber = cellNumber;
        _flushInterval = flushInterval;
        // The drain must not carry the caller's execution context (and with it a cell's AsyncLocal).
        using (ExecutionContext.SuppressFlow())
            _drain = Task.Run(DrainAsync);
    }

    public NotebookEngine Engine { get; }

    /// <summary>1-based number of the cell in this engine's session (used in tracebacks).</summary>
    public int CellNumber { get; }

    /// <summary>Appends console text; false when the cell is over (the caller then writes elsewhere).</summary>
    public bool WriteStream(string name, string text)
    {
        if (text.Length == 0) return true;
        bool wake;
        lock (_gate)
        {
            if (_closed) return false;
            if (_tailStream != name) CloseTailLocked();
            _tailStream = name;
            _tail.Append(text);
            _pendingChars += text.Length;
            wake = _pendingChars >= WakeAtChars;
            // A cell printing faster than the front end takes it waits rather than filling memory.
            while (_pendingChars >= BlockWriterAtChars && !_drainEnded)
            {
                _wake.Release();
                Monitor.Wait(_gate, 100);
            }
        }
        if (wake) Wake();
        return true;
    }

    /// <summary>Queues an output after the console text written before it; false when the cell is over.</summary>
    /// <exception cref="InvalidMimeBundleException">The output's data has invalid JSON under a JSON MIME type: thrown
    /// to the code that displayed it, the one place outputs are checked.</exception>
    public bool Write(CellOutput output)
    {
        switch (output)
        {
            case DisplayOutput display: display.Data.Validate(); break;
            case DisplayUpdateOutput update: update.Data.Validate(); break;
            case ExecuteResultOutput result: result.Data.Validate(); break;
        }
        lock (_gate)
        {
            if (_closed) return false;
            CloseTailLocked();
            _pending.Add(output);
        }
        Wake();
        return true;
    }

    /// <summary>Waits until everything written so far has reached the sink (e.g. a prompt before reading input).</summary>
    public void Flush()
    {
        Wake();
        lock (_gate)
        {
            while ((_pending.Count > 0 || _tail.Length > 0 || _inFlight) && !_drainEnded)
                Monitor.Wait(_gate, 50);
        }
    }

    /// <summary>Stops accepting outputs and returns once all queued ones reached the sink.</summary>
    /// <exception cref="Exception">Whatever the sink threw, rethrown here.</exception>
    public async Task CloseAsync()
    {
        lock (_gate) _closed = true;
        Wake();
        await _drain.ConfigureAwait(false);
        _sinkFailure?.Throw();
    }

    private void Wake()
    {
        if (_wake.CurrentCount == 0) _wake.Release();
    }

    private void CloseTailLocked()
    {
        if (_tailStream is null) return;
        if (_tail.Length > 0) _pending.Add(new StreamOutput(_tailStream, _tail.ToString()));
        _tail.Clear();
        _tailStream = null;
    }

    private async Task DrainAsync()
    {
        try
        {
            while (true)
            {
                await _wake.WaitAsync(_flushInterval).ConfigureAwait(false);
                List<CellOutput> batch;
                bool last;
                lock (_gate)
                {
                    CloseTailLocked();
                    batch = [.. _pending];
                    _pending.Clear();
                    _pendingChars = 0;
                    _inFlight = batch.Count > 0;
                    last = _closed;
                }
                try
                {
                    foreach (var output in batch)
                        _sink.Write(output);
                }
                catch (Exception e)
                {
                    // Keep the first failure for CloseAsync; later outputs of this cell are not offered to a failing sink.
                    _sinkFailure ??= ExceptionDispatchInfo.Capture(e);
                    lock (_gate) _closed = true;
                }
                lock (_gate)
                {
                    _inFlight = false;
                    Monitor.PulseAll(_gate);
                }
                if (last || _sinkFailure is not null) return;
            }
        }
        finally
        {
            lock (_gate)
            {
                _drainEnded = true;
                Monitor.PulseAll(_gate);
            }
        }
    }
}
