using System.Buffers;
using System.Net.Http.Headers;

namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>
/// A token or discovery response body is read whole up to 1 MiB and refused past it, whether the server announces its
/// length or not, so a broken or hostile server cannot make the client hold more; a body announced as too large is
/// refused without reading a byte.
/// </summary>
public sealed class ResponseBodyLimitTests
{
    private const int Limit = ResponseBodyReader.MaxBodyBytes;

    [Theory]
    [InlineData(0, 1)]
    [InlineData(10, 3)]
    [InlineData(4096, 4096)]
    [InlineData(4097, 1000)]
    [InlineData(Limit, 1000)]
    [InlineData(Limit, 65_536)]
    public async Task A_body_of_unannounced_length_up_to_the_limit_is_read_whole(int length, int piece)
    {
        var body = Bytes(length);

        var read = await ResponseBodyReader.ReadAsync(Unannounced(body, piece), CancellationToken.None);

        Assert.Equal(body, read);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(65_536)]
    public async Task A_body_of_unannounced_length_one_byte_past_the_limit_is_refused(int piece)
    {
        var content = Unannounced(Bytes(Limit + 1), piece);

        var error = await Assert.ThrowsAsync<ResponseTooLargeException>(() => ResponseBodyReader.ReadAsync(content, CancellationToken.None));

        Assert.Equal("The response body exceeds 1048576 bytes.", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Limit)]
    public async Task A_body_of_announced_length_up_to_the_limit_is_read_whole_even_in_small_pieces(int length)
    {
        var body = Bytes(length);
        var content = Unannounced(body, 777);
        content.Headers.ContentLength = length;

        Assert.Equal(body, await ResponseBodyReader.ReadAsync(content, CancellationToken.None));
    }

    [Fact]
    public async Task A_body_announced_past_the_limit_is_refused_before_a_byte_is_read()
    {
        var stream = new PieceStream(Bytes(16), 16);
        var content = new StreamContent(stream);
        content.Headers.ContentLength = Limit + 1;

        await Assert.ThrowsAsync<ResponseTooLargeException>(() => ResponseBodyReader.ReadAsync(content, CancellationToken.None));
        Assert.Equal(0, stream.BytesRead);
    }

    [Theory]
    [InlineData(100, 7)]
    [InlineData(5000, 5000)]
    public async Task A_body_is_read_up_to_its_announced_length_and_no_further(int announced, int piece)
    {
        var stream = new PieceStream(Bytes(announced + 50), piece);
        var content = new StreamContent(stream);
        content.Headers.ContentLength = announced;

        using var body = await ResponseBodyReader.ReadPooledAsync(content, CancellationToken.None);

        Assert.Equal(Bytes(announced + 50)[..announced], body.Span.ToArray());
        Assert.Equal(announced, stream.BytesRead);
    }

    [Fact]
    public async Task A_body_that_ends_before_its_announced_length_is_what_arrived()
    {
        var content = new StreamContent(new PieceStream(Bytes(40), 16));
        content.Headers.ContentLength = 100;

        Assert.Equal(Bytes(40), await ResponseBodyReader.ReadAsync(content, CancellationToken.None));
    }

    [Fact]
    public void A_returned_buffer_has_the_bytes_read_wiped_so_no_token_lingers_in_the_pool()
    {
        var buffer = Bytes(64);
        buffer[0] = 1;

        PooledResponseBody.Return(buffer, used: 40);

        Assert.All(buffer[..40], b => Assert.Equal(0, b));
        Assert.Equal(Bytes(64)[40..], buffer[40..]);
    }

    [Fact]
    public async Task A_buffer_outgrown_while_reading_goes_back_to_the_pool_wiped()
    {
        // The shared pool hands this thread the array of a size it returned last, so the reader's first buffer is this one.
        var first = ArrayPool<byte>.Shared.Rent(4096);
        first.AsSpan().Fill(0xAA);
        ArrayPool<byte>.Shared.Return(first);

        var read = ResponseBodyReader.ReadAsync(Unannounced(Bytes(5000), 5000), CancellationToken.None);

        Assert.True(read.IsCompletedSuccessfully, "a synchronous stream is read synchronously");
        Assert.Equal(Bytes(5000), await read);
        Assert.All(first, b => Assert.Equal(0, b));
        var again = ArrayPool<byte>.Shared.Rent(4096);
        ArrayPool<byte>.Shared.Return(again);
        Assert.Same(first, again);
    }

    [Fact]
    public async Task A_buffer_goes_back_to_the_pool_wiped_when_the_read_fails()
    {
        var first = ArrayPool<byte>.Shared.Rent(4096);
        first.AsSpan().Fill(0xAA);
        ArrayPool<byte>.Shared.Return(first);

        var read = ResponseBodyReader.ReadAsync(new StreamContent(new PieceStream(Bytes(100), 100, resetAtEnd: true)), CancellationToken.None);

        Assert.True(read.IsCompleted, "a synchronous stream is read synchronously");
        await Assert.ThrowsAsync<IOException>(() => read);
        Assert.All(first[..100], b => Assert.Equal(0, b));
    }

    private static byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i * 31 % 251);
        }

        return bytes;
    }

    private static StreamContent Unannounced(byte[] body, int piece)
    {
        var content = new StreamContent(new PieceStream(body, piece));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        Assert.Null(content.Headers.ContentLength);
        return content;
    }

    /// <summary>Gives <c>source</c> in one read, then fails as a broken connection does.</summary>
    /// <summary>
    /// A network-like stream: not seekable, at most <c>piece</c> bytes per read; with <c>resetAtEnd</c> the read after
    /// the last byte fails as a reset connection instead of ending the body.
    /// </summary>
    private sealed class PieceStream(byte[] source, int piece, bool resetAtEnd = false) : Stream
    {
        private int _position;

        public int BytesRead => _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (resetAtEnd && _position == source.Length)
            {
                throw new IOException("connection reset by the test");
            }

            var n = Math.Min(Math.Min(piece, buffer.Length), source.Length - _position);
            source.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
