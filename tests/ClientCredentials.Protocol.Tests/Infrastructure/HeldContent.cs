using System.Net;

namespace ClientCredentials.Protocol.Tests.Infrastructure;

/// <summary>
/// A response body whose stream and every read of it complete only when the test releases them through
/// <see cref="ScriptedHttpHandler.ReleaseNext"/>, so that a reader is suspended there. Its length is announced.
/// </summary>
internal sealed class HeldContent(byte[] body, ScriptedHttpHandler releases, bool holdOpen = true) : HttpContent
{
    /// <summary>The response with its body replaced by a held copy of it.</summary>
    public static HttpResponseMessage Around(HttpResponseMessage response, ScriptedHttpHandler releases, bool holdOpen = true)
    {
        var body = response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
        var mediaType = response.Content.Headers.ContentType;
        response.Content = new HeldContent(body, releases, holdOpen);
        response.Content.Headers.ContentType = mediaType;
        return response;
    }

    /// <summary>Opening the stream is held unless <c>holdOpen</c> is false; each read of it is held.</summary>
    protected override Task<Stream> CreateContentReadStreamAsync() =>
        holdOpen ? releases.Later<Stream>(() => new HeldStream(body, releases)) : Task.FromResult<Stream>(new HeldStream(body, releases));

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(body).AsTask();

    protected override bool TryComputeLength(out long length)
    {
        length = body.Length;
        return true;
    }

    private sealed class HeldStream(byte[] body, ScriptedHttpHandler releases) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            new(releases.Later(() =>
            {
                var n = Math.Min(buffer.Length, body.Length - _position);
                body.AsSpan(_position, n).CopyTo(buffer.Span);
                _position += n;
                return n;
            }));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
