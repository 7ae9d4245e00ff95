using System.Globalization;
using System.Text.Json.Nodes;
using ClientCredentials.Protocol.Testing;
using WireMock.Matchers;
using WireMock.ResponseBuilders;

namespace ClientCredentials.Protocol.Soak;

/// <summary>
/// The WireMock.Net stubs of the soak. WireMock has no random fault, so every request carries a die roll: the soak's
/// <see cref="DieRollHandler"/> stamps each HTTP attempt (retries included) with <c>x-soak-roll</c>, two random hex
/// digits (256 outcomes). Fault stubs match 26 of them (10.2 %) at a higher priority than the token stub; the server
/// (WireMock.Net, or its fault proxy for the reset), not the client, then answers the fault. The token stub answers
/// <c>expires_in</c> random in 8–20 s and a random access token.
/// </summary>
internal static class FaultStubs
{
    public const string RollHeader = "x-soak-roll";

    /// <summary>Rolls that hit a fault, out of 256: 500 (7), 503 + Retry-After 1 (7), reset (6), 1.5 s delay (6).</summary>
    public const int FaultRolls = 26;

    /// <summary>Stubs the token endpoint at <paramref name="tokenPath"/>; the server must have been started with network faults.</summary>
    public static void Register(LoopbackWireMock mock, string tokenPath)
    {
        Fault(mock, tokenPath, "^0[0-6]$", WireMockResponses.Json(500, new JsonObject { ["error"] = "server_error", ["error_description"] = "soak 500" }));
        Fault(mock, tokenPath, "^0[7-9a-d]$", WireMockResponses.Json(
            503, new JsonObject { ["error"] = "temporarily_unavailable", ["error_description"] = "soak 503" }, new Dictionary<string, string> { ["Retry-After"] = "1" }));
        Fault(mock, tokenPath, "^(0[ef]|1[0-3])$", WireMockResponses.NetworkFault(NetworkFault.ConnectionResetByPeer));
        Fault(mock, tokenPath, "^1[4-9]$", TokenResponse().DelayedBy(TimeSpan.FromMilliseconds(1500)));
        mock.Server.Given(WireMockResponses.Post(tokenPath)).AtPriority(10).RespondWith(TokenResponse());
    }

    private static void Fault(LoopbackWireMock mock, string tokenPath, string rollPattern, IResponseBuilder response) =>
        mock.Server.Given(WireMockResponses.Post(tokenPath).WithHeader(RollHeader, new RegexMatcher(rollPattern))).AtPriority(1).RespondWith(response);

    /// <summary>A token living 8–20 s with a random value, drawn anew for every request.</summary>
    private static IResponseBuilder TokenResponse() =>
        Response.Create()
            .WithStatusCode(200)
            .WithHeader("Content-Type", "application/json")
            .WithBody(_ => string.Create(
                CultureInfo.InvariantCulture,
                $$"""{"token_type":"Bearer","expires_in":{{Random.Shared.Next(8, 21)}},"access_token":"soak-{{Guid.NewGuid():N}}"}"""));
}

/// <summary>
/// Stamps every HTTP attempt with a fresh die roll, counts the requests that reach the server and what became of each
/// (an HTTP status, a network error, or cancelled by the attempt timeout while the server delayed it).
/// </summary>
internal sealed class DieRollHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private long _sent;

    public long Sent => Interlocked.Read(ref _sent);

    public System.Collections.Concurrent.ConcurrentDictionary<string, int> Outcomes { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Add(FaultStubs.RollHeader, Random.Shared.Next(256).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        Interlocked.Increment(ref _sent);
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            Count($"HTTP {(int)response.StatusCode}");
            return response;
        }
        catch (OperationCanceledException)
        {
            Count("cancelled (attempt timeout)");
            throw;
        }
        catch (HttpRequestException)
        {
            Count("network error (reset)");
            throw;
        }
    }

    private void Count(string outcome) => Outcomes.AddOrUpdate(outcome, 1, static (_, n) => n + 1);
}
