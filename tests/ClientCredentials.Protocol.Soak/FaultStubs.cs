using System.Text.Json.Nodes;
using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Soak;

/// <summary>
/// The WireMock stubs of the soak. WireMock has no random fault, so every request carries a die roll: the soak's
/// <see cref="DieRollHandler"/> stamps each HTTP attempt (retries included) with <c>x-soak-roll</c>, two random hex
/// digits (256 outcomes). Fault stubs match 26 of them (10.2 %) at a higher priority than the token stub; WireMock,
/// not the client, then answers the fault. The token stub is a response template: <c>expires_in</c> random in 8–20 s
/// and a random access token.
/// </summary>
internal static class FaultStubs
{
    public const string RollHeader = "x-soak-roll";

    /// <summary>Outcome name → roll pattern (share of 256) → the fault mapping.</summary>
    public static IReadOnlyList<JsonObject> Build(string tokenPath) =>
    [
        Matching(WireMockMapping.TokenEndpoint(tokenPath, 500, new JsonObject { ["error"] = "server_error", ["error_description"] = "soak 500" }), "^0[0-6]$"),
        Matching(WireMockMapping.TokenEndpoint(tokenPath, 503, new JsonObject { ["error"] = "temporarily_unavailable", ["error_description"] = "soak 503" }, new Dictionary<string, string> { ["Retry-After"] = "1" }), "^0[7-9a-d]$"),
        Matching(WireMockMapping.Fault("POST", tokenPath, WireMockFault.ConnectionResetByPeer), "^(0[ef]|1[0-3])$"),
        Matching(TokenResponse(tokenPath).WithFixedDelay(TimeSpan.FromMilliseconds(1500)), "^1[4-9]$"),
        TokenResponse(tokenPath).WithPriority(10),
    ];

    /// <summary>Rolls that hit a fault, out of 256: 500 (7), 503 + Retry-After 1 (7), reset (6), 1.5 s delay (6).</summary>
    public const int FaultRolls = 26;

    private static JsonObject TokenResponse(string tokenPath)
    {
        var mapping = WireMockMapping.Text(
            "POST",
            tokenPath,
            200,
            "{\"token_type\":\"Bearer\",\"expires_in\":{{randomInt lower=8 upper=21}},\"access_token\":\"soak-{{randomValue length=24 type='ALPHANUMERIC'}}\"}",
            "application/json");
        mapping["response"]!["transformers"] = new JsonArray("response-template");
        return mapping;
    }

    private static JsonObject Matching(JsonObject mapping, string rollPattern)
    {
        mapping["request"]!["headers"] = new JsonObject { [RollHeader] = new JsonObject { ["matches"] = rollPattern } };
        return mapping.WithPriority(1);
    }
}

/// <summary>
/// Stamps every HTTP attempt with a fresh die roll, counts the requests that reach the server and what became of each
/// (an HTTP status, a network error, or cancelled by the attempt timeout while WireMock delayed it).
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
