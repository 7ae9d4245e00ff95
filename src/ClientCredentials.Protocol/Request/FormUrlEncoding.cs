using System.Text;

namespace ClientCredentials.Protocol;

/// <summary>
/// application/x-www-form-urlencoded encoding of one value (RFC 6749 Appendix B, WHATWG URL §5.2): UTF-8 bytes;
/// ASCII letters, digits and <c>*-._</c> kept; space as <c>+</c>; every other byte as <c>%XX</c> in upper case.
/// </summary>
internal static class FormUrlEncoding
{
    /// <summary>The characters written as they are; a value made only of them (a client id, a GUID, most secrets) is copied in one step.</summary>
    // Stryker disable once String : an empty set only sends every value down the general path, which writes the same bytes
    private static readonly System.Buffers.SearchValues<char> Unreserved =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789*-._");

    public static string Encode(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        // Stryker disable once Arithmetic : a capacity hint only
        var builder = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'*' or (byte)'-' or (byte)'.' or (byte)'_')
            {
                builder.Append((char)b);
            }
            else if (b == (byte)' ')
            {
                builder.Append('+');
            }
            else
            {
                builder.Append('%').Append(Convert.ToHexString([b]));
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Encodes a whole form body as the UTF-8 bytes sent: <c>name=value</c> pairs joined with <c>&amp;</c>, in the
    /// given order; the same text as <see cref="EncodeForm"/>, written once into an array of its exact length.
    /// </summary>
    public static byte[] EncodeFormUtf8(IReadOnlyList<KeyValuePair<string, string>> fields)
    {
        var length = 0;
        for (var i = 0; i < fields.Count; i++)
        {
            length += (i > 0 ? 1 : 0) + EncodedLength(fields[i].Key) + 1 + EncodedLength(fields[i].Value);
        }

        var body = new byte[length];
        var at = 0;
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                body[at++] = (byte)'&';
            }

            at = Write(fields[i].Key, body, at);
            body[at++] = (byte)'=';
            at = Write(fields[i].Value, body, at);
        }

        return body;
    }

    /// <summary>Encodes a whole form body: <c>name=value</c> pairs joined with <c>&amp;</c>, in the given order.</summary>
    public static string EncodeForm(IEnumerable<KeyValuePair<string, string>> fields)
    {
        var builder = new StringBuilder();
        foreach (var (name, value) in fields)
        {
            if (builder.Length > 0)
            {
                builder.Append('&');
            }

            builder.Append(Encode(name)).Append('=').Append(Encode(value));
        }

        return builder.ToString();
    }

    private static bool IsUnreserved(byte b) =>
        b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'*' or (byte)'-' or (byte)'.' or (byte)'_';

    private static int EncodedLength(string value)
    {
        // Stryker disable once Block : a shortcut only; the loop below counts the same length for such a value
        if (!value.AsSpan().ContainsAnyExcept(Unreserved))
        {
            return value.Length;
        }

        var length = 0;
        foreach (var c in value)
        {
            length += c < 0x80 ? (IsUnreserved((byte)c) || c == ' ' ? 1 : 3) : 0;
        }

        // Stryker disable once Conditional : a shortcut only; for an ASCII value the added term is 3 × 0
        return IsAscii(value) ? length : length + (3 * (Encoding.UTF8.GetByteCount(value) - AsciiCount(value)));
    }

    private static int Write(string value, byte[] destination, int at)
    {
        if (!value.AsSpan().ContainsAnyExcept(Unreserved))
        {
            return at + Encoding.ASCII.GetBytes(value, destination.AsSpan(at));
        }

        if (IsAscii(value))
        {
            foreach (var c in value)
            {
                at = WriteByte((byte)c, destination, at);
            }

            return at;
        }

        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            at = WriteByte(b, destination, at);
        }

        return at;
    }

    private static int WriteByte(byte b, byte[] destination, int at)
    {
        if (IsUnreserved(b))
        {
            destination[at++] = b;
        }
        else if (b == (byte)' ')
        {
            destination[at++] = (byte)'+';
        }
        else
        {
            destination[at++] = (byte)'%';
            // Stryker disable once Bitwise : b is a byte, never negative, so >> and >>> shift alike
            destination[at++] = (byte)"0123456789ABCDEF"[b >> 4];
            destination[at++] = (byte)"0123456789ABCDEF"[b & 0xF];
        }

        return at;
    }

    private static bool IsAscii(string value) => System.Text.Ascii.IsValid(value);

    private static int AsciiCount(string value)
    {
        var count = 0;
        foreach (var c in value)
        {
            count += c < 0x80 ? 1 : 0;
        }

        return count;
    }
}
