using System.Globalization;
using System.Text;

namespace ClientCredentials.Protocol.Testing;

/// <summary>
/// One HTTP/1.1 request or response as bytes on a socket (RFC 9112): the start line, the header lines in wire order,
/// and the body with its framing (<c>Content-Length</c>, chunked, or until the peer closes) already removed.
/// Just enough HTTP for <see cref="NetworkFaultProxy"/> to pass messages through unchanged.
/// </summary>
internal sealed class RawHttpMessage
{
    private const int MaxHeadBytes = 64 * 1024;
    private const int MaxBodyBytes = 16 * 1024 * 1024;
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();

    private RawHttpMessage(string startLine, List<KeyValuePair<string, string>> headers, byte[] body)
    {
        StartLine = startLine;
        Headers = headers;
        Body = body;
    }

    /// <summary><c>POST /t/oauth2/v2.0/token HTTP/1.1</c> or <c>HTTP/1.1 200 OK</c>.</summary>
    public string StartLine { get; }

    /// <summary>The header lines in wire order, names as sent.</summary>
    public List<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The body without its transfer framing.</summary>
    public byte[] Body { get; }

    /// <summary>The first value of a header (names compare case-insensitively), or null.</summary>
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>Removes every line of the named headers.</summary>
    public void RemoveHeaders(params string[] names) =>
        Headers.RemoveAll(h => names.Any(n => string.Equals(h.Key, n, StringComparison.OrdinalIgnoreCase)));

    /// <summary>
    /// Reads one message from <paramref name="input"/>, or returns null when the peer closed the connection before a
    /// message began. A request without <c>Content-Length</c> or chunked encoding has no body; a response without
    /// either runs until the peer closes.
    /// </summary>
    public static async Task<RawHttpMessage?> ReadAsync(BufferedReader input, bool isResponse, CancellationToken cancellationToken)
    {
        var head = await input.ReadUntilAsync(HeadEnd, MaxHeadBytes, cancellationToken).ConfigureAwait(false);
        if (head is null)
        {
            return null;
        }

        var lines = Encoding.Latin1.GetString(head, 0, head.Length - HeadEnd.Length).Split("\r\n");
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new InvalidDataException($"Not an HTTP header line: '{line}'.");
            }

            headers.Add(new(line[..colon], line[(colon + 1)..].Trim()));
        }

        var message = new RawHttpMessage(lines[0], headers, []);
        var body = message.Header("Transfer-Encoding") is { } encoding && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase)
            ? await ReadChunkedAsync(input, cancellationToken).ConfigureAwait(false)
            : message.Header("Content-Length") is { } length
                ? await input.ReadExactlyAsync(ParseLength(length), cancellationToken).ConfigureAwait(false)
                : isResponse ? await input.ReadToEndAsync(MaxBodyBytes, cancellationToken).ConfigureAwait(false) : [];
        return new RawHttpMessage(lines[0], headers, body);
    }

    /// <summary>
    /// The message framed by <c>Content-Length</c> (any <c>Transfer-Encoding</c> or earlier length dropped), plus
    /// <paramref name="extraHeaders"/>.
    /// </summary>
    public byte[] Serialize(params KeyValuePair<string, string>[] extraHeaders)
    {
        var head = new StringBuilder(StartLine).Append("\r\n");
        var framing = new[] { "Content-Length", "Transfer-Encoding" };
        foreach (var (name, value) in Headers.Where(h => !framing.Contains(h.Key, StringComparer.OrdinalIgnoreCase)).Concat(extraHeaders))
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        head.Append("Content-Length: ").Append(Body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n\r\n");
        return [.. Encoding.Latin1.GetBytes(head.ToString()), .. Body];
    }

    /// <summary>The head alone (start line, headers, <c>Content-Length</c>, blank line), for a body sent in pieces.</summary>
    public byte[] SerializeHead() => Serialize()[..^Body.Length];

    private static int ParseLength(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var length) && length <= MaxBodyBytes
            ? length
            : throw new InvalidDataException($"Content-Length '{value}' is not a length up to {MaxBodyBytes} bytes.");

    private static async Task<byte[]> ReadChunkedAsync(BufferedReader input, CancellationToken cancellationToken)
    {
        var body = new List<byte>();
        while (true)
        {
            var sizeLine = await input.ReadUntilAsync("\r\n"u8.ToArray(), 1024, cancellationToken).ConfigureAwait(false)
                ?? throw new EndOfStreamException("The chunked body ended before its last chunk.");
            var sizeText = Encoding.ASCII.GetString(sizeLine, 0, sizeLine.Length - 2).Split(';')[0].Trim();
            var size = int.Parse(sizeText, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                // Trailer lines, if any, end with an empty line.
                while ((await input.ReadUntilAsync("\r\n"u8.ToArray(), MaxHeadBytes, cancellationToken).ConfigureAwait(false))?.Length > 2)
                {
                }

                return [.. body];
            }

            if (body.Count + size > MaxBodyBytes)
            {
                throw new InvalidDataException($"The chunked body is longer than {MaxBodyBytes} bytes.");
            }

            body.AddRange(await input.ReadExactlyAsync(size, cancellationToken).ConfigureAwait(false));
            await input.ReadExactlyAsync(2, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>Reads a stream through a buffer, so that a message's head and body can be taken apart without losing bytes.</summary>
internal sealed class BufferedReader(Stream stream)
{
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    /// <summary>Bytes up to and including <paramref name="delimiter"/>; null if the stream ended before any byte.</summary>
    public async Task<byte[]?> ReadUntilAsync(byte[] delimiter, int limit, CancellationToken cancellationToken)
    {
        var collected = new List<byte>();
        while (true)
        {
            for (; _start < _end; _start++)
            {
                collected.Add(_buffer[_start]);
                if (collected.Count >= delimiter.Length && collected.TakeLast(delimiter.Length).SequenceEqual(delimiter))
                {
                    _start++;
                    return [.. collected];
                }

                if (collected.Count > limit)
                {
                    throw new InvalidDataException($"No '{Encoding.ASCII.GetString(delimiter).ReplaceLineEndings("\\n")}' within {limit} bytes.");
                }
            }

            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                return collected.Count == 0 ? null : throw new EndOfStreamException("The peer closed the connection in the middle of a message.");
            }
        }
    }

    /// <summary>Exactly <paramref name="count"/> bytes.</summary>
    public async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
    {
        var result = new byte[count];
        var filled = 0;
        while (filled < count)
        {
            if (_start == _end && !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new EndOfStreamException($"The peer closed the connection after {filled} of {count} body bytes.");
            }

            var take = Math.Min(count - filled, _end - _start);
            Array.Copy(_buffer, _start, result, filled, take);
            _start += take;
            filled += take;
        }

        return result;
    }

    /// <summary>Everything until the peer closes the connection.</summary>
    public async Task<byte[]> ReadToEndAsync(int limit, CancellationToken cancellationToken)
    {
        var collected = new List<byte>();
        do
        {
            collected.AddRange(_buffer.AsSpan(_start, _end - _start).ToArray());
            _start = _end;
            if (collected.Count > limit)
            {
                throw new InvalidDataException($"The body is longer than {limit} bytes.");
            }
        }
        while (await FillAsync(cancellationToken).ConfigureAwait(false));

        return [.. collected];
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        _start = 0;
        _end = await stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
        return _end > 0;
    }
}
