namespace ClientCredentials.Protocol;

/// <summary>
/// New <c>client-request-id</c> values: version 4 GUIDs (RFC 9562 §5.4) in the 36-character form AAD echoes as
/// <c>correlation_id</c>. A correlation id only has to be unique enough to find one request in the server's logs; it
/// is neither a secret nor a security token, so it is drawn from <see cref="Random.Shared"/> (122 random bits) rather
/// than the operating system's cryptographic source that <see cref="Guid.NewGuid"/> reads, a system call that costs
/// more than the rest of a token request's client-side work on some virtual machines.
/// </summary>
internal static class CorrelationId
{
    public static string New()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);

        // Big-endian field order (RFC 9562 §4): the version in the high nibble of octet 6, the variant 10xx in octet 8.
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        // Stryker disable once String : Guid.ToString("") is the "D" format
        return new Guid(bytes, bigEndian: true).ToString("D");
    }
}
