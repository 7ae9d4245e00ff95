using System.Globalization;
using System.Text.Json.Nodes;

namespace ClientCredentials.Protocol.Testing;

/// <summary>
/// Builds WireMock stub-mapping JSON for the common cases. Each method returns a plain <see cref="JsonObject"/>
/// (<c>{"request":{...},"response":{...}}</c>) that a test may tweak before adding it; the <c>With…</c> and
/// <see cref="Sequence"/> helpers modify and return the mapping they are given.
/// </summary>
public static class WireMockMapping
{
    /// <summary>The state every WireMock scenario starts in.</summary>
    public const string ScenarioStartedState = "Started";

    /// <summary>
    /// A token endpoint stub: <c>POST</c> to <paramref name="urlPath"/> answers <paramref name="status"/> with a JSON
    /// body (RFC 6749 §5.1 success or §5.2 error) and <c>Content-Type: application/json</c> plus any extra headers.
    /// </summary>
    public static JsonObject TokenEndpoint(string urlPath, int status, JsonNode body, IReadOnlyDictionary<string, string>? headers = null) =>
        Json("POST", urlPath, status, body, headers);

    /// <summary>A stub for <paramref name="method"/> <paramref name="urlPath"/> (path only, any query) answering a JSON body.</summary>
    public static JsonObject Json(string method, string urlPath, int status, JsonNode body, IReadOnlyDictionary<string, string>? headers = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        var response = Response(status, "application/json", headers);
        response["jsonBody"] = body.DeepClone();
        return Mapping(method, urlPath, response);
    }

    /// <summary>A stub answering a text body as-is, for non-JSON answers such as an HTML 429 or 503 page.</summary>
    public static JsonObject Text(
        string method, string urlPath, int status, string body, string contentType = "text/plain", IReadOnlyDictionary<string, string>? headers = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        var response = Response(status, contentType, headers);
        response["body"] = body;
        return Mapping(method, urlPath, response);
    }

    /// <summary>A stub that answers with a network fault instead of a response.</summary>
    public static JsonObject Fault(string method, string urlPath, WireMockFault fault) =>
        Mapping(method, urlPath, new JsonObject { ["fault"] = FaultName(fault) });

    /// <summary>
    /// A successful Entra ID style token response body:
    /// <c>{"token_type":"Bearer","expires_in":N,"ext_expires_in":N,"access_token":"..."}</c>.
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

    /// <summary>Delays the response by <paramref name="delay"/> (<c>fixedDelayMilliseconds</c>) and returns the mapping.</summary>
    public static JsonObject WithFixedDelay(this JsonObject mapping, TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        ResponseOf(mapping)["fixedDelayMilliseconds"] = (long)delay.TotalMilliseconds;
        return mapping;
    }

    /// <summary>Sets the mapping's priority (1 is highest; WireMock's default is 5) and returns it.</summary>
    public static JsonObject WithPriority(this JsonObject mapping, int priority)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentOutOfRangeException.ThrowIfLessThan(priority, 1);
        mapping["priority"] = priority;
        return mapping;
    }

    /// <summary>
    /// Makes the mappings answer in order, one per request, as a WireMock scenario named <paramref name="scenarioName"/>;
    /// the last one keeps answering. Example: 500 then 200 for a retry test. The mappings should match the same requests.
    /// </summary>
    public static IReadOnlyList<JsonObject> Sequence(string scenarioName, params IReadOnlyList<JsonObject> responsesInOrder)
    {
        ArgumentException.ThrowIfNullOrEmpty(scenarioName);
        ArgumentNullException.ThrowIfNull(responsesInOrder);
        if (responsesInOrder.Count == 0)
        {
            throw new ArgumentException("A sequence needs at least one mapping.", nameof(responsesInOrder));
        }

        for (var step = 0; step < responsesInOrder.Count; step++)
        {
            var mapping = responsesInOrder[step] ?? throw new ArgumentException($"Mapping {step} of the sequence is null.", nameof(responsesInOrder));
            mapping["scenarioName"] = scenarioName;
            mapping["requiredScenarioState"] = StepState(step);
            if (step < responsesInOrder.Count - 1)
            {
                mapping["newScenarioState"] = StepState(step + 1);
            }
        }

        return responsesInOrder;
    }

    /// <summary>The WireMock name of a fault (<c>CONNECTION_RESET_BY_PEER</c>, …).</summary>
    public static string FaultName(WireMockFault fault) => fault switch
    {
        WireMockFault.ConnectionResetByPeer => "CONNECTION_RESET_BY_PEER",
        WireMockFault.EmptyResponse => "EMPTY_RESPONSE",
        WireMockFault.MalformedResponseChunk => "MALFORMED_RESPONSE_CHUNK",
        WireMockFault.RandomDataThenClose => "RANDOM_DATA_THEN_CLOSE",
        _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, "Not a WireMock fault."),
    };

    private static string StepState(int step) =>
        step == 0 ? ScenarioStartedState : "step-" + (step + 1).ToString(CultureInfo.InvariantCulture);

    private static JsonObject Mapping(string method, string urlPath, JsonObject response)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentException.ThrowIfNullOrEmpty(urlPath);
        if (!urlPath.StartsWith('/'))
        {
            throw new ArgumentException($"The URL path '{urlPath}' must start with '/'.", nameof(urlPath));
        }

        return new JsonObject
        {
            ["request"] = new JsonObject { ["method"] = method.ToUpperInvariant(), ["urlPath"] = urlPath },
            ["response"] = response,
        };
    }

    private static JsonObject Response(int status, string contentType, IReadOnlyDictionary<string, string>? headers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 599);
        var headerObject = new JsonObject { ["Content-Type"] = contentType };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            headerObject[name] = value;
        }

        return new JsonObject { ["status"] = status, ["headers"] = headerObject };
    }

    private static JsonObject ResponseOf(JsonObject mapping)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        return mapping["response"] as JsonObject
            ?? throw new ArgumentException("The mapping has no \"response\" object.", nameof(mapping));
    }
}
