using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace ClientCredentials.Protocol.Testing;

/// <summary>
/// WireMock.Net answers for the token endpoint tests: JSON (RFC 6749 §5.1 success, §5.2 error), raw text (an HTML 502,
/// a plain-text 429), and network faults. Each returns a fresh WireMock.Net <see cref="IResponseBuilder"/>, so a test
/// may add to it (<c>.DelayedBy(…)</c>, <c>.WithHeader(…)</c>) before stubbing it.
/// </summary>
public static class WireMockResponses
{
    /// <summary>
    /// Response header that <see cref="DelayedBy"/> sets and <see cref="LoopbackWireMock"/> acts on (and removes):
    /// hold the answer this many milliseconds.
    /// </summary>
    public const string DelayHeader = "X-Test-Answer-Delay";

    private static readonly JsonSerializerOptions CompactJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><c>POST</c> to exactly <paramref name="path"/> (any query), the request a token endpoint stub matches.</summary>
    public static IRequestBuilder Post(string path) => Request.Create().WithPath(path).UsingPost();

    /// <summary><c>GET</c> of exactly <paramref name="path"/> (any query), for discovery documents.</summary>
    public static IRequestBuilder Get(string path) => Request.Create().WithPath(path).UsingGet();

    /// <summary>
    /// An Entra ID style success body:
    /// <c>{"token_type":"Bearer","expires_in":N,"ext_expires_in":N,"access_token":"…"}</c>.
    /// </summary>
    public static JsonObject AccessTokenBody(string accessToken, int expiresInSeconds = 3599)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessToken);
        return new JsonObject
        {
            ["token_type"] = "Bearer",
            ["expires_in"] = expiresInSeconds,
            ["ext_expires_in"] = expiresInSeconds,
            ["access_token"] = accessToken,
        };
    }

    /// <summary>A <c>200</c> with <see cref="AccessTokenBody"/>.</summary>
    public static IResponseBuilder AccessToken(string accessToken, int expiresInSeconds = 3599) =>
        Json(200, AccessTokenBody(accessToken, expiresInSeconds));

    /// <summary>
    /// An answer with <c>Content-Type: application/json</c> and <paramref name="body"/> as compact JSON (members in the
    /// order given, no escaping beyond what JSON requires), plus any extra headers.
    /// </summary>
    public static IResponseBuilder Json(int status, JsonNode body, IReadOnlyDictionary<string, string>? headers = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Text(status, body.ToJsonString(CompactJson), "application/json", headers);
    }

    /// <summary>An answer with a body sent as-is, for non-JSON answers such as an HTML 502 page or a plain-text 429.</summary>
    public static IResponseBuilder Text(int status, string body, string contentType = "text/plain", IReadOnlyDictionary<string, string>? headers = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 599);
        var response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", contentType);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            response = response.WithHeader(name, value);
        }

        return response.WithBody(body);
    }

    /// <summary>
    /// A network fault instead of an answer, carried out by the <see cref="NetworkFaultProxy"/> of a server started with
    /// <see cref="LoopbackWireMock.StartWithNetworkFaults"/>. Reached without the proxy, the stub answers a 599 that
    /// says so, and the test fails.
    /// </summary>
    public static IResponseBuilder NetworkFault(NetworkFault fault)
    {
        if (!Enum.IsDefined(fault))
        {
            throw new ArgumentOutOfRangeException(nameof(fault), fault, "Not a network fault.");
        }

        return Text(599, $"The stub asks for the network fault {fault}; start the server with LoopbackWireMock.StartWithNetworkFaults().")
            .WithHeader(NetworkFaultProxy.FaultHeader, fault.ToString());
    }

    /// <summary>
    /// Holds the answer for <paramref name="delay"/> after the request arrived, as a slow server would. Use this rather
    /// than WireMock.Net's <c>WithDelay</c>: the request is journaled and a sequence moves to its next answer at once,
    /// so a client that retries during the delay gets the next answer (as with Java WireMock's
    /// <c>fixedDelayMilliseconds</c>), and disposing the server does not wait for the delay.
    /// </summary>
    public static IResponseBuilder DelayedBy(this IResponseBuilder response, TimeSpan delay)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return response.WithHeader(DelayHeader, ((long)delay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Makes the body of <paramref name="response"/> arrive in <paramref name="pieces"/> pieces spread over
    /// <paramref name="total"/> (headers at once), through the <see cref="NetworkFaultProxy"/>.
    /// </summary>
    public static IResponseBuilder WithBodyDribbled(this IResponseBuilder response, int pieces, TimeSpan total)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentOutOfRangeException.ThrowIfLessThan(pieces, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(total, TimeSpan.Zero);
        return response.WithHeader(
            NetworkFaultProxy.DribbleHeader,
            string.Create(CultureInfo.InvariantCulture, $"{pieces};{(long)total.TotalMilliseconds}"));
    }
}
