using System.Buffers;

namespace ClientCredentials.Protocol;

/// <summary>Reads an HTTP response body up to a size limit, so a misbehaving server cannot exhaust memory.</summary>
internal static class ResponseBodyReader
{
    /// <summary>The most a token or discovery response may hold: 1 MiB.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>The first buffer rented when the length is not announced; a token response fits in it.</summary>
    private const int InitialBufferBytes = 4 * 1024;

    /// <summary>Reads the body into an array of exactly its length (for callers that keep it past the read).</summary>
    public static async Task<byte[]> ReadAsync(HttpContent content, CancellationToken cancellationToken)
    {
        using var body = await ReadPooledAsync(content, cancellationToken).ConfigureAwait(false);
        return body.Span.ToArray();
    }

    /// <summary>
    /// Reads the body into a pooled buffer (one of <c>Content-Length</c> bytes when announced); throws
    /// <see cref="ResponseTooLargeException"/> past <see cref="MaxBodyBytes"/>. Dispose the result once parsed: it
    /// wipes the bytes read (a token response holds a token) and returns the buffer.
    /// </summary>
    public static async Task<PooledResponseBody> ReadPooledAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var announced = content.Headers.ContentLength;
        if (announced is > MaxBodyBytes)
        {
            throw new ResponseTooLargeException();
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(announced is { } length ? Math.Max((int)length, 1) : InitialBufferBytes);
        var filled = 0;
        try
        {
            while (announced is null || filled < announced)
            {
                // A full buffer holds at most MaxBodyBytes (more threw after the read), so the next one, of up to
                // MaxBodyBytes + 1 bytes, has room for the byte that proves the body too large.
                if (filled == buffer.Length)
                {
                    // Stryker disable once Linq : the size of the next buffer changes memory use only; the bytes read and the limit stay the same
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxBodyBytes + 1));
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    PooledResponseBody.Return(buffer, filled);
                    buffer = larger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(filled, announced is { } expected ? (int)expected - filled : buffer.Length - filled), cancellationToken).ConfigureAwait(false);
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

            return new PooledResponseBody(buffer, filled);
        }
        catch
        {
            PooledResponseBody.Return(buffer, filled);
            throw;
        }
    }
}

/// <summary>A response body in a rented buffer; <see cref="Dispose"/> wipes it and returns the buffer to the pool.</summary>
internal readonly struct PooledResponseBody : IDisposable
{
    private readonly byte[] _buffer;
    private readonly int _length;

    public PooledResponseBody(byte[] buffer, int length) => (_buffer, _length) = (buffer, length);

    /// <summary>The bytes read.</summary>
    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, _length);

    public void Dispose() => Return(_buffer, _length);

    /// <summary>Wipes the first <paramref name="used"/> bytes (a token must not linger in pooled memory) and returns the buffer.</summary>
    internal static void Return(byte[] buffer, int used)
    {
        buffer.AsSpan(0, used).Clear();
        ArrayPool<byte>.Shared.Return(buffer);
    }
}

/// <summary>Raised when a response body exceeds <see cref="ResponseBodyReader.MaxBodyBytes"/>.</summary>
internal sealed class ResponseTooLargeException() : IOException($"The response body exceeds {ResponseBodyReader.MaxBodyBytes} bytes.");
