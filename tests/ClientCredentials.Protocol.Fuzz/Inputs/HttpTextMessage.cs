using System.Text;

namespace ClientCredentials.Protocol.Fuzz.Inputs;

/// <summary>
/// A fuzz input laid out like an HTTP/1.1 message: a start line, header lines (<c>Name: value</c>), an empty line,
/// then the body bytes. Seed files stay readable and the fuzzer mutates status, headers and body alike. The head is
/// read as Latin-1, so every byte of a header survives as one character, as it does on the wire.
/// </summary>
public sealed record HttpTextMessage(string StartLine, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    /// <summary>Splits <paramref name="input"/>; null when it has no empty line ending a head.</summary>
    public static HttpTextMessage? TryParse(ReadOnlySpan<byte> input)
    {
        var (headEnd, bodyStart) = FindHeadEnd(input);
        if (headEnd < 0)
        {
            return null;
        }

        var lines = Encoding.Latin1.GetString(input[..headEnd]).Split('\n');
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
            }
        }

        return new HttpTextMessage(lines[0].TrimEnd('\r'), headers, input[bodyStart..].ToArray());
    }

    private static (int HeadEnd, int BodyStart) FindHeadEnd(ReadOnlySpan<byte> input)
    {
        for (var i = 0; i + 1 < input.Length; i++)
        {
            if (input[i] != (byte)'\n')
            {
                continue;
            }

            if (input[i + 1] == (byte)'\n')
            {
                return (i, i + 2);
            }

            if (input[i + 1] == (byte)'\r' && i + 2 < input.Length && input[i + 2] == (byte)'\n')
            {
                return (i, i + 3);
            }
        }

        return (-1, -1);
    }
}
