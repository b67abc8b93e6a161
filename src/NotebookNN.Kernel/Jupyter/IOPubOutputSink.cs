using System.Text.Json.Nodes;
using NotebookNN.Kernel.Engine;

namespace NotebookNN.Kernel.Jupyter;

/// <summary>
/// Turns the engine's cell outputs into iopub messages answering one execute_request. A silent request
/// publishes nothing. The text/plain of the execute_result is kept for the history's output column.
/// </summary>
public sealed class IOPubOutputSink : ICellOutputSink
{
    private readonly IOPubChannel _iopub;
    private readonly JupyterMessage _parent;
    private readonly string _session;
    private readonly int _executionCount;
    private readonly bool _silent;
    private readonly TextWriter _log;

    public IOPubOutputSink(IOPubChannel iopub, JupyterMessage parent, string session, int executionCount, bool silent, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(iopub);
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(log);
        _iopub = iopub;
        _parent = parent;
        _session = session;
        _executionCount = executionCount;
        _silent = silent;
        _log = log;
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
        if (type is not null)
            _iopub.Publish(JupyterMessage.Create(type, content, _parent, _session));
    }

    private (string? Type, JsonObject Content) ToMessage(CellOutput output) => output switch
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
        _ => Unknown(output),
    };

    private (string?, JsonObject) Unknown(CellOutput output)
    {
        _log.WriteLine($"[nnb kernel] no iopub message for output kind {output.GetType().Name}; dropped");
        return (null, new JsonObject());
    }

    private JsonObject DataContent(MimeBundle bundle)
    {
        JsonObject data;
        try
        {
            data = bundle.ToJson();
        }
        catch (System.Text.Json.JsonException e)
        {
            // A formatter produced invalid JSON for a JSON MIME type: keep the other representations.
            _log.WriteLine($"[nnb kernel] a JSON MIME type held invalid JSON ({e.Message}); sent without it");
            data = new JsonObject();
            foreach (var (mime, value) in bundle)
                if (!MimeBundle.IsJsonMimeType(mime))
                    data[mime] = value;
        }
        return new JsonObject { ["data"] = data, ["metadata"] = new JsonObject() };
    }

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
