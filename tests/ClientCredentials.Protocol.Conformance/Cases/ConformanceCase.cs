using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ClientCredentials.Protocol.Conformance;

/// <summary>
/// One case file of <c>spec/conformance</c> (format in its README.md): single or timeline, the client to build, the
/// WireMock mappings the mock token endpoint plays, what to expect, and a timeline's steps. Mappings and expectations
/// stay JSON, because an absent member (not asserted) differs from a <c>null</c> one (asserted absent).
/// </summary>
internal sealed partial record ConformanceCase(
    string FileName,
    bool IsTimeline,
    CaseClient Client,
    IReadOnlyList<JsonObject> Mappings,
    JsonObject Expect,
    IReadOnlyList<JsonObject> Steps)
{
    /// <summary>Every access token value of 8 characters or more in a body any mapping plays (2xx or not, whole or cut short).</summary>
    public IReadOnlyList<string> AccessTokensServed { get; } = AccessTokensIn(Mappings);

    /// <summary>Reads and checks the parts of a case file this runner needs; a malformed file fails with its name.</summary>
    public static ConformanceCase Load(string fileName)
    {
        var path = Path.Combine(RepositoryPaths.ConformanceDirectory, fileName);
        var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
            ?? throw new InvalidDataException($"{fileName}: the case is not a JSON object.");
        var client = root["client"] as JsonObject ?? throw Malformed(fileName, "client");
        var mappings = root["mappings"] as JsonArray ?? throw Malformed(fileName, "mappings");
        var expect = root["expect"] as JsonObject ?? throw Malformed(fileName, "expect");
        _ = expect["requests"]?.GetValue<int>() ?? throw Malformed(fileName, "expect.requests");
        return new ConformanceCase(
            fileName,
            root["kind"]?.GetValue<string>() == "timeline",
            CaseClient.From(fileName, client),
            [.. mappings.Select(m => m as JsonObject ?? throw Malformed(fileName, "mappings[]"))],
            expect,
            [.. (root["steps"] as JsonArray ?? []).Select(s => s as JsonObject ?? throw Malformed(fileName, "steps[]"))]);
    }

    /// <summary>The number of requests the mock must have received when the case ends.</summary>
    public int ExpectedRequests => Expect["requests"]!.GetValue<int>();

    /// <summary>The token endpoint path the case's mappings name (for oidc and oauth, the path its metadata document names).</summary>
    public string TokenPath => Client.Kind switch
    {
        "entra" => $"/{Client.Tenant}/oauth2/v2.0/token",
        "oidc" or "oauth" => DiscoveredTokenPath(),
        _ => Client.TokenEndpointPath!,
    };

    /// <summary>Whether any mapping answers with a network fault (the mock then needs its fault proxy).</summary>
    public bool HasNetworkFaults => Mappings.Any(m => m["response"]?["fault"] is not null);

    private string DiscoveredTokenPath()
    {
        foreach (var mapping in Mappings.Where(m => m["request"]?["method"]?.GetValue<string>() == "GET"))
        {
            if (mapping["response"]?["jsonBody"]?["token_endpoint"]?.GetValue<string>() is { } endpoint)
            {
                return endpoint.Replace(CaseMappings.MockBase, string.Empty, StringComparison.Ordinal);
            }
        }

        // No document names one (every metadata location fails): the token mapping's path, which no request reaches.
        return Mappings.Where(m => m["request"]?["method"]?.GetValue<string>() == "POST").Select(m => m["request"]?["urlPath"]?.GetValue<string>()).FirstOrDefault()
            ?? throw new InvalidDataException($"{FileName}: an {Client.Kind} case needs a metadata mapping whose jsonBody names token_endpoint, or a token mapping.");
    }

    private static IReadOnlyList<string> AccessTokensIn(IReadOnlyList<JsonObject> mappings)
    {
        var found = new List<string>();
        foreach (var response in mappings.Select(m => m["response"] as JsonObject))
        {
            var text = response?["body"]?.GetValue<string>() ?? response?["jsonBody"]?.ToJsonString() ?? string.Empty;
            foreach (Match match in AccessTokenMember().Matches(text))
            {
                var value = Regex.Unescape(match.Groups[1].Value);
                if (value.Length >= 8)
                {
                    found.Add(value);
                }
            }
        }

        return found;
    }

    private static InvalidDataException Malformed(string fileName, string member) =>
        new($"{fileName}: '{member}' is missing or has the wrong type; run python3 spec/conformance/validate.py.");

    [GeneratedRegex("\"access_token\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)")]
    private static partial Regex AccessTokenMember();
}

/// <summary>The case's <c>client</c> member.</summary>
internal sealed record CaseClient(
    string Kind,
    string? Tenant,
    string? TokenEndpointPath,
    string? IssuerPath,
    string ClientId,
    string Credential,
    IReadOnlyList<string> Scopes,
    int? MaxRetries,
    double? TotalTimeoutSeconds,
    double? RetryBaseDelaySeconds,
    bool UseExtendedLifetime,
    string? Algorithm,
    string? AssertionAudience,
    string? DPoPKey)
{
    /// <summary>The issuer as configured (<c>{base}{issuerPath}</c>, trailing <c>/</c> kept): <c>${issuer}</c>.</summary>
    public Uri? IssuerOn(Uri mockBase) => IssuerPath is null ? null : new Uri(mockBase.AbsoluteUri.TrimEnd('/') + IssuerPath);

    /// <summary>
    /// The audience the client assertion must carry (protocol.md §4.3 <b>Audience</b>): the issuer for an issuer
    /// authority unless the case asks for the token endpoint, else the token endpoint.
    /// </summary>
    public string AssertionAudienceOn(Uri mockBase, Uri tokenEndpoint) =>
        IssuerPath is not null && AssertionAudience != "token-endpoint" ? IssuerOn(mockBase)!.AbsoluteUri : tokenEndpoint.AbsoluteUri;

    public static CaseClient From(string fileName, JsonObject client)
    {
        string Required(string name) => client[name]?.GetValue<string>()
            ?? throw new InvalidDataException($"{fileName}: client.{name} is required.");

        var kind = Required("kind");
        return new CaseClient(
            kind,
            kind == "entra" ? Required("tenant") : null,
            kind is "adfs" or "generic" ? Required("tokenEndpointPath") : null,
            kind is "oidc" or "oauth" ? Required("issuerPath") : null,
            Required("clientId"),
            Required("credential"),
            [.. (client["scopes"] as JsonArray ?? []).Select(s => s!.GetValue<string>())],
            client["maxRetries"]?.GetValue<int>(),
            client["totalTimeoutSeconds"]?.GetValue<double>(),
            client["retryBaseDelaySeconds"]?.GetValue<double>(),
            client["useExtendedLifetime"]?.GetValue<bool>() ?? false,
            client["algorithm"]?.GetValue<string>(),
            client["assertionAudience"]?.GetValue<string>(),
            client["dpopKey"]?.GetValue<string>());
    }
}
