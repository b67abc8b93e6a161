using System.Text.Json.Nodes;
using NotebookNN.Kernel.Engine;

namespace NotebookNN.Kernel.Jupyter;

/// <summary>
/// Turns the engine's cell outputs into iopub messages answering one execute_request. A silent request
/// publishes nothing. The text/plain of the execute_result is kept for the history's output column.
/// </summary>
public sealed class IOPubOutputSink : ICellOutputSink
{
    private readonly IMessagePublisher _iopub;
    private readonly JupyterMessage _parent;
    private readonly string _session;
    private readonly int _executionCount;
    private readonly bool _silent;

    public IOPubOutputSink(IMessagePublisher iopub, JupyterMessage parent, string session, int executionCount, bool silent)
    {
        ArgumentNullException.ThrowIfNull(iopub);
        ArgumentNullException.ThrowIfNull(parent);
        _iopub = iopub;
        _parent = parent;
        _session = session;
        _executionCount = executionCount;
        _silent = silent;
    }

    /// <summary>The text/plain representation of the cell's result, once it produced one.</summary>
    public string? ResultText { get; private set; }

    public void Write(CellOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (output is ExecuteResultOutput result && result.Data.TryGetValue("text/plain", out var text))
            ResultText = text;
        if (_silent)
            return;
        var (type, content) = ToMessage(output);
        _iopub.Publish(JupyterMessage.Create(type, content, _parent, _session));
    }

    private (string Type, JsonObject Content) ToMessage(CellOutput output) => output switch
    {
        StreamOutput s => ("stream", new JsonObject { ["name"] = s.Name, ["text"] = s.Text }),
        DisplayOutput d => ("display_data", WithTransient(DataContent(d.Data), d.DisplayId)),
        DisplayUpdateOutput u => ("update_display_data", WithTransient(DataContent(u.Data), u.DisplayId)),
        ClearOutput c => ("clear_output", new JsonObject { ["wait"] = c.Wait }),
        ExecuteResultOutput r => ("execute_result", WithCount(DataContent(r.Data))),
        ErrorOutput e => ("error", new JsonObject
        {
            ["ename"] = e.EName,
            ["evalue"] = e.EValue,
            ["traceback"] = new JsonArray(e.Traceback.Select(line => (JsonNode?)JsonValue.Create(line)).ToArray()),
        }),
        _ => throw new ArgumentException($"No iopub message is defined for the output kind {output.GetType().Name}.", nameof(output)),
    };

    // The engine rejected invalid JSON under a JSON MIME type when the output was made (MimeBundle.Validate), so
    // this conversion cannot fail on it.
    private static JsonObject DataContent(MimeBundle bundle) =>
        new() { ["data"] = bundle.ToJson(), ["metadata"] = new JsonObject() };

    private static JsonObject WithTransient(JsonObject content, string? displayId)
    {
        content["transient"] = displayId is null ? new JsonObject() : new JsonObject { ["display_id"] = displayId };
        return content;
    }

    private JsonObject WithCount(JsonObject content)
    {
        content["execution_count"] = _executionCount;
        return content;
    }
}
