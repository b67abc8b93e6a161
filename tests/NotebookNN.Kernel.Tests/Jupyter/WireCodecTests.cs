using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using NotebookNN.Kernel.Jupyter;

namespace NotebookNN.Kernel.Tests.Jupyter;

public class WireCodecTests
{
    private const string Key = "a0436f6c-1916-498b-8eb9-e81ab9368e84";

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>Frames as a Jupyter client (jupyter_client's Session) builds them, signed independently of the codec.</summary>
    private static List<byte[]> ClientFrames(string key, string msgId = "m1", string code = "1 + 1")
    {
        string header = $"{{\"msg_id\":\"{msgId}\",\"username\":\"u\",\"session\":\"s\",\"date\":\"2026-01-01T00:00:00Z\",\"msg_type\":\"execute_request\",\"version\":\"5.3\"}}";
        string content = $"{{\"code\":\"{code}\",\"silent\":false}}";
        byte[][] parts = [Utf8(header), Utf8("{}"), Utf8("{}"), Utf8(content)];
        using var hmac = new HMACSHA256(Utf8(key));
        foreach (var part in parts)
            hmac.TransformBlock(part, 0, part.Length, null, 0);
        hmac.TransformFinalBlock([], 0, 0);
        string signature = Convert.ToHexStringLower(hmac.Hash!);
        return [Utf8("client-identity"), Utf8("<IDS|MSG>"), Utf8(signature), .. parts];
    }

    [Fact]
    public void Decodes_a_correctly_signed_client_message()
    {
        var codec = new WireCodec(new MessageSigner(Key));
        Assert.True(codec.TryDecode(ClientFrames(Key), out var message, out var error), error);
        Assert.Equal("execute_request", message!.MessageType);
        Assert.Equal("m1", message.MessageId);
        Assert.Equal("1 + 1", (string)message.Content["code"]!);
        Assert.Equal("client-identity", Encoding.UTF8.GetString(Assert.Single(message.Identities)));
    }

    [Fact]
    public void Rejects_a_signature_made_with_another_key()
    {
        var codec = new WireCodec(new MessageSigner(Key));
        Assert.False(codec.TryDecode(ClientFrames("not-the-key"), out var message, out var error));
        Assert.Null(message);
        Assert.Equal("invalid signature", error);
    }

    [Fact]
    public void Rejects_a_tampered_content_frame()
    {
        var codec = new WireCodec(new MessageSigner(Key));
        var frames = ClientFrames(Key);
        frames[^1] = Utf8("{\"code\":\"System.IO.File.Delete(\\\"x\\\")\",\"silent\":false}");
        Assert.False(codec.TryDecode(frames, out _, out var error));
        Assert.Equal("invalid signature", error);
    }

    [Fact]
    public void Rejects_a_replayed_message_after_accepting_it_once()
    {
        var codec = new WireCodec(new MessageSigner(Key));
        Assert.True(codec.TryDecode(ClientFrames(Key), out _, out _));
        Assert.False(codec.TryDecode(ClientFrames(Key), out _, out var error));
        Assert.StartsWith("replayed signature", error);
        Assert.True(codec.TryDecode(ClientFrames(Key, msgId: "m2"), out _, out _));
    }

    [Fact]
    public void Rejects_a_signature_that_is_not_hex()
    {
        var codec = new WireCodec(new MessageSigner(Key));
        var frames = ClientFrames(Key);
        frames[2] = Utf8("zz-not-hex");
        Assert.False(codec.TryDecode(frames, out _, out var error));
        Assert.Equal("invalid signature", error);
    }

    [Fact]
    public void Rejects_frames_without_a_delimiter()
    {
        var codec = new WireCodec(new MessageSigner(Key));
        var frames = ClientFrames(Key);
        frames.RemoveAt(1);
        Assert.False(codec.TryDecode(frames, out _, out var error));
        Assert.Contains("delimiter", error);
    }

    [Fact]
    public void Rejects_too_few_frames_after_the_delimiter()
    {
        var codec = new WireCodec(new MessageSigner(Key));
        var frames = ClientFrames(Key).Take(5).ToList();
        Assert.False(codec.TryDecode(frames, out _, out var error));
        Assert.Contains("expected at least 5", error);
    }

    [Fact]
    public void Rejects_json_that_is_not_an_object_even_when_signed()
    {
        var signer = new MessageSigner(Key);
        var codec = new WireCodec(signer);
        byte[] header = Utf8("[1,2]"), empty = Utf8("{}");
        string signature = signer.Sign(header, empty, empty, empty);
        Assert.False(codec.TryDecode([Utf8("<IDS|MSG>"), Utf8(signature), header, empty, empty, empty], out _, out var error));
        Assert.Equal("header is not a JSON object", error);
    }

    [Fact]
    public void Rejects_a_header_without_msg_type()
    {
        var signer = new MessageSigner(Key);
        var codec = new WireCodec(signer);
        byte[] header = Utf8("{\"msg_id\":\"x\"}"), empty = Utf8("{}");
        Assert.False(codec.TryDecode([Utf8("<IDS|MSG>"), Utf8(signer.Sign(header, empty, empty, empty)), header, empty, empty, empty], out _, out var error));
        Assert.Contains("msg_type", error);
    }

    [Fact]
    public void Encoded_reply_carries_identities_parent_and_a_verifiable_signature()
    {
        var codec = new WireCodec(new MessageSigner(Key));
        Assert.True(codec.TryDecode(ClientFrames(Key), out var request, out _));
        var reply = JupyterMessage.Create("execute_reply", new JsonObject { ["status"] = "ok", ["text"] = "<ü>" }, request, "kernel-session");
        var frames = codec.Encode(reply);

        Assert.Equal("client-identity", Encoding.UTF8.GetString(frames[0]));
        Assert.Equal("<IDS|MSG>", Encoding.UTF8.GetString(frames[1]));
        using var hmac = new HMACSHA256(Utf8(Key));
        Assert.Equal(Convert.ToHexStringLower(hmac.ComputeHash(frames.Skip(3).Take(4).SelectMany(f => f).ToArray())), Encoding.ASCII.GetString(frames[2]));
        var header = JsonNode.Parse(frames[3])!.AsObject();
        Assert.Equal("execute_reply", (string)header["msg_type"]!);
        Assert.Equal("5.3", (string)header["version"]!);
        Assert.Equal("kernel-session", (string)header["session"]!);
        Assert.Equal("m1", (string)JsonNode.Parse(frames[4])!["msg_id"]!);
        Assert.Equal("<ü>", (string)JsonNode.Parse(frames[6])!["text"]!);

        // The kernel's own message decodes under the same key: the two directions agree on the format.
        var peer = new WireCodec(new MessageSigner(Key));
        Assert.True(peer.TryDecode(frames, out var decoded, out var error), error);
        Assert.Equal(reply.MessageId, decoded!.MessageId);
    }

    [Fact]
    public void Without_a_key_messages_are_unsigned_and_accepted()
    {
        var codec = new WireCodec(new MessageSigner(""));
        var frames = ClientFrames("ignored");
        frames[2] = [];
        Assert.True(codec.TryDecode(frames, out _, out var error), error);
        Assert.Empty(codec.Encode(JupyterMessage.Create("status", new JsonObject(), null, "s"))[1]);
    }
}
