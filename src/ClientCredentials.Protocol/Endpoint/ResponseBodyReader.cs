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
}

/// <summary>Raised when a response body exceeds <see cref="ResponseBodyReader.MaxBodyBytes"/>.</summary>
internal sealed class ResponseTooLargeException() : IOException($"The response body exceeds {ResponseBodyReader.MaxBodyBytes} bytes.");
