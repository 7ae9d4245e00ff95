using System.Text;

namespace ClientCredentials.Protocol;

/// <summary>Reads an HTTP response body up to a size limit, so a misbehaving server cannot exhaust memory.</summary>
internal static class ResponseBodyReader
{
    /// <summary>The most a token or discovery response may hold: 1 MiB.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>Reads the body; throws <see cref="ResponseTooLargeException"/> past <see cref="MaxBodyBytes"/>.</summary>
    public static async Task<byte[]> ReadAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is > MaxBodyBytes)
        {
            throw new ResponseTooLargeException();
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                throw new ResponseTooLargeException();
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>A printable excerpt of at most <paramref name="maxChars"/> characters: control characters removed,
    /// whitespace collapsed. Used for bodies that are not JSON (proxy HTML pages, plain text).</summary>
    public static string Snippet(ReadOnlySpan<byte> body, int maxChars = 512)
    {
        var text = Encoding.UTF8.GetString(body.Length > maxChars * 4 ? body[..(maxChars * 4)] : body);
        var builder = new StringBuilder(Math.Min(text.Length, maxChars));
        var lastWasSpace = false;
        foreach (var c in text)
        {
            if (builder.Length >= maxChars)
            {
                break;
            }

            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                if (!lastWasSpace && builder.Length > 0)
                {
                    builder.Append(' ');
                }

                lastWasSpace = true;
                continue;
            }

            builder.Append(c);
            lastWasSpace = false;
        }

        return builder.ToString().TrimEnd();
    }
}

/// <summary>Raised when a response body exceeds <see cref="ResponseBodyReader.MaxBodyBytes"/>.</summary>
internal sealed class ResponseTooLargeException() : IOException($"The response body exceeds {ResponseBodyReader.MaxBodyBytes} bytes.");
