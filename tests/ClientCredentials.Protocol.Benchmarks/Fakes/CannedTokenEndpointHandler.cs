using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace ClientCredentials.Protocol.Benchmarks.Fakes;

/// <summary>
/// An in-memory token endpoint shared by every contender: it answers any POST to a path ending in <c>/token</c>
/// with an AAD v2 success body (<c>token_type</c>, <c>expires_in</c>, <c>ext_expires_in</c>, <c>access_token</c>)
/// and counts it; anything else (instance discovery, OIDC metadata) is counted separately and answered 404, so a
/// contender that is not fully offline shows up in <see cref="OtherRequests"/>.
/// </summary>
internal sealed class CannedTokenEndpointHandler : HttpMessageHandler
{
    private readonly byte[] _body;
    private readonly TimeSpan _delay;
    private int _tokenRequests;
    private int _otherRequests;

    /// <summary>Answers with <paramref name="accessToken"/> after <paramref name="delay"/> (zero: at once, synchronously).</summary>
    public CannedTokenEndpointHandler(string accessToken, TimeSpan delay = default)
    {
        _body = Encoding.UTF8.GetBytes($$"""{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"{{accessToken}}"}""");
        _delay = delay;
    }

    /// <summary>Token requests answered so far.</summary>
    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    /// <summary>Requests to anything but the token endpoint (none expected).</summary>
    public int OtherRequests => Volatile.Read(ref _otherRequests);

    /// <summary>Forgets the counts (between setup and measurement).</summary>
    public void ResetCounts()
    {
        Volatile.Write(ref _tokenRequests, 0);
        Volatile.Write(ref _otherRequests, 0);
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var isTokenRequest = request.Method == HttpMethod.Post
            && request.RequestUri is { } uri
            && uri.AbsolutePath.EndsWith("/token", StringComparison.Ordinal);
        if (!isTokenRequest)
        {
            Interlocked.Increment(ref _otherRequests);
            return new HttpResponseMessage(HttpStatusCode.NotFound) { RequestMessage = request };
        }

        Interlocked.Increment(ref _tokenRequests);
        if (_delay > TimeSpan.Zero)
        {
            await Task.Delay(_delay, cancellationToken).ConfigureAwait(false);
        }

        var content = new ByteArrayContent(_body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
    }
}
