using System.Text.Json.Nodes;

namespace NotebookNN.Kernel.Jupyter;

/// <summary>The contents of a Jupyter connection file: where the five sockets bind and how messages are signed.</summary>
public sealed record ConnectionInfo(
    string Transport,
    string IP,
    int ShellPort,
    int IOPubPort,
    int StdinPort,
    int ControlPort,
    int HeartbeatPort,
    string Key,
    string SignatureScheme)
{
    /// <summary>The ZeroMQ endpoint for <paramref name="port"/>, e.g. <c>tcp://127.0.0.1:5555</c>.</summary>
    public string Endpoint(int port) => $"{Transport}://{IP}:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>Reads and validates a connection file written by a Jupyter front end.</summary>
    /// <exception cref="ArgumentException">The file is missing, is not JSON, or lacks a field the kernel needs.</exception>
    public static ConnectionInfo Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
            throw new ArgumentException($"Connection file '{path}' does not exist. Pass the file the Jupyter front end wrote (kernel.json's {{connection_file}}).", nameof(path));
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new ArgumentException($"Connection file '{path}' is not valid JSON: {e.Message}", nameof(path), e);
        }
        if (root is not JsonObject json)
            throw new ArgumentException($"Connection file '{path}' must hold a JSON object.", nameof(path));
        return Parse(json, path);
    }

    /// <summary>Validates an already parsed connection object; <paramref name="source"/> names it in error messages.</summary>
    public static ConnectionInfo Parse(JsonObject json, string source)
    {
        string transport = OptionalString(json, "transport", "tcp", source);
        if (transport != "tcp")
            throw new ArgumentException($"{source}: transport '{transport}' is not supported; use \"tcp\".");
        string scheme = OptionalString(json, "signature_scheme", MessageSigner.SupportedScheme, source);
        string key = OptionalString(json, "key", "", source);
        if (key.Length > 0 && scheme != MessageSigner.SupportedScheme)
            throw new ArgumentException($"{source}: signature_scheme '{scheme}' is not supported; use \"{MessageSigner.SupportedScheme}\".");
        return new ConnectionInfo(
            transport,
            OptionalString(json, "ip", "127.0.0.1", source),
            Port(json, "shell_port", source),
            Port(json, "iopub_port", source),
            Port(json, "stdin_port", source),
            Port(json, "control_port", source),
            Port(json, "hb_port", source),
            key,
            scheme);
    }

    private static string OptionalString(JsonObject json, string name, string fallback, string source)
    {
        if (!json.TryGetPropertyValue(name, out var node) || node is null)
            return fallback;
        if (node is JsonValue value && value.TryGetValue(out string? text))
            return text;
        throw new ArgumentException($"{source}: '{name}' must be a string.");
    }

    private static int Port(JsonObject json, string name, string source)
    {
        if (json[name] is JsonValue value && value.TryGetValue(out int port) && port is > 0 and <= 65535)
            return port;
        throw new ArgumentException($"{source}: '{name}' must be a TCP port number between 1 and 65535.");
    }
}
