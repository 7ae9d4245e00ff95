using System.Text.Json.Nodes;
using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Conformance;

/// <summary>
/// Moves a case into one test's private corner of the shared WireMock server: the token endpoint is put under the
/// scope's unique prefix (for Entra the prefix is the tenant: <c>/scope-{id}/oauth2/v2.0/token</c>; for AD FS and
/// generic servers the prefix precedes <c>tokenEndpointPath</c>), every mapping's <c>urlPath</c>/<c>url</c> is
/// rewritten to it, and scenario names are made unique. Matchers and responses are left exactly as written.
/// </summary>
internal sealed class ScopedCase
{
    private readonly ConformanceCase _case;
    private readonly WireMockTestScope _scope;

    public ScopedCase(ConformanceCase conformanceCase, WireMockTestScope scope)
    {
        _case = conformanceCase;
        _scope = scope;
        var tenant = scope.PathPrefix.Trim('/');
        var client = conformanceCase.Client;
        (TokenPath, Authority) = client.Kind switch
        {
            "entra" => ($"/{tenant}/oauth2/v2.0/token", TokenAuthority.Entra(tenant, scope.Server.BaseAddress.AbsoluteUri)),
            "adfs" => (scope.Path(client.TokenPath), TokenAuthority.Adfs(new Uri(scope.Server.BaseAddress, scope.Path(AdfsAuthorityPath(client.TokenPath))))),
            "generic" => (scope.Path(client.TokenPath), TokenAuthority.TokenEndpoint(new Uri(scope.Server.BaseAddress, scope.Path(client.TokenPath)))),
            _ => throw new InvalidDataException($"{conformanceCase.FileName}: unknown client.kind '{client.Kind}'."),
        };
    }

    /// <summary>The token endpoint path the client posts to in this scope.</summary>
    public string TokenPath { get; }

    /// <summary>The authority that makes the library post to <see cref="TokenPath"/> on the mock server.</summary>
    public TokenAuthority Authority { get; }

    /// <summary>Registers the case's mappings, rewritten into the scope, in file order.</summary>
    public Task AddMappingsAsync(CancellationToken cancellationToken) =>
        _scope.AddMappingsAsync(_case.Mappings.Select(Rewrite), cancellationToken);

    private JsonObject Rewrite(JsonObject original, int index)
    {
        var mapping = (JsonObject)original.DeepClone();
        var request = mapping["request"] as JsonObject ?? throw new InvalidDataException($"{_case.FileName}: mappings[{index}] has no request.");
        foreach (var key in new[] { "urlPath", "url" })
        {
            if (request[key]?.GetValue<string>() is not { } path)
            {
                continue;
            }

            var casePath = _case.Client.TokenPath;
            if (!(path == casePath || (key == "url" && path.StartsWith(casePath + "?", StringComparison.Ordinal))))
            {
                throw new InvalidDataException($"{_case.FileName}: mappings[{index}].request.{key} '{path}' is not the client's token endpoint {casePath}.");
            }

            request[key] = TokenPath + path[casePath.Length..];
        }

        if (mapping["scenarioName"]?.GetValue<string>() is { } scenario)
        {
            mapping["scenarioName"] = _scope.ScenarioName(scenario);
        }

        return mapping;
    }

    /// <summary>AD FS: the authority is the token endpoint path without its <c>/oauth2/token</c> suffix.</summary>
    private static string AdfsAuthorityPath(string tokenPath)
    {
        const string suffix = "/oauth2/token";
        return tokenPath.EndsWith(suffix, StringComparison.Ordinal)
            ? tokenPath[..^suffix.Length]
            : throw new InvalidDataException($"An AD FS tokenEndpointPath must end in {suffix}, not '{tokenPath}'.");
    }
}
