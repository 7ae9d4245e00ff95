using System.Text.Json.Nodes;

namespace ClientCredentials.Protocol.Conformance;

/// <summary>
/// One case file of <c>spec/conformance</c> (format in its README.md): the client to build, the WireMock mappings the
/// mock token endpoint plays, and the expected outcome. Mappings and expectations stay JSON, because in
/// <c>expect.error</c> an absent member (not asserted) differs from a <c>null</c> one (asserted absent).
/// </summary>
internal sealed record ConformanceCase(string FileName, CaseClient Client, IReadOnlyList<JsonObject> Mappings, int ExpectedRequests, JsonObject? ExpectedToken, JsonObject? ExpectedError)
{
    /// <summary>Reads and checks the parts of a case file this runner needs; a malformed file fails with its name.</summary>
    public static ConformanceCase Load(string fileName)
    {
        var path = Path.Combine(RepositoryPaths.ConformanceDirectory, fileName);
        var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
            ?? throw new InvalidDataException($"{fileName}: the case is not a JSON object.");
        var client = root["client"] as JsonObject ?? throw Malformed(fileName, "client");
        var mappings = root["mappings"] as JsonArray ?? throw Malformed(fileName, "mappings");
        var expect = root["expect"] as JsonObject ?? throw Malformed(fileName, "expect");
        return new ConformanceCase(
            fileName,
            CaseClient.From(fileName, client),
            [.. mappings.Select(m => m as JsonObject ?? throw Malformed(fileName, "mappings[]"))],
            expect["requests"]?.GetValue<int>() ?? throw Malformed(fileName, "expect.requests"),
            expect["token"] as JsonObject,
            expect["error"] as JsonObject);
    }

    private static InvalidDataException Malformed(string fileName, string member) =>
        new($"{fileName}: '{member}' is missing or has the wrong type; run python3 spec/conformance/validate.py.");
}

/// <summary>The case's <c>client</c> member.</summary>
internal sealed record CaseClient(string Kind, string? Tenant, string? TokenEndpointPath, string ClientId, string Credential, IReadOnlyList<string> Scopes, int? MaxRetries)
{
    /// <summary>The token endpoint path the case's mappings use: <c>/{tenant}/oauth2/v2.0/token</c> for Entra, else <c>tokenEndpointPath</c>.</summary>
    public string TokenPath => Kind == "entra" ? $"/{Tenant}/oauth2/v2.0/token" : TokenEndpointPath!;

    public static CaseClient From(string fileName, JsonObject client)
    {
        string Required(string name) => client[name]?.GetValue<string>()
            ?? throw new InvalidDataException($"{fileName}: client.{name} is required.");

        var kind = Required("kind");
        return new CaseClient(
            kind,
            kind == "entra" ? Required("tenant") : null,
            kind == "entra" ? null : Required("tokenEndpointPath"),
            Required("clientId"),
            Required("credential"),
            [.. (client["scopes"] as JsonArray ?? []).Select(s => s!.GetValue<string>())],
            client["maxRetries"]?.GetValue<int>());
    }
}
