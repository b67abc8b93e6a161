using System.Text.Json.Nodes;
using NetMQ;
using NetMQ.Sockets;
using NotebookNN.Kernel.Engine;

namespace NotebookNN.Kernel.Jupyter;

/// <summary>
/// A Jupyter kernel (messaging protocol 5.3) serving one <see cref="ICellExecutor"/> over ZeroMQ: shell and
/// control (routers, each on its own thread so interrupt and shutdown are answered while a cell runs), iopub
/// (publisher), stdin (router) and heartbeat (echo). Every incoming message is authenticated; anything that
/// fails is logged and dropped, and the kernel keeps serving.
/// </summary>
public sealed partial class KernelServer : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ThreadExitWait = TimeSpan.FromMilliseconds(500);

    private readonly ConnectionInfo _connection;
    private readonly ICellExecutor _executor;
    private readonly TextWriter _log;
    private readonly WireCodec _codec;
    private readonly string _session = Guid.NewGuid().ToString("N");
    private readonly ExecutionHistory _history = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ManualResetEventSlim _stopped = new();
    private IOPubChannel? _iopub;
    private StdinChannel? _stdin;
    private int _executionCount;
    // The execute_request whose code is running, read by the input provider on the engine's thread.
    private volatile ExecuteContext? _running;
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
        _executor.InputProvider = ReadInput;
        var heartbeat = new SocketThread<ResponseSocket>("jupyter-heartbeat", () => new ResponseSocket(), _connection.Endpoint(_connection.HeartbeatPort), ServeHeartbeat, token);
        var control = new SocketThread<RouterSocket>("jupyter-control", () => new RouterSocket(), _connection.Endpoint(_connection.ControlPort), socket => ServeRouter(socket, HandleControl), token);
        var shell = new SocketThread<RouterSocket>("jupyter-shell", () => new RouterSocket(), _connection.Endpoint(_connection.ShellPort), socket => ServeRouter(socket, HandleShell), token);
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

    private void ServeRouter(RouterSocket socket, Action<RouterSocket, JupyterMessage> handle)
    {
        var token = _stopping.Token;
        var frames = new List<byte[]>();
        while (!token.IsCancellationRequested)
        {
            if (!socket.TryReceiveMultipartBytes(PollInterval, ref frames))
                continue;
            Dispatch(socket, frames, handle);
        }
    }

    private void Dispatch(RouterSocket socket, List<byte[]> frames, Action<RouterSocket, JupyterMessage> handle)
    {
        if (_codec.TryDecode(frames, out var message, out var error))
            Dispatch(socket, message!, handle);
        else
            _log.WriteLine($"[nnb kernel] dropped a message ({frames.Count} frames): {error}");
    }

    private void Reply(RouterSocket socket, JupyterMessage request, string replyType, JsonObject content) =>
        socket.SendMultipartBytes(_codec.Encode(JupyterMessage.Create(replyType, content, request, _session)));

    private void PublishStatus(string state, JupyterMessage parent) =>
        _iopub!.Publish(JupyterMessage.Create("status", new JsonObject { ["execution_state"] = state }, parent, _session));

    private static string ReplyType(string requestType) =>
        requestType.EndsWith("_request", StringComparison.Ordinal) ? requestType[..^"_request".Length] + "_reply" : requestType + "_reply";

    private static JsonObject ErrorContent(string ename, string evalue, IEnumerable<string> traceback) => new()
    {
        ["status"] = "error",
        ["ename"] = ename,
        ["evalue"] = evalue,
        ["traceback"] = new JsonArray(traceback.Select(line => (JsonNode?)JsonValue.Create(line)).ToArray()),
    };

    private void HandleControl(RouterSocket socket, JupyterMessage message)
    {
        PublishStatus("busy", message);
        switch (message.MessageType)
        {
            case "interrupt_request":
                _stdin!.CancelPending();
                _executor.Interrupt();
                Reply(socket, message, "interrupt_reply", new JsonObject { ["status"] = "ok" });
                break;
            case "shutdown_request":
                Shutdown(socket, message);
                break;
            case "kernel_info_request":
                Reply(socket, message, "kernel_info_reply", KernelInfo.ReplyContent());
                break;
            default:
                _log.WriteLine($"[nnb kernel] control: ignored unsupported message type '{message.MessageType}'");
                break;
        }
        PublishStatus("idle", message);
    }

    private void Shutdown(RouterSocket socket, JupyterMessage message)
    {
        bool restart = message.Content["restart"] is JsonValue value && value.TryGetValue(out bool r) && r;
        Reply(socket, message, "shutdown_reply", new JsonObject { ["status"] = "ok", ["restart"] = restart });
        // The front end restarts a kernel by starting a new process after this one exits, so restart and plain
        // shutdown both end the process; a fresh process is the reset engine state.
        Stop();
    }

    private string? ReadInput(string prompt, bool password)
    {
        var running = _running;
        if (running is null || !running.AllowStdin || _stdin is null)
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

    private sealed record ExecuteContext(JupyterMessage Request, bool AllowStdin);
}
