using System.Security.Cryptography;

namespace NotebookNN.Kernel.Jupyter;

/// <summary>
/// Signs outgoing messages and authenticates incoming ones with HMAC-SHA256 over the four JSON frames
/// (header, parent_header, metadata, content), as the Jupyter wire protocol specifies. An empty key disables
/// signing (the protocol's "no authentication" mode); the signature is then the empty string.
/// </summary>
public sealed class MessageSigner
{
    /// <summary>The only <c>signature_scheme</c> this kernel accepts.</summary>
    public const string SupportedScheme = "hmac-sha256";

    // ipykernel keeps the same number of digests; old ones are forgotten so memory stays bounded in long sessions.
    private const int ReplayHistoryLimit = 1 << 16;

    private readonly byte[] _key;
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Queue<string> _seenOrder = new();
    private readonly Lock _seenLock = new();

    public MessageSigner(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _key = System.Text.Encoding.UTF8.GetBytes(key);
    }

    /// <summary>Whether messages are signed at all (a non-empty key).</summary>
    public bool Enabled => _key.Length > 0;

    /// <summary>The lowercase hex signature of the four frames, or "" when signing is disabled.</summary>
    public string Sign(ReadOnlySpan<byte> header, ReadOnlySpan<byte> parentHeader, ReadOnlySpan<byte> metadata, ReadOnlySpan<byte> content)
    {
        if (!Enabled)
            return "";
        return Convert.ToHexStringLower(Digest(header, parentHeader, metadata, content));
    }

    /// <summary>Checks an incoming message's signature: valid hex, equal in constant time, and never seen before.</summary>
    public SignatureCheck Verify(string signature, ReadOnlySpan<byte> header, ReadOnlySpan<byte> parentHeader, ReadOnlySpan<byte> metadata, ReadOnlySpan<byte> content)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (!Enabled)
            return SignatureCheck.Valid;
        byte[] claimed;
        try
        {
            claimed = Convert.FromHexString(signature);
        }
        catch (FormatException)
        {
            return SignatureCheck.Invalid;
        }
        byte[] expected = Digest(header, parentHeader, metadata, content);
        if (!CryptographicOperations.FixedTimeEquals(claimed, expected))
            return SignatureCheck.Invalid;
        return Remember(Convert.ToHexStringLower(expected)) ? SignatureCheck.Valid : SignatureCheck.Replayed;
    }

    private byte[] Digest(ReadOnlySpan<byte> header, ReadOnlySpan<byte> parentHeader, ReadOnlySpan<byte> metadata, ReadOnlySpan<byte> content)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        hmac.AppendData(header);
        hmac.AppendData(parentHeader);
        hmac.AppendData(metadata);
        hmac.AppendData(content);
        return hmac.GetHashAndReset();
    }

    /// <returns>False when the digest was already seen (a replay).</returns>
    private bool Remember(string digest)
    {
        lock (_seenLock)
        {
            if (!_seen.Add(digest))
                return false;
            _seenOrder.Enqueue(digest);
            if (_seenOrder.Count > ReplayHistoryLimit)
                _seen.Remove(_seenOrder.Dequeue());
            return true;
        }
    }
}

/// <summary>The outcome of authenticating an incoming message.</summary>
public enum SignatureCheck
{
    Valid,
    /// <summary>Not valid hex, or not the HMAC of the frames under the session key.</summary>
    Invalid,
    /// <summary>A correct signature that was already accepted once: a replayed message.</summary>
    Replayed,
}
