using System.Text.Json.Nodes;

namespace NotebookNN.Kernel.Jupyter;

/// <summary>
/// One Jupyter protocol message. <see cref="Identities"/> are the ZeroMQ routing frames that came before the
/// <c>&lt;IDS|MSG&gt;</c> delimiter (a reply goes back with the request's identities).
/// </summary>
public sealed record JupyterMessage(
    IReadOnlyList<byte[]> Identities,
    JsonObject Header,
    JsonObject ParentHeader,
    JsonObject Metadata,
    JsonObject Content,
    IReadOnlyList<byte[]> Buffers)
{
    /// <summary>The protocol version this kernel speaks and stamps on every message it sends.</summary>
    public const string ProtocolVersion = "5.3";

    /// <summary>The header's <c>msg_type</c>, e.g. <c>execute_request</c>.</summary>
    public string MessageType => (string)Header["msg_type"]!;

    /// <summary>The header's <c>msg_id</c>.</summary>
    public string MessageId => (string)Header["msg_id"]!;

    /// <summary>A new message of <paramref name="messageType"/> from session <paramref name="session"/>,
    /// answering <paramref name="parent"/> (or unrelated to any request when null).</summary>
    public static JupyterMessage Create(string messageType, JsonObject content, JupyterMessage? parent, string session, IReadOnlyList<byte[]>? identities = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(messageType);
        ArgumentNullException.ThrowIfNull(content);
        var header = new JsonObject
        {
            ["msg_id"] = Guid.NewGuid().ToString("N"),
            ["session"] = session,
            ["username"] = parent?.Header["username"]?.GetValue<string>() ?? "kernel",
            ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["msg_type"] = messageType,
            ["version"] = ProtocolVersion,
        };
        var parentHeader = parent is null ? new JsonObject() : (JsonObject)parent.Header.DeepClone();
        return new JupyterMessage(identities ?? parent?.Identities ?? [], header, parentHeader, new JsonObject(), content, []);
    }
}
