using System.Buffers.Binary;
using System.Text;

namespace ClientCredentials.Protocol.Caching.Format;

/// <summary>
/// The plaintext of a stored token, before protection: a format version byte, the SHA-256 of the cache key it belongs
/// to, the fresh-until instant the writer's memory cache gave it, the token's expiry, refresh and extended-expiry
/// instants (UTC ticks, −1 when absent), then its type, the token, its scopes, the <c>client-request-id</c> that
/// obtained it and its additional response fields (strings as a 7-bit-encoded UTF-8 length and the bytes).
/// </summary>
internal static class StoredTokenFormat
{
    /// <summary>The version this library writes and the only one it reads.</summary>
    public const byte Version = 1;

    private const long NoInstant = -1;
    private const int HashLength = 32;

    /// <summary>Writes <paramref name="token"/> for the key hashed as <paramref name="keyHash"/>; the caller clears the result after protecting it.</summary>
    public static byte[] Write(ReadOnlySpan<byte> keyHash, AccessToken token, DateTimeOffset freshUntil)
    {
        using var buffer = new MemoryStream(256 + (token.Token.Length * 2));
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Version);
            writer.Write(keyHash);
            writer.Write(freshUntil.UtcTicks);
            writer.Write(token.ExpiresOn.UtcTicks);
            writer.Write(token.RefreshOn?.UtcTicks ?? NoInstant);
            writer.Write(token.ExtendedExpiresOn?.UtcTicks ?? NoInstant);
            writer.Write(token.TokenType);
            writer.Write(token.Token);
            writer.Write7BitEncodedInt(token.Scopes.Count);
            foreach (var scope in token.Scopes)
            {
                writer.Write(scope);
            }

            writer.Write(token.CorrelationId ?? string.Empty);
            writer.Write7BitEncodedInt(token.AdditionalFields.Count);
            foreach (var (name, value) in token.AdditionalFields)
            {
                writer.Write(name);
                writer.Write(value);
            }
        }

        // GetBuffer would hand out spare capacity; the value must be exactly the written bytes.
        return buffer.ToArray();
    }

    /// <summary>
    /// Reads a plaintext written by <see cref="Write"/>. The outcome says why a value cannot be used: another format
    /// version, another key, or bytes that do not parse.
    /// </summary>
    public static StoredTokenReadOutcome TryRead(byte[] plaintext, ReadOnlySpan<byte> keyHash, out StoredToken stored)
    {
        stored = default;
        if (plaintext.Length == 0 || plaintext[0] != Version)
        {
            return StoredTokenReadOutcome.UnknownVersion;
        }

        if (plaintext.Length < 1 + HashLength + (4 * sizeof(long)) || !plaintext.AsSpan(1, HashLength).SequenceEqual(keyHash))
        {
            return plaintext.Length < 1 + HashLength ? StoredTokenReadOutcome.Malformed : StoredTokenReadOutcome.OtherKey;
        }

        try
        {
            var position = 1 + HashLength;
            var freshUntil = ReadInstant(plaintext, ref position);
            var expiresOn = ReadInstant(plaintext, ref position);
            var refreshOn = ReadInstant(plaintext, ref position);
            var extendedExpiresOn = ReadInstant(plaintext, ref position);
            using var reader = new BinaryReader(new MemoryStream(plaintext, position, plaintext.Length - position, writable: false), Encoding.UTF8);
            var tokenType = reader.ReadString();
            var token = reader.ReadString();
            var scopes = new string[CheckedCount(reader.Read7BitEncodedInt(), plaintext.Length)];
            for (var i = 0; i < scopes.Length; i++)
            {
                scopes[i] = reader.ReadString();
            }

            var correlationId = reader.ReadString();
            var fieldCount = CheckedCount(reader.Read7BitEncodedInt(), plaintext.Length);
            var fields = fieldCount == 0 ? null : new Dictionary<string, string>(fieldCount, StringComparer.Ordinal);
            for (var i = 0; i < fieldCount; i++)
            {
                fields![reader.ReadString()] = reader.ReadString();
            }

            if (reader.BaseStream.Position != reader.BaseStream.Length || freshUntil is null || expiresOn is null || token.Length == 0 || tokenType.Length == 0)
            {
                return StoredTokenReadOutcome.Malformed;
            }

            var accessToken = new AccessToken(token, tokenType, expiresOn.Value, refreshOn, extendedExpiresOn, scopes, correlationId.Length == 0 ? null : correlationId, TokenSource.DistributedCache);
            if (fields is not null)
            {
                accessToken = new AccessToken(token, tokenType, expiresOn.Value, refreshOn, extendedExpiresOn, scopes, accessToken.CorrelationId, TokenSource.DistributedCache) { AdditionalFields = fields };
            }

            stored = new StoredToken(accessToken, freshUntil.Value);
            return StoredTokenReadOutcome.Read;
        }
        catch (Exception ex) when (ex is EndOfStreamException or FormatException or IOException or ArgumentException or DecoderFallbackException)
        {
            return StoredTokenReadOutcome.Malformed;
        }
    }

    private static DateTimeOffset? ReadInstant(byte[] plaintext, ref int position)
    {
        var ticks = BinaryPrimitives.ReadInt64LittleEndian(plaintext.AsSpan(position, sizeof(long)));
        position += sizeof(long);
        if (ticks == NoInstant)
        {
            return null;
        }

        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            throw new FormatException("An instant is out of range.");
        }

        return new DateTimeOffset(ticks, TimeSpan.Zero);
    }

    /// <summary>A count can never exceed the bytes left; a larger one is a corrupt value, not an allocation to make.</summary>
    private static int CheckedCount(int count, int length) =>
        count < 0 || count > length ? throw new FormatException("A count is larger than the value.") : count;
}

/// <summary>A token read from the store, with the fresh-until instant it was stored with.</summary>
internal readonly record struct StoredToken(AccessToken Token, DateTimeOffset FreshUntil);

/// <summary>Why a stored value could or could not be read.</summary>
internal enum StoredTokenReadOutcome
{
    /// <summary>Read.</summary>
    Read,

    /// <summary>Could not be decrypted or authenticated (tampered, or protected with another key ring).</summary>
    NotDecryptable,

    /// <summary>Written in a format version this library does not read.</summary>
    UnknownVersion,

    /// <summary>Written for another cache key (a value copied or moved in the store).</summary>
    OtherKey,

    /// <summary>Decrypted, but the bytes do not parse.</summary>
    Malformed,
}
