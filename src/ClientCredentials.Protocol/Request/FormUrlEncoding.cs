using System.Text;

namespace ClientCredentials.Protocol;

/// <summary>
/// application/x-www-form-urlencoded encoding of one value (RFC 6749 Appendix B, WHATWG URL §5.2): UTF-8 bytes;
/// ASCII letters, digits and <c>*-._</c> kept; space as <c>+</c>; every other byte as <c>%XX</c> in upper case.
/// </summary>
internal static class FormUrlEncoding
{
    public static string Encode(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
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
}
