namespace ClientCredentials.Protocol;

/// <summary>
/// The <see cref="HttpClient"/> the library creates when the caller gives none. It has no timeout of its own: the
/// attempt and overall timeouts of the resilience pipeline bound every request, on the configured
/// <see cref="TimeProvider"/>, and HttpClient's default 100 s would cut a longer <c>TotalTimeout</c> short.
/// </summary>
internal static class OwnHttpClient
{
    public static HttpClient Over(HttpMessageHandler handler) => new(handler) { Timeout = Timeout.InfiniteTimeSpan };
}
