using System.Text.Json.Nodes;
using NetMQ;
using NetMQ.Sockets;
using NotebookNN.Kernel.Engine;

namespace NotebookNN.Kernel.Jupyter;

/// <summary>
/// A Jupyter kernel (messaging protocol 5.3) serving one <see cref="ICellExecutor"/> over ZeroMQ: shell and
/// control (routers, each on its own thread so interrupt and shutdown are answered while a cell runs), iopub
/// (publisher), stdin (router) and heartbeat (echo). Every incoming message is authenticated; anything that
/// fails is logged and dropped, and the kernel keeps serving. What each request does is
/// <see cref="KernelMessageHandler"/>'s job; this class only owns the sockets.
/// </summary>
public sealed class KernelServer : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ThreadExitWait = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long a failed cell's reply waits for requests still on their way. A front end's "run all" sends every
    /// cell at once, but a cell that fails within milliseconds can finish before the next request has arrived; one
    /// that arrives while the reply is held back was certainly sent before the front end saw the failure. 50 ms was
    /// too short on a loaded 2-core machine (a queued cell ran after a failure); a failed reply costs 200 ms now.
    /// </summary>
    private static readonly TimeSpan InFlightGrace = TimeSpan.FromMilliseconds(200);

    private readonly ConnectionInfo _connection;
    private readonly ICellExecutor _executor;
    private readonly TextWriter _log;
    private readonly WireCodec _codec;
    private readonly string _session = Guid.NewGuid().ToString("N");
    private readonly CancellationTokenSource _stopping = new();
    private readonly ManualResetEventSlim _stopped = new();
    private IOPubChannel? _iopub;
    private StdinChannel? _stdin;
    private KernelMessageHandler? _handler;
    private bool _disposed;

    /// <param name="log">Where dropped messages and protocol problems are reported (the kernel's stderr).</param>
    public KernelServer(ConnectionInfo connection, ICellExecutor executor, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(log);
        _connection = connection;
        _executor = executor;
        _log = TextWriter.Synchronized(log);
        _codec = new WireCodec(new MessageSigner(connection.Key));
    }

    /// <summary>Binds the five sockets, serves until a shutdown_request (or <see cref="Stop"/>), then releases them.</summary>
    public void Run()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var token = _stopping.Token;
        _iopub = new IOPubChannel(_connection.Endpoint(_connection.IOPubPort), _codec);
        _stdin = new StdinChannel(_connection.Endpoint(_connection.StdinPort), _codec, _session, _log);
        var handler = _handler = new KernelMessageHandler(_executor, _iopub, _session, _log, () => _stdin?.CancelPending(), Stop);
        _executor.InputProvider = ReadInput;
        var heartbeat = new SocketThread<ResponseSocket>("jupyter-heartbeat", () => new ResponseSocket(), _connection.Endpoint(_connection.HeartbeatPort), ServeHeartbeat, token);
        var control = new SocketThread<RouterSocket>("jupyter-control", () => new RouterSocket(), _connection.Endpoint(_connection.ControlPort), socket => ServeRouter(socket, handler.HandleControl), token);
        var shell = new SocketThread<RouterSocket>("jupyter-shell", () => new RouterSocket(), _connection.Endpoint(_connection.ShellPort), socket => ServeRouter(socket, handler.HandleShell), token);
        _iopub.Publish(JupyterMessage.Create("status", new JsonObject { ["execution_state"] = "starting" }, null, _session));
        _log.WriteLine($"[nnb kernel] listening on {_connection.IP} (shell {_connection.ShellPort}, control {_connection.ControlPort}, iopub {_connection.IOPubPort}, stdin {_connection.StdinPort}, hb {_connection.HeartbeatPort})");

        _stopped.Wait();
        _stdin.CancelPending();
        // One deadline for all three: the channel threads poll every 100 ms, only a shell thread stuck in a cell
        // that ignores the interrupt can take longer, and it is abandoned (it is a background thread).
        var deadline = DateTime.UtcNow + ThreadExitWait;
        foreach (var (name, thread) in new (string, Func<TimeSpan, bool>)[] { ("shell", shell.Join), ("control", control.Join), ("heartbeat", heartbeat.Join) })
            if (!thread(Max(deadline - DateTime.UtcNow, TimeSpan.Zero)))
                _log.WriteLine($"[nnb kernel] the {name} thread did not stop in time; abandoning it");
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>Stops serving as if a shutdown_request arrived; safe from any thread.</summary>
    public void Stop()
    {
        if (_disposed)
            return;
        try
        {
            _stopping.Cancel();
            _executor.Interrupt();
            _stdin?.CancelPending();
            _stopped.Set();
        }
        catch (ObjectDisposedException)
        {
            // A second stop (a signal) raced with disposal: the kernel is already stopped.
        }
    }

    private void ServeHeartbeat(ResponseSocket socket)
    {
        var token = _stopping.Token;
        var frames = new List<byte[]>();
        while (!token.IsCancellationRequested)
            if (socket.TryReceiveMultipartBytes(PollInterval, ref frames))
                socket.SendMultipartBytes(frames);
    }

    private void ServeRouter(RouterSocket socket, Action<IRequestChannel, JupyterMessage> handle)
    {
        var token = _stopping.Token;
        var channel = new RouterChannel(socket, _codec, _log);
        var frames = new List<byte[]>();
        while (!token.IsCancellationRequested)
        {
            if (!socket.TryReceiveMultipartBytes(PollInterval, ref frames))
                continue;
            if (_codec.TryDecode(frames, out var message, out var error))
                handle(channel, message!);
            else
                _log.WriteLine($"[nnb kernel] dropped a message ({frames.Count} frames): {error}");
        }
    }

    private string? ReadInput(string prompt, bool password)
    {
        if (_handler?.Running is not { AllowStdin: true } running || _stdin is null)
            return null;
        return _stdin.RequestInput(prompt, password, running.Request);
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        Stop();
        _stdin?.Dispose();
        _iopub?.Dispose();
        _stopping.Dispose();
        _stopped.Dispose();
    }

    /// <summary>A router socket as a request channel; used only on the socket's own thread.</summary>
    private sealed class RouterChannel(RouterSocket socket, WireCodec codec, TextWriter log) : IRequestChannel
    {
        public void Send(JupyterMessage reply) => socket.SendMultipartBytes(codec.Encode(reply));

        /// <summary>The requests waiting on the socket now or arriving within <see cref="InFlightGrace"/>, decoded;
        /// malformed ones are logged and dropped.</summary>
        public IReadOnlyList<JupyterMessage> TakeQueued()
        {
            var queued = new List<JupyterMessage>();
            var frames = new List<byte[]>();
            var deadline = DateTime.UtcNow + InFlightGrace;
            TimeSpan Remaining() => deadline - DateTime.UtcNow is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;
            while (socket.TryReceiveMultipartBytes(Remaining(), ref frames))
            {
                if (codec.TryDecode(frames, out var message, out var error))
                    queued.Add(message!);
                else
                    log.WriteLine($"[nnb kernel] dropped a message ({frames.Count} frames): {error}");
            }
            return queued;
        }
    }
}
