using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotebookNN.Kernel.Jupyter;

/// <summary>
/// Turns ZeroMQ multipart frames into <see cref="JupyterMessage"/>s and back:
/// <c>identities..., &lt;IDS|MSG&gt;, signature, header, parent_header, metadata, content, buffers...</c>.
/// Parsing authenticates first and never executes anything: a bad message only yields a reason to log.
/// </summary>
public sealed class WireCodec
{
    /// <summary>The frame that separates routing identities from the message.</summary>
    public static readonly byte[] Delimiter = "<IDS|MSG>"u8.ToArray();

    // Outputs are mostly text; escaping only what JSON requires keeps large outputs small and readable on the wire.
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly MessageSigner _signer;

    public WireCodec(MessageSigner signer)
    {
        ArgumentNullException.ThrowIfNull(signer);
        _signer = signer;
    }

    /// <summary>The frames of <paramref name="message"/>, signed.</summary>
    public List<byte[]> Encode(JupyterMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        byte[] header = Serialize(message.Header);
        byte[] parent = Serialize(message.ParentHeader);
        byte[] metadata = Serialize(message.Metadata);
        byte[] content = Serialize(message.Content);
        var frames = new List<byte[]>(message.Identities.Count + 6 + message.Buffers.Count);
        frames.AddRange(message.Identities);
        frames.Add(Delimiter);
        frames.Add(Encoding.ASCII.GetBytes(_signer.Sign(header, parent, metadata, content)));
        frames.Add(header);
        frames.Add(parent);
        frames.Add(metadata);
        frames.Add(content);
        frames.AddRange(message.Buffers);
        return frames;
    }

    /// <summary>Authenticates and parses incoming frames. On failure <paramref name="error"/> says why (for the log).</summary>
    public bool TryDecode(IReadOnlyList<byte[]> frames, out JupyterMessage? message, out string? error)
    {
        ArgumentNullException.ThrowIfNull(frames);
        message = null;
        int delimiter = IndexOfDelimiter(frames);
        if (delimiter < 0)
        {
            error = "no <IDS|MSG> delimiter frame";
            return false;
        }
        if (frames.Count - delimiter - 1 < 5)
        {
            error = $"{frames.Count - delimiter - 1} frames after the delimiter, expected at least 5 (signature, header, parent_header, metadata, content)";
            return false;
        }
        byte[] signatureFrame = frames[delimiter + 1];
        byte[] header = frames[delimiter + 2], parent = frames[delimiter + 3], metadata = frames[delimiter + 4], content = frames[delimiter + 5];
        string signature;
        try
        {
            signature = new UTF8Encoding(false, true).GetString(signatureFrame);
        }
        catch (DecoderFallbackException)
        {
            error = "signature frame is not text";
            return false;
        }
        switch (_signer.Verify(signature, header, parent, metadata, content))
        {
            case SignatureCheck.Invalid:
                error = "invalid signature";
                return false;
            case SignatureCheck.Replayed:
                error = "replayed signature (a message already received)";
                return false;
        }
        if (!TryParseObject(header, "header", out var headerJson, out error)
            || !TryParseObject(parent, "parent_header", out var parentJson, out error)
            || !TryParseObject(metadata, "metadata", out var metadataJson, out error)
            || !TryParseObject(content, "content", out var contentJson, out error))
            return false;
        if (headerJson["msg_type"] is not JsonValue type || !type.TryGetValue(out string? msgType) || msgType.Length == 0
            || headerJson["msg_id"] is not JsonValue id || !id.TryGetValue(out string? _))
        {
            error = "header lacks a string msg_type or msg_id";
            return false;
        }
        message = new JupyterMessage(
            frames.Take(delimiter).ToArray(),
            headerJson, parentJson, metadataJson, contentJson,
            frames.Skip(delimiter + 6).ToArray());
        return true;
    }

    private static int IndexOfDelimiter(IReadOnlyList<byte[]> frames)
    {
        for (int i = 0; i < frames.Count; i++)
            if (frames[i].AsSpan().SequenceEqual(Delimiter))
                return i;
        return -1;
    }

    private static bool TryParseObject(byte[] frame, string name, out JsonObject json, out string? error)
    {
        json = null!;
        try
        {
            if (JsonNode.Parse(frame) is JsonObject obj)
            {
                json = obj;
                error = null;
                return true;
            }
            error = $"{name} is not a JSON object";
        }
        catch (JsonException e)
        {
            error = $"{name} is not valid JSON: {e.Message}";
        }
        return false;
    }

    private static byte[] Serialize(JsonObject json) => JsonSerializer.SerializeToUtf8Bytes(json, Json);
}
