using System.Text.Json.Nodes;
using NetMQ;
using NetMQ.Sockets;
using NotebookNN.Kernel.Engine;

namespace NotebookNN.Kernel.Jupyter;

// The shell channel's requests. They run one at a time on the shell thread, as the protocol expects.
public sealed partial class KernelServer
{
    private void HandleShell(RouterSocket socket, JupyterMessage message)
    {
        PublishStatus("busy", message);
        switch (message.MessageType)
        {
            case "execute_request":
                var queuedBeforeReply = Execute(socket, message);
                PublishStatus("idle", message);
                if (queuedBeforeReply is not null)
                    AbortQueuedExecutions(socket, queuedBeforeReply);
                return;
            case "kernel_info_request":
                Reply(socket, message, "kernel_info_reply", KernelInfo.ReplyContent());
                break;
            case "complete_request":
                Reply(socket, message, "complete_reply", Complete(message.Content));
                break;
            case "inspect_request":
                Reply(socket, message, "inspect_reply", Inspect(message.Content));
                break;
            case "is_complete_request":
                Reply(socket, message, "is_complete_reply", IsComplete(message.Content));
                break;
            case "history_request":
                Reply(socket, message, "history_reply", History(message.Content));
                break;
            case "comm_info_request":
                // No comm targets are registered, so there are no open comms to report.
                Reply(socket, message, "comm_info_reply", new JsonObject { ["status"] = "ok", ["comms"] = new JsonObject() });
                break;
            case "comm_open":
                RefuseComm(message);
                break;
            case "comm_msg":
            case "comm_close":
                _log.WriteLine($"[nnb kernel] shell: {message.MessageType} for a comm this kernel never opened; ignored");
                break;
            case "shutdown_request":
                Shutdown(socket, message);
                break;
            default:
                _log.WriteLine($"[nnb kernel] shell: ignored unsupported message type '{message.MessageType}'");
                break;
        }
        PublishStatus("idle", message);
    }

    /// <returns>When the cell failed (error, timeout or interrupt) with stop_on_error: the shell requests that were
    /// queued before its reply; otherwise null.</returns>
    private List<JupyterMessage>? Execute(RouterSocket socket, JupyterMessage request)
    {
        var content = request.Content;
        if (content["code"] is not JsonValue codeValue || !codeValue.TryGetValue(out string? code))
        {
            var queuedBefore = Bool(content, "stop_on_error", true) ? TakeQueued(socket) : null;
            Reply(socket, request, "execute_reply", WithCount(ErrorContent("InvalidRequest", "execute_request content lacks a string 'code'.", []), _executionCount));
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
            _iopub!.Publish(JupyterMessage.Create("execute_input", new JsonObject { ["code"] = code, ["execution_count"] = count }, request, _session));

        var sink = new IOPubOutputSink(_iopub!, request, _session, count, silent, _log);
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
        var queued = result.Status != CellStatus.Ok && Bool(content, "stop_on_error", true) ? TakeQueued(socket) : null;
        Reply(socket, request, "execute_reply", WithCount(reply, count));
        return queued;
    }

    /// <summary>
    /// After a failed cell with stop_on_error, the cells the front end already queued must not run against a
    /// state the failure left incomplete: each queued execute_request is answered "aborted" without running.
    /// Other queued requests are served normally.
    /// </summary>
    private void AbortQueuedExecutions(RouterSocket socket, List<JupyterMessage> queued)
    {
        foreach (var message in queued)
        {
            if (message.MessageType != "execute_request")
            {
                Dispatch(socket, message, HandleShell);
                continue;
            }
            PublishStatus("busy", message);
            // No execution_count, as ipykernel: the cell never ran, so front ends show its prompt empty ("In [ ]:")
            // rather than labelled with the failing cell's number.
            Reply(socket, message, "execute_reply", new JsonObject { ["status"] = "aborted" });
            PublishStatus("idle", message);
        }
    }

    /// <summary>
    /// How long a failed cell's reply waits for requests still on their way. A front end's "run all" sends every
    /// cell at once, but a cell that fails within milliseconds can finish before the next request has arrived; one
    /// that arrives while the reply is held back was certainly sent before the front end saw the failure.
    /// </summary>
    private static readonly TimeSpan InFlightGrace = TimeSpan.FromMilliseconds(50);

    /// <summary>The shell requests waiting on the socket now or arriving within <see cref="InFlightGrace"/>,
    /// decoded; malformed ones are logged and dropped.</summary>
    private List<JupyterMessage> TakeQueued(RouterSocket socket)
    {
        var queued = new List<JupyterMessage>();
        var frames = new List<byte[]>();
        var deadline = DateTime.UtcNow + InFlightGrace;
        TimeSpan Remaining() => deadline - DateTime.UtcNow is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;
        while (socket.TryReceiveMultipartBytes(Remaining(), ref frames))
        {
            if (_codec.TryDecode(frames, out var message, out var error))
                queued.Add(message!);
            else
                _log.WriteLine($"[nnb kernel] dropped a message ({frames.Count} frames): {error}");
        }
        return queued;
    }

    /// <summary>Runs a handler; a handler bug must not take the kernel down, so it becomes an error reply.</summary>
    private void Dispatch(RouterSocket socket, JupyterMessage message, Action<RouterSocket, JupyterMessage> handle)
    {
        try
        {
            handle(socket, message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.WriteLine($"[nnb kernel] {message.MessageType} failed: {e}");
            Reply(socket, message, ReplyType(message.MessageType), ErrorContent(e.GetType().Name, e.Message, [e.ToString()]));
            PublishStatus("idle", message);
        }
    }

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
            _iopub!.Publish(JupyterMessage.Create("comm_close", new JsonObject { ["comm_id"] = commId, ["data"] = new JsonObject() }, message, _session));
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
}
