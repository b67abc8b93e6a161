using System.Text.Json.Nodes;
using NotebookNN.Kernel.Engine;

namespace NotebookNN.Kernel.Jupyter;

/// <summary>
/// What the kernel does with each shell and control request, apart from sockets: <see cref="KernelServer"/> decodes
/// frames and hands messages here with the channel they came in on, and tests hand them in directly. Requests are
/// served one at a time per channel, as the protocol expects; a handler that throws becomes an error reply.
/// </summary>
public sealed class KernelMessageHandler
{
    private readonly ICellExecutor _executor;
    private readonly IMessagePublisher _iopub;
    private readonly TextWriter _log;
    private readonly Action _cancelInput;
    private readonly Action _stop;
    private readonly ExecutionHistory _history = new();
    private int _executionCount;
    // The execute_request whose code is running, read by the input provider on the engine's thread.
    private volatile ExecuteContext? _running;

    /// <param name="cancelInput">Ends a pending Console.ReadLine wait (interrupt).</param>
    /// <param name="stop">Stops the kernel (shutdown_request); the process exits after the reply.</param>
    public KernelMessageHandler(ICellExecutor executor, IMessagePublisher iopub, string session, TextWriter log, Action cancelInput, Action stop)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(iopub);
        ArgumentException.ThrowIfNullOrWhiteSpace(session);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(cancelInput);
        ArgumentNullException.ThrowIfNull(stop);
        _executor = executor;
        _iopub = iopub;
        Session = session;
        _log = log;
        _cancelInput = cancelInput;
        _stop = stop;
    }

    /// <summary>The kernel session id stamped on every message this kernel sends.</summary>
    public string Session { get; }

    /// <summary>The execute_request running now and whether it allows stdin; null between cells.</summary>
    public (JupyterMessage Request, bool AllowStdin)? Running => _running is { } running ? (running.Request, running.AllowStdin) : null;

    /// <summary>Serves one shell request; a handler failure is answered as an error reply, never thrown.</summary>
    public void HandleShell(IRequestChannel channel, JupyterMessage message) => Guarded(channel, message, ServeShell);

    /// <summary>Serves one control request; a handler failure is answered as an error reply, never thrown.</summary>
    public void HandleControl(IRequestChannel channel, JupyterMessage message) => Guarded(channel, message, ServeControl);

    /// <summary>Runs a handler; a handler bug must not take the kernel down, so it becomes an error reply.</summary>
    private void Guarded(IRequestChannel channel, JupyterMessage message, Action<IRequestChannel, JupyterMessage> handle)
    {
        try
        {
            handle(channel, message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.WriteLine($"[nnb kernel] {message.MessageType} failed: {e}");
            Reply(channel, message, ReplyType(message.MessageType), ErrorContent(e.GetType().Name, e.Message, [e.ToString()]));
            PublishStatus("idle", message);
        }
    }

    private void ServeControl(IRequestChannel channel, JupyterMessage message)
    {
        PublishStatus("busy", message);
        switch (message.MessageType)
        {
            case "interrupt_request":
                _cancelInput();
                _executor.Interrupt();
                Reply(channel, message, "interrupt_reply", new JsonObject { ["status"] = "ok" });
                break;
            case "shutdown_request":
                Shutdown(channel, message);
                break;
            case "kernel_info_request":
                Reply(channel, message, "kernel_info_reply", KernelInfo.ReplyContent());
                break;
            default:
                _log.WriteLine($"[nnb kernel] control: ignored unsupported message type '{message.MessageType}'");
                break;
        }
        PublishStatus("idle", message);
    }

    private void ServeShell(IRequestChannel channel, JupyterMessage message)
    {
        PublishStatus("busy", message);
        switch (message.MessageType)
        {
            case "execute_request":
                var queuedBeforeReply = Execute(channel, message);
                PublishStatus("idle", message);
                if (queuedBeforeReply is not null)
                    AbortQueuedExecutions(channel, queuedBeforeReply);
                return;
            case "kernel_info_request":
                Reply(channel, message, "kernel_info_reply", KernelInfo.ReplyContent());
                break;
            case "complete_request":
                Reply(channel, message, "complete_reply", Complete(message.Content));
                break;
            case "inspect_request":
                Reply(channel, message, "inspect_reply", Inspect(message.Content));
                break;
            case "is_complete_request":
                Reply(channel, message, "is_complete_reply", IsComplete(message.Content));
                break;
            case "history_request":
                Reply(channel, message, "history_reply", History(message.Content));
                break;
            case "comm_info_request":
                // No comm targets are registered, so there are no open comms to report.
                Reply(channel, message, "comm_info_reply", new JsonObject { ["status"] = "ok", ["comms"] = new JsonObject() });
                break;
            case "comm_open":
                RefuseComm(message);
                break;
            case "comm_msg":
            case "comm_close":
                _log.WriteLine($"[nnb kernel] shell: {message.MessageType} for a comm this kernel never opened; ignored");
                break;
            case "shutdown_request":
                Shutdown(channel, message);
                break;
            default:
                _log.WriteLine($"[nnb kernel] shell: ignored unsupported message type '{message.MessageType}'");
                break;
        }
        PublishStatus("idle", message);
    }

    /// <returns>When the cell failed (error, timeout or interrupt) with stop_on_error: the shell requests that were
    /// queued before its reply; otherwise null.</returns>
    private IReadOnlyList<JupyterMessage>? Execute(IRequestChannel channel, JupyterMessage request)
    {
        var content = request.Content;
        if (content["code"] is not JsonValue codeValue || !codeValue.TryGetValue(out string? code))
        {
            var queuedBefore = Bool(content, "stop_on_error", true) ? channel.TakeQueued() : null;
            Reply(channel, request, "execute_reply", WithCount(ErrorContent("InvalidRequest", "execute_request content lacks a string 'code'.", []), _executionCount));
            return queuedBefore;
        }
        bool silent = Bool(content, "silent", false);
        bool storeHistory = !silent && Bool(content, "store_history", true);
        if (storeHistory)
        {
            _executionCount++;
            _history.Add(_executionCount, code);
        }
        int count = _executionCount;
        if (!silent)
            _iopub.Publish(JupyterMessage.Create("execute_input", new JsonObject { ["code"] = code, ["execution_count"] = count }, request, Session));

        var sink = new IOPubOutputSink(_iopub, request, Session, count, silent);
        _running = new ExecuteContext(request, Bool(content, "allow_stdin", true));
        CellResult result;
        try
        {
            result = _executor.ExecuteAsync(code, sink).GetAwaiter().GetResult();
        }
        finally
        {
            _running = null;
        }
        if (storeHistory && sink.ResultText is { } text)
            _history.SetOutput(count, text);

        JsonObject reply = result.Status == CellStatus.Ok || result.Error is null
            ? new JsonObject { ["status"] = "ok", ["payload"] = new JsonArray(), ["user_expressions"] = new JsonObject() }
            : ErrorContent(result.Error.EName, result.Error.EValue, result.Error.Traceback);
        // Taken before the reply goes out: only requests queued while the cell ran are aborted, never one a
        // front end sends after it has seen this reply.
        var queued = result.Status != CellStatus.Ok && Bool(content, "stop_on_error", true) ? channel.TakeQueued() : null;
        Reply(channel, request, "execute_reply", WithCount(reply, count));
        return queued;
    }

    /// <summary>
    /// After a failed cell with stop_on_error, the cells the front end already queued must not run against a
    /// state the failure left incomplete: each queued execute_request is answered "aborted" without running.
    /// Other queued requests are served normally.
    /// </summary>
    private void AbortQueuedExecutions(IRequestChannel channel, IReadOnlyList<JupyterMessage> queued)
    {
        foreach (var message in queued)
        {
            if (message.MessageType != "execute_request")
            {
                HandleShell(channel, message);
                continue;
            }
            PublishStatus("busy", message);
            // No execution_count, as ipykernel: the cell never ran, so front ends show its prompt empty ("In [ ]:")
            // rather than labelled with the failing cell's number.
            Reply(channel, message, "execute_reply", new JsonObject { ["status"] = "aborted" });
            PublishStatus("idle", message);
        }
    }

    private void Shutdown(IRequestChannel channel, JupyterMessage message)
    {
        bool restart = message.Content["restart"] is JsonValue value && value.TryGetValue(out bool r) && r;
        Reply(channel, message, "shutdown_reply", new JsonObject { ["status"] = "ok", ["restart"] = restart });
        // The front end restarts a kernel by starting a new process after this one exits, so restart and plain
        // shutdown both end the process; a fresh process is the reset engine state.
        _stop();
    }

    private void Reply(IRequestChannel channel, JupyterMessage request, string replyType, JsonObject content) =>
        channel.Send(JupyterMessage.Create(replyType, content, request, Session));

    private void PublishStatus(string state, JupyterMessage parent) =>
        _iopub.Publish(JupyterMessage.Create("status", new JsonObject { ["execution_state"] = state }, parent, Session));

    private static string ReplyType(string requestType) =>
        requestType.EndsWith("_request", StringComparison.Ordinal) ? requestType[..^"_request".Length] + "_reply" : requestType + "_reply";

    private static JsonObject ErrorContent(string ename, string evalue, IEnumerable<string> traceback) => new()
    {
        ["status"] = "error",
        ["ename"] = ename,
        ["evalue"] = evalue,
        ["traceback"] = new JsonArray(traceback.Select(line => (JsonNode?)JsonValue.Create(line)).ToArray()),
    };

    private JsonObject Complete(JsonObject content)
    {
        string code = String(content, "code");
        int cursor = CursorOffsets.CodePointsToUtf16(code, Int(content, "cursor_pos", code.Length));
        var result = _executor.CompleteAsync(code, cursor).GetAwaiter().GetResult();
        int start = CursorOffsets.Utf16ToCodePoints(code, result.CursorStart);
        int end = CursorOffsets.Utf16ToCodePoints(code, result.CursorEnd);
        var metadata = new JsonObject();
        if (result.Kinds is { } kinds)
        {
            // What ipykernel sends and JupyterLab reads for each item's kind (its icon): one entry per match.
            metadata["_jupyter_types_experimental"] = new JsonArray(result.Matches.Select((match, i) => (JsonNode?)new JsonObject
            {
                ["start"] = start,
                ["end"] = end,
                ["text"] = match,
                ["type"] = kinds[i],
            }).ToArray());
        }
        return new JsonObject
        {
            ["status"] = "ok",
            ["matches"] = new JsonArray(result.Matches.Select(m => (JsonNode?)JsonValue.Create(m)).ToArray()),
            ["cursor_start"] = start,
            ["cursor_end"] = end,
            ["metadata"] = metadata,
        };
    }

    private JsonObject Inspect(JsonObject content)
    {
        string code = String(content, "code");
        int cursor = CursorOffsets.CodePointsToUtf16(code, Int(content, "cursor_pos", code.Length));
        // The protocol defines levels 0 and 1; a client asking for more gets the most there is.
        int detailLevel = Math.Clamp(Int(content, "detail_level", 0), 0, 1);
        string? info = _executor.InspectAsync(code, cursor, detailLevel).GetAwaiter().GetResult();
        return new JsonObject
        {
            ["status"] = "ok",
            ["found"] = info is not null,
            ["data"] = info is null ? new JsonObject() : new JsonObject { ["text/plain"] = info },
            ["metadata"] = new JsonObject(),
        };
    }

    private JsonObject IsComplete(JsonObject content)
    {
        var result = _executor.IsCompleteAsync(String(content, "code")).GetAwaiter().GetResult();
        var reply = new JsonObject
        {
            ["status"] = result.Status switch
            {
                Completeness.Complete => "complete",
                Completeness.Incomplete => "incomplete",
                Completeness.Invalid => "invalid",
                _ => "unknown",
            },
        };
        if (result.Status == Completeness.Incomplete)
            reply["indent"] = result.Indent;
        return reply;
    }

    private JsonObject History(JsonObject content)
    {
        bool output = Bool(content, "output", false);
        string access = String(content, "hist_access_type", "tail");
        IReadOnlyList<HistoryEntry> entries = access switch
        {
            "tail" => _history.Tail(Math.Max(0, Int(content, "n", 10))),
            "range" => _history.Range(Int(content, "session", 0), Int(content, "start", 1), Int(content, "stop", 0)),
            "search" => _history.Search(String(content, "pattern", "*"), content["n"] is null ? null : Int(content, "n", 0), Bool(content, "unique", false)),
            _ => throw new ArgumentException($"hist_access_type '{access}' is not one of tail, range, search."),
        };
        var history = new JsonArray();
        foreach (var entry in entries)
            history.Add(new JsonArray(entry.Session, entry.Line, output ? new JsonArray(entry.Input, entry.Output) : JsonValue.Create(entry.Input)));
        return new JsonObject { ["status"] = "ok", ["history"] = history };
    }

    private void RefuseComm(JupyterMessage message)
    {
        // No comm targets exist; closing the comm at once tells the front end (as ipykernel does for an unknown target).
        string target = String(message.Content, "target_name", "");
        _log.WriteLine($"[nnb kernel] shell: comm_open for target '{target}' refused: no comm targets are registered");
        if (message.Content["comm_id"] is JsonValue id && id.TryGetValue(out string? commId))
            _iopub.Publish(JupyterMessage.Create("comm_close", new JsonObject { ["comm_id"] = commId, ["data"] = new JsonObject() }, message, Session));
    }

    private static JsonObject WithCount(JsonObject content, int count)
    {
        content["execution_count"] = count;
        return content;
    }

    private static bool Bool(JsonObject content, string name, bool fallback) =>
        content[name] is JsonValue value && value.TryGetValue(out bool b) ? b : fallback;

    private static int Int(JsonObject content, string name, int fallback)
    {
        if (content[name] is not JsonValue value)
            return fallback;
        if (value.TryGetValue(out int i))
            return i;
        return value.TryGetValue(out double d) && d is >= int.MinValue and <= int.MaxValue ? (int)d : fallback;
    }

    private static string String(JsonObject content, string name, string? fallback = null)
    {
        if (content[name] is JsonValue value && value.TryGetValue(out string? s))
            return s;
        return fallback ?? throw new ArgumentException($"The request's content lacks the string field '{name}'.");
    }

    private sealed record ExecuteContext(JupyterMessage Request, bool AllowStdin);
}
