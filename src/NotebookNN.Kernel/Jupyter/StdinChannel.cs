using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using NetMQ;
using NetMQ.Sockets;

namespace NotebookNN.Kernel.Jupyter;

/// <summary>
/// The stdin channel: when user code reads a line, the kernel asks the front end that sent the running
/// execute_request (input_request, routed with that request's identities) and waits for its input_reply.
/// The socket lives on its own thread; the thread running user code only waits for the answer in managed code,
/// so an interrupt can stop it at once and never aborts a thread in the middle of socket I/O.
/// </summary>
public sealed class StdinChannel : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly WireCodec _codec;
    private readonly string _session;
    private readonly TextWriter _log;
    private readonly BlockingCollection<PendingInput> _requests = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly SocketThread<RouterSocket> _thread;
    private volatile PendingInput? _waiting;

    public StdinChannel(string endpoint, WireCodec codec, string session, TextWriter log)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentNullException.ThrowIfNull(log);
        _codec = codec;
        _session = session;
        _log = log;
        _thread = new SocketThread<RouterSocket>("jupyter-stdin", () => new RouterSocket(), endpoint, Serve, _stopping.Token);
    }

    /// <summary>
    /// Sends an input_request answering <paramref name="parent"/> and returns the front end's value, or null when
    /// the wait was cancelled (interrupt, shutdown) by <see cref="CancelPending"/>.
    /// </summary>
    public string? RequestInput(string prompt, bool password, JupyterMessage parent)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(parent);
        var pending = new PendingInput(JupyterMessage.Create("input_request", new JsonObject { ["prompt"] = prompt, ["password"] = password }, parent, _session));
        _waiting = pending;
        try
        {
            _requests.Add(pending);
        }
        catch (InvalidOperationException)
        {
            return null; // the channel is closing
        }
        // Short waits keep the waiting thread returning to managed code, where an interrupt's abort lands.
        while (!pending.Answered.Wait(PollInterval))
            if (pending.Cancelled)
                return null;
        return pending.Value;
    }

    /// <summary>Makes a pending <see cref="RequestInput"/> return null soon; safe from any thread.</summary>
    public void CancelPending()
    {
        if (_waiting is { } pending)
            pending.Cancelled = true;
    }

    private void Serve(RouterSocket socket)
    {
        var token = _stopping.Token;
        var frames = new List<byte[]>();
        PendingInput? current = null;
        while (!token.IsCancellationRequested)
        {
            if (_requests.TryTake(out var next))
            {
                // A reply to an earlier, abandoned question must not answer this one.
                while (socket.TryReceiveMultipartBytes(TimeSpan.Zero, ref frames))
                    _log.WriteLine("[nnb kernel] stdin: discarded a message that arrived while no input was requested");
                current = next;
                socket.SendMultipartBytes(_codec.Encode(current.Request));
            }
            if (!socket.TryReceiveMultipartBytes(PollInterval, ref frames))
                continue;
            if (!_codec.TryDecode(frames, out var reply, out var error))
            {
                _log.WriteLine($"[nnb kernel] stdin: dropped a message: {error}");
                continue;
            }
            if (reply!.MessageType != "input_reply" || current is null || current.Cancelled)
            {
                _log.WriteLine($"[nnb kernel] stdin: ignored {reply.MessageType} (no input is being waited for)");
                continue;
            }
            current.Value = reply.Content["value"] is JsonValue value && value.TryGetValue(out string? text) ? text : "";
            current.Answered.Set();
            current = null;
        }
    }

    public void Dispose()
    {
        CancelPending();
        _requests.CompleteAdding();
        _stopping.Cancel();
        _thread.Join(TimeSpan.FromSeconds(1));
        _stopping.Dispose();
    }

    private sealed class PendingInput(JupyterMessage request)
    {
        public JupyterMessage Request { get; } = request;
        public ManualResetEventSlim Answered { get; } = new();
        public volatile bool Cancelled;
        public string? Value;
    }
}
