using System.Net;
using System.Text;

namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>
/// Discovery never resumes on the caller's synchronization context (a UI thread, a classic ASP.NET request): a caller
/// that blocks on the token endpoint there would otherwise deadlock. The metadata comes from an in-memory handler whose
/// answer, or whose body, arrives only after the caller's code has awaited it.
/// </summary>
public sealed class DiscoveryContinuationTests
{
    private static readonly Uri Issuer = new("https://issuer.example/");

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task Discovery_never_resumes_on_the_callers_synchronization_context(bool rfc8414First, bool headersAtOnce)
    {
        using var http = new HttpClient(new LateMetadataHandler(headersAtOnce));
        var authority = rfc8414First ? TokenAuthority.OAuthIssuer(Issuer) : TokenAuthority.OidcIssuer(Issuer);
        var context = new RecordingSynchronizationContext();

        Task<Uri> pending;
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        try
        {
            pending = authority.GetTokenEndpointAsync(http).AsTask();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        Assert.Equal(new Uri("https://issuer.example/token"), await pending);
        Assert.Equal(0, context.Posts);
    }

    /// <summary>Counts the continuations posted to it and runs them on the thread pool.</summary>
    private sealed class RecordingSynchronizationContext : SynchronizationContext
    {
        private int _posts;

        public int Posts => Volatile.Read(ref _posts);

        public override void Post(SendOrPostCallback d, object? state)
        {
            Interlocked.Increment(ref _posts);
            base.Post(d, state);
        }
    }

    /// <summary>Answers every GET with the issuer's metadata: the headers late (or at once), the body always late.</summary>
    private sealed class LateMetadataHandler(bool headersAtOnce) : HttpMessageHandler
    {
        private static readonly byte[] Document = Encoding.UTF8.GetBytes($$"""{"issuer":"{{Issuer.OriginalString}}","token_endpoint":"https://issuer.example/token"}""");

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (!headersAtOnce)
            {
                await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
            }

            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new LateStream(Document)), RequestMessage = request };
        }
    }

    /// <summary>A stream whose every read completes only after the reader has awaited it.</summary>
    private sealed class LateStream(byte[] content) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
            var count = Math.Min(buffer.Length, content.Length - _position);
            content.AsMemory(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
