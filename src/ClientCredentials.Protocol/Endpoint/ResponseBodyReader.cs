using System.Buffers;

namespace ClientCredentials.Protocol;

/// <summary>Reads an HTTP response body up to a size limit, so a misbehaving server cannot exhaust memory.</summary>
internal static class ResponseBodyReader
{
    /// <summary>The most a token or discovery response may hold: 1 MiB.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>The first buffer rented when the length is not announced; a token response fits in it.</summary>
    private const int InitialBufferBytes = 4 * 1024;

    /// <summary>
    /// Reads the body into an array of exactly its length; throws <see cref="ResponseTooLargeException"/> past
    /// <see cref="MaxBodyBytes"/>. With a <c>Content-Length</c> it reads straight into that array; without one it
    /// reads into pooled buffers and copies once at the end.
    /// </summary>
    public static async Task<byte[]> ReadAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var announced = content.Headers.ContentLength;
        if (announced is > MaxBodyBytes)
        {
            throw new ResponseTooLargeException();
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        if (announced is { } length)
        {
            var body = new byte[length];
            var filled = 0;
            while (filled < body.Length)
            {
                var read = await stream.ReadAsync(body.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                filled += read;
            }

            return filled == body.Length ? body : body[..filled];
        }

        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
        try
        {
            var filled = 0;
            while (true)
            {
                if (filled == buffer.Length)
                {
                    if (buffer.Length >= MaxBodyBytes + 1)
                    {
                        throw new ResponseTooLargeException();
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxBodyBytes + 1));
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                filled += read;
                if (filled > MaxBodyBytes)
                {
                    throw new ResponseTooLargeException();
                }
            }

            return buffer.AsSpan(0, filled).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>Raised when a response body exceeds <see cref="ResponseBodyReader.MaxBodyBytes"/>.</summary>
internal sealed class ResponseTooLargeException() : IOException($"The response body exceeds {ResponseBodyReader.MaxBodyBytes} bytes.");
