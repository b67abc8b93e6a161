using System.Text.Json.Nodes;
using NetMQ;
using NetMQ.Sockets;

namespace NotebookNN.Kernel.Jupyter;

/// <summary>
/// The stdin channel: when user code reads a line, the kernel asks the front end that sent the running
/// execute_request (input_request, routed with that request's identities) and waits for its input_reply.
/// Only the thread running user code asks, one question at a time; a lock hands the socket over safely.
/// </summary>
public sealed class StdinChannel : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly RouterSocket _socket;
    private readonly WireCodec _codec;
    private readonly string _session;
    private readonly TextWriter _log;
    private readonly Lock _lock = new();
    private volatile bool _cancelled;
    private bool _disposed;

    public StdinChannel(string endpoint, WireCodec codec, string session, TextWriter log)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentNullException.ThrowIfNull(log);
        _codec = codec;
        _session = session;
        _log = log;
        _socket = new RouterSocket();
        _socket.Options.Linger = TimeSpan.FromMilliseconds(200);
        try
        {
            _socket.Bind(endpoint);
        }
        catch (Exception e)
        {
            _socket.Dispose();
            throw new InvalidOperationException($"Could not bind the stdin socket on {endpoint}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Sends an input_request answering <paramref name="parent"/> and returns the front end's value, or null when
    /// the wait was cancelled (interrupt, shutdown) by <see cref="CancelPending"/>.
    /// </summary>
    public string? RequestInput(string prompt, bool password, JupyterMessage parent)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(parent);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _cancelled = false;
            // A reply to an earlier, abandoned question must not answer this one.
            var stale = new List<byte[]>();
            while (_socket.TryReceiveMultipartBytes(TimeSpan.Zero, ref stale))
                _log.WriteLine("[nnb kernel] stdin: discarded a message that arrived while no input was requested");
            var request = JupyterMessage.Create("input_request", new JsonObject { ["prompt"] = prompt, ["password"] = password }, parent, _session);
            _socket.SendMultipartBytes(_codec.Encode(request));
            var frames = new List<byte[]>();
            while (!_cancelled)
            {
                if (!_socket.TryReceiveMultipartBytes(PollInterval, ref frames))
                    continue;
                if (!_codec.TryDecode(frames, out var reply, out var error))
                {
                    _log.WriteLine($"[nnb kernel] stdin: dropped a message: {error}");
                    continue;
                }
                if (reply!.MessageType != "input_reply")
                {
                    _log.WriteLine($"[nnb kernel] stdin: ignored unexpected {reply.MessageType}");
                    continue;
                }
                return reply.Content["value"] is JsonValue value && value.TryGetValue(out string? text) ? text : "";
            }
            return null;
        }
    }

    /// <summary>Makes a pending <see cref="RequestInput"/> return null soon; safe from any thread.</summary>
    public void CancelPending() => _cancelled = true;

    public void Dispose()
    {
        _cancelled = true;
        lock (_lock)
        {
            if (_disposed)
                return;
            _disposed = true;
            _socket.Dispose();
        }
    }
}
