using System.Net;

namespace ClientCredentials.Protocol.Tests.Cache;

/// <summary>Token endpoint errors the fake acquirer throws.</summary>
internal static class Failures
{
    /// <summary>HTTP 503 <c>temporarily_unavailable</c>: transient.</summary>
    public static TokenEndpointException Transient(TimeSpan? retryAfter = null) => new(new TokenEndpointError
    {
        StatusCode = HttpStatusCode.ServiceUnavailable,
        Error = "temporarily_unavailable",
        RetryAfter = retryAfter,
    });

    /// <summary>HTTP 401 <c>invalid_client</c> (AADSTS7000215): not transient.</summary>
    public static TokenEndpointException InvalidClient() => new(new TokenEndpointError
    {
        StatusCode = HttpStatusCode.Unauthorized,
        Error = "invalid_client",
        ErrorCodes = [7000215],
    });
}
