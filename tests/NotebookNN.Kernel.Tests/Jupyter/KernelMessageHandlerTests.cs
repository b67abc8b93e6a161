using System.Text.Json.Nodes;
using NotebookNN.Kernel.Engine;
using NotebookNN.Kernel.Jupyter;
using NotebookNN.Kernel.Tests.Engine;

namespace NotebookNN.Kernel.Tests.Jupyter;

/// <summary>
/// The kernel's request handling on the real engine, without sockets: requests go in as messages, replies and iopub
/// broadcasts are recorded in order. The Python suites (tests/jupyter) drive the same handlers over ZeroMQ.
/// </summary>
public sealed class KernelMessageHandlerTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private readonly NotebookEngine _engine = fixture.Engine;
    private readonly RecordingPublisher _iopub = new();
    private int _stops;

    private KernelMessageHandler NewHandler() =>
        new(_engine, _iopub, "kernel-session", TextWriter.Null, () => { }, () => Interlocked.Increment(ref _stops));

    private static JupyterMessage Request(string type, JsonObject? content = null) =>
        JupyterMessage.Create(type, content ?? new JsonObject(), null, "client-session");

    private static JupyterMessage Execute(string code, bool stopOnError = true, bool silent = false) =>
        Request("execute_request", new JsonObject { ["code"] = code, ["stop_on_error"] = stopOnError, ["silent"] = silent });

    private static JsonObject Serve(KernelMessageHandler handler, JupyterMessage request, RecordingChannel? channel = null)
    {
        channel ??= new RecordingChannel();
        handler.HandleShell(channel, request);
        var reply = channel.Sent.Single(m => m.ParentHeader["msg_id"]?.GetValue<string>() == request.MessageId);
        Assert.Equal(request.MessageType.Replace("_request", "_reply"), reply.MessageType);
        return reply.Content;
    }

    [Fact]
    public void An_execute_request_is_answered_with_its_count_and_its_outputs_go_to_iopub_between_busy_and_idle()
    {
        var handler = NewHandler();
        var request = Execute("Console.WriteLine(\"hi\");\n6 * 7");
        var reply = Serve(handler, request);

        Assert.Equal("ok", (string?)reply["status"]);
        Assert.Equal(1, (int?)reply["execution_count"]);
        var messages = _iopub.For(request);
        Assert.Equal(["status", "execute_input", "stream", "execute_result", "status"], messages.Select(m => m.MessageType));
        Assert.Equal("busy", (string?)messages[0].Content["execution_state"]);
        Assert.Equal("hi\n", (string?)messages[2].Content["text"]);
        Assert.Equal("42", (string?)messages[3].Content["data"]!["text/plain"]);
        Assert.Equal(1, (int?)messages[3].Content["execution_count"]);
        Assert.Equal("idle", (string?)messages[4].Content["execution_state"]);
        Assert.All(messages, m => Assert.Equal("kernel-session", (string?)m.Header["session"]));
    }

    [Fact]
    public void A_failed_cell_with_stop_on_error_aborts_the_queued_cells_without_a_count_and_serves_other_requests()
    {
        var handler = NewHandler();
        Serve(handler, Execute("var ranAfterFailure = 0;"));
        var queuedCell = Execute("ranAfterFailure = 1;");
        var queuedInfo = Request("kernel_info_request");
        var channel = new RecordingChannel(queuedCell, queuedInfo);
        var failing = Execute("throw new InvalidOperationException(\"stop here\");");

        var reply = Serve(handler, failing, channel);

        Assert.Equal("error", (string?)reply["status"]);
        Assert.Equal("InvalidOperationException", (string?)reply["ename"]);
        Assert.Equal(2, (int?)reply["execution_count"]);
        // The colour codes travel in the traceback, as ipykernel's do; ename and evalue stay plain.
        Assert.Equal("\u001b[0;31mInvalidOperationException\u001b[0m: stop here", (string?)reply["traceback"]![0]);
        var error = _iopub.For(failing).Single(m => m.MessageType == "error");
        Assert.Equal("stop here", (string?)error.Content["evalue"]);

        var aborted = channel.ReplyTo(queuedCell).Content;
        Assert.Equal("aborted", (string?)aborted["status"]);
        Assert.False(aborted.ContainsKey("execution_count"));
        Assert.Equal("kernel_info_reply", channel.ReplyTo(queuedInfo).MessageType);
        Assert.Equal(["status", "status"], _iopub.For(queuedCell).Select(m => m.MessageType));

        var value = Serve(handler, Execute("ranAfterFailure"));
        Assert.Equal(3, (int?)value["execution_count"]);
        Assert.Equal("0", (string?)_iopub.Results().Last()["text/plain"]);
    }

    [Fact]
    public void Without_stop_on_error_a_failed_cell_leaves_the_queue_alone()
    {
        var handler = NewHandler();
        var channel = new RecordingChannel(Execute("1 + 1"));
        var reply = Serve(handler, Execute("throw new Exception(\"go on\");", stopOnError: false), channel);
        Assert.Equal("error", (string?)reply["status"]);
        Assert.Equal(1, channel.Waiting);
    }

    [Fact]
    public void History_answers_tail_range_and_search_with_unique_n_and_output()
    {
        var handler = NewHandler();
        foreach (var code in new[] { "6 * 7", "6 * 8", "6 * 7", "\"other\"" })
            Serve(handler, Execute(code));
        Serve(handler, Execute("6 * 9", silent: true));

        JsonArray History(JsonObject content) => (JsonArray)Serve(handler, Request("history_request", content))["history"]!;

        var tail = History(new JsonObject { ["hist_access_type"] = "tail", ["n"] = 2, ["output"] = true });
        Assert.Equal("[[1,3,[\"6 * 7\",\"42\"]],[1,4,[\"\\u0022other\\u0022\",\"other\"]]]", tail.ToJsonString());

        var range = History(new JsonObject { ["hist_access_type"] = "range", ["session"] = 0, ["start"] = 2, ["stop"] = 4 });
        Assert.Equal("[[1,2,\"6 * 8\"],[1,3,\"6 * 7\"]]", range.ToJsonString());

        var search = History(new JsonObject { ["hist_access_type"] = "search", ["pattern"] = "6 * ?" });
        Assert.Equal([1, 2, 3], search.Select(entry => (int)entry![1]!));
        var unique = History(new JsonObject { ["hist_access_type"] = "search", ["pattern"] = "6 * ?", ["unique"] = true });
        Assert.Equal(["6 * 8", "6 * 7"], unique.Select(entry => (string)entry![2]!));
        var lastOne = History(new JsonObject { ["hist_access_type"] = "search", ["pattern"] = "6*", ["n"] = 1, ["output"] = true });
        Assert.Equal("[[1,3,[\"6 * 7\",\"42\"]]]", lastOne.ToJsonString());

        var bad = Serve(handler, Request("history_request", new JsonObject { ["hist_access_type"] = "sideways" }));
        Assert.Equal("error", (string?)bad["status"]);
        Assert.Contains("not one of tail, range, search", (string?)bad["evalue"]);
    }

    [Fact]
    public void Is_complete_tells_incomplete_code_with_its_indent()
    {
        var handler = NewHandler();
        Assert.Equal("complete", (string?)Serve(handler, Request("is_complete_request", new JsonObject { ["code"] = "var x = 1;" }))["status"]);
        var open = Serve(handler, Request("is_complete_request", new JsonObject { ["code"] = "if (true) {" }));
        Assert.Equal("incomplete", (string?)open["status"]);
        Assert.Equal("    ", (string?)open["indent"]);
        Assert.Equal("invalid", (string?)Serve(handler, Request("is_complete_request", new JsonObject { ["code"] = "}" }))["status"]);
    }

    [Fact]
    public void Inspect_answers_both_detail_levels_and_says_when_nothing_is_found()
    {
        var handler = NewHandler();
        JsonObject Inspect(string code, int cursor, int level) =>
            Serve(handler, Request("inspect_request", new JsonObject { ["code"] = code, ["cursor_pos"] = cursor, ["detail_level"] = level }));

        var brief = Inspect("Console.WriteLine(\"x\")", 18, 0);
        Assert.True((bool?)brief["found"]);
        var briefText = (string)brief["data"]!["text/plain"]!;
        Assert.StartsWith("void Console.WriteLine(string? value)", briefText);
        var full = (string)Inspect("Console.WriteLine(\"x\")", 18, 1)["data"]!["text/plain"]!;
        Assert.StartsWith(briefText, full);
        Assert.Contains("Other overloads:", full);

        var nothing = Inspect("   ", 1, 0);
        Assert.Equal("ok", (string?)nothing["status"]);
        Assert.False((bool?)nothing["found"]);
        Assert.Empty(nothing["data"]!.AsObject());
    }

    [Fact]
    public void Completion_sends_matches_and_their_kinds_in_jupyter_types_experimental()
    {
        var handler = NewHandler();
        var reply = Serve(handler, Request("complete_request", new JsonObject { ["code"] = "var s = Math.Sq", ["cursor_pos"] = 15 }));
        Assert.Equal("[\"Sqrt\"]", reply["matches"]!.ToJsonString());
        Assert.Equal(13, (int?)reply["cursor_start"]);
        Assert.Equal(15, (int?)reply["cursor_end"]);
        Assert.Equal("[{\"start\":13,\"end\":15,\"text\":\"Sqrt\",\"type\":\"function\"}]",
            reply["metadata"]!["_jupyter_types_experimental"]!.ToJsonString());
    }

    [Fact]
    public void Kernel_info_names_the_csharp_codemirror_mode()
    {
        var handler = NewHandler();
        var info = Serve(handler, Request("kernel_info_request"));
        Assert.Equal("{\"name\":\"text/x-csharp\",\"mime\":\"text/x-csharp\"}", info["language_info"]!["codemirror_mode"]!.ToJsonString());
        Assert.Equal("5.3", (string?)info["protocol_version"]);
    }

    [Fact]
    public void Comm_info_lists_no_comms_and_a_comm_open_is_closed_at_once()
    {
        var handler = NewHandler();
        Assert.Equal("{}", Serve(handler, Request("comm_info_request"))["comms"]!.ToJsonString());
        var open = Request("comm_open", new JsonObject { ["comm_id"] = "c1", ["target_name"] = "jupyter.widget", ["data"] = new JsonObject() });
        var channel = new RecordingChannel();
        handler.HandleShell(channel, open);
        Assert.Empty(channel.Sent);
        var close = _iopub.For(open).Single(m => m.MessageType == "comm_close");
        Assert.Equal("c1", (string?)close.Content["comm_id"]);
    }

    [Fact]
    public void Shutdown_replies_with_the_restart_flag_then_stops_the_kernel()
    {
        var handler = NewHandler();
        var channel = new RecordingChannel();
        var request = Request("shutdown_request", new JsonObject { ["restart"] = true });
        handler.HandleControl(channel, request);
        Assert.Equal("{\"status\":\"ok\",\"restart\":true}", channel.ReplyTo(request).Content.ToJsonString());
        Assert.Equal(1, Volatile.Read(ref _stops));
    }

    [Fact]
    public async Task An_interrupt_on_control_stops_the_running_cell_which_replies_with_an_error()
    {
        var handler = NewHandler();
        var running = Execute("Console.WriteLine(\"looping\");\nwhile (true) { }");
        var shell = new RecordingChannel();
        var cell = Task.Run(() => handler.HandleShell(shell, running));
        await ErrorTests.WaitForAsync(() => _iopub.For(running).Any(m => m.MessageType == "stream"));
        Assert.Equal(running.MessageId, handler.Running?.Request.MessageId);

        var control = new RecordingChannel();
        var interrupt = Request("interrupt_request");
        handler.HandleControl(control, interrupt);
        await cell.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("ok", (string?)control.ReplyTo(interrupt).Content["status"]);
        Assert.Equal("Interrupted", (string?)shell.ReplyTo(running).Content["ename"]);
        Assert.Null(handler.Running);
    }

    [Fact]
    public void A_request_that_breaks_its_handler_gets_an_error_reply_and_the_kernel_goes_idle()
    {
        var handler = NewHandler();
        var request = Request("complete_request", new JsonObject { ["cursor_pos"] = 1 });
        var reply = Serve(handler, request);
        Assert.Equal("error", (string?)reply["status"]);
        Assert.Contains("lacks the string field 'code'", (string?)reply["evalue"]);
        Assert.Equal("idle", (string?)_iopub.For(request).Last().Content["execution_state"]);
    }

    /// <summary>The shell or control channel as a handler sees it: replies recorded, queued requests given once.</summary>
    private sealed class RecordingChannel(params JupyterMessage[] queued) : IRequestChannel
    {
        private readonly Queue<JupyterMessage> _queued = new(queued);
        private readonly List<JupyterMessage> _sent = [];

        public IReadOnlyList<JupyterMessage> Sent
        {
            get { lock (_sent) return _sent.ToList(); }
        }

        public int Waiting => _queued.Count;

        public void Send(JupyterMessage reply)
        {
            lock (_sent) _sent.Add(reply);
        }

        public IReadOnlyList<JupyterMessage> TakeQueued()
        {
            var all = _queued.ToList();
            _queued.Clear();
            return all;
        }

        public JupyterMessage ReplyTo(JupyterMessage request) =>
            Sent.Single(m => m.ParentHeader["msg_id"]?.GetValue<string>() == request.MessageId);
    }

    /// <summary>iopub as a list, in publishing order.</summary>
    private sealed class RecordingPublisher : IMessagePublisher
    {
        private readonly List<JupyterMessage> _messages = [];

        public void Publish(JupyterMessage message)
        {
            lock (_messages) _messages.Add(message);
        }

        public IReadOnlyList<JupyterMessage> For(JupyterMessage request)
        {
            lock (_messages)
                return _messages.Where(m => m.ParentHeader["msg_id"]?.GetValue<string>() == request.MessageId).ToList();
        }

        public IEnumerable<JsonObject> Results()
        {
            lock (_messages)
                return _messages.Where(m => m.MessageType == "execute_result").Select(m => m.Content["data"]!.AsObject()).ToList();
        }
    }
}
