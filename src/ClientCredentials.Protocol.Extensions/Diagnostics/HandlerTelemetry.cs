using System.Diagnostics.Metrics;

namespace ClientCredentials.Protocol.Extensions.Diagnostics;

/// <summary>
/// The HTTP handler's instruments, published under the library's Meter name (<see cref="ClientCredentialsTelemetry.Name"/>)
/// so one <c>AddMeter</c> subscribes to all of them.
/// </summary>
internal static class HandlerTelemetry
{
    /// <summary>Counter: 401 responses the handler saw (tags <c>client.name</c>, <c>outcome</c>, <c>claims_challenge</c>).</summary>
    public const string Unauthorized = "clientcredentials.http.unauthorized";

    /// <summary><c>outcome</c>: the request was sent again with a new token.</summary>
    public const string Resent = "resent";

    /// <summary><c>outcome</c>: the body could not be sent again; the 401 was returned.</summary>
    public const string BodyNotResendable = "body_not_resendable";

    /// <summary><c>outcome</c>: the token endpoint returned the rejected token again; the 401 was returned.</summary>
    public const string TokenUnchanged = "token_unchanged";

    /// <summary><c>outcome</c>: the 401 came from another URI after a redirect; nothing was invalidated or resent.</summary>
    public const string Redirected = "redirected";

    private static readonly Meter Meter = new(ClientCredentialsTelemetry.Name, typeof(HandlerTelemetry).Assembly.GetName().Version?.ToString());

    private static readonly Counter<long> UnauthorizedCounter = Meter.CreateCounter<long>(Unauthorized, "{response}", "401 responses seen by the client credentials HTTP handler.");

    public static void RecordUnauthorized(string clientName, string outcome, bool claimsChallenge) =>
        UnauthorizedCounter.Add(
            1,
            new KeyValuePair<string, object?>("client.name", clientName),
            new KeyValuePair<string, object?>("outcome", outcome),
            new KeyValuePair<string, object?>("claims_challenge", claimsChallenge));
}
