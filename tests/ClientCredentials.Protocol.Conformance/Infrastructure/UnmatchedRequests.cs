using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Conformance;

/// <summary>
/// Reads WireMock's journal of requests that matched no stub (<c>GET /__admin/requests/unmatched</c>), limited to one
/// test's scope. The case matchers encode what a client must send, so an unmatched request is a failure.
/// </summary>
internal static class UnmatchedRequests
{
    private static readonly HttpClient Admin = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>
    /// "METHOD url body" of each unmatched request under <paramref name="scope"/>'s prefix, oldest first, with the
    /// values of <c>client_secret</c> and <c>client_assertion</c> blanked out.
    /// </summary>
    public static async Task<IReadOnlyList<string>> InScopeAsync(WireMockTestScope scope, CancellationToken cancellationToken)
    {
        var journal = await Admin.GetFromJsonAsync<JsonObject>(new Uri(scope.Server.BaseAddress, "__admin/requests/unmatched"), cancellationToken)
            ?? throw new InvalidOperationException("WireMock answered an empty unmatched-requests journal.");
        var found = new List<string>();
        foreach (var request in journal["requests"]?.AsArray() ?? [])
        {
            var url = request?["url"]?.GetValue<string>() ?? string.Empty;
            if (url.StartsWith(scope.PathPrefix, StringComparison.Ordinal))
            {
                var body = request?["body"]?.GetValue<string>() ?? string.Empty;
                found.Add($"{request?["method"]?.GetValue<string>()} {url} body: {Redact(body)}");
            }
        }

        return found;
    }

    private static string Redact(string formBody) =>
        string.Join('&', formBody.Split('&').Select(pair =>
            pair.StartsWith("client_secret=", StringComparison.Ordinal) || pair.StartsWith("client_assertion=", StringComparison.Ordinal)
                ? pair[..(pair.IndexOf('=', StringComparison.Ordinal) + 1)] + "(redacted)"
                : pair));
}
