using System.Text.Json.Nodes;

namespace ClientCredentials.Protocol.Testing;

/// <summary>
/// One test's private corner of a shared <see cref="WireMockServer"/>: every stub it adds must live under its unique
/// <see cref="PathPrefix"/> (use <see cref="Path"/>/<see cref="Url"/>; the prefix can stand in for a tenant segment),
/// its scenario names come from <see cref="ScenarioName"/>, and its journal queries see only its own requests.
/// Disposing it removes its stubs and its journal entries, which is the per-test reset that is safe while other tests
/// run in parallel.
/// </summary>
public sealed class WireMockTestScope : IAsyncDisposable
{
    private static readonly string[] UrlMatcherKeys = ["url", "urlPath", "urlPattern", "urlPathPattern", "urlPathTemplate"];
    private readonly List<Guid> _mappingIds = [];
    private readonly Lock _mappingIdsLock = new();
    private readonly string _id = Guid.NewGuid().ToString("N");

    /// <summary>Creates a scope on <paramref name="server"/>; prefer <see cref="WireMockFixture.CreateScope"/>.</summary>
    public WireMockTestScope(WireMockServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        Server = server;
        PathPrefix = $"/scope-{_id}/";
        BaseAddress = new Uri(server.BaseAddress, PathPrefix);
    }

    /// <summary>The shared server (for admin calls the scope does not wrap).</summary>
    public WireMockServer Server { get; }

    /// <summary>This scope's URL path prefix, <c>/scope-{32 hex}/</c>; every stub and request of the test lives under it.</summary>
    public string PathPrefix { get; }

    /// <summary><see cref="WireMockServer.BaseAddress"/> plus <see cref="PathPrefix"/>, ending in <c>/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The absolute URL path for <paramref name="relativePath"/> under the prefix: <c>Path("t/oauth2/v2.0/token")</c>.</summary>
    public string Path(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        return PathPrefix + relativePath.TrimStart('/');
    }

    /// <summary>The absolute URL for <paramref name="relativePath"/> under the prefix, for the client under test.</summary>
    public Uri Url(string relativePath) => new(Server.BaseAddress, Path(relativePath));

    /// <summary>A scenario name unique to this scope, so parallel tests never share scenario state.</summary>
    public string ScenarioName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return $"{_id}-{name}";
    }

    /// <summary>Adds a stub whose URL matcher lies under <see cref="PathPrefix"/>; it is removed when the scope is disposed.</summary>
    /// <exception cref="ArgumentException">The mapping matches URLs outside the prefix.</exception>
    public async Task<Guid> AddMappingAsync(JsonObject mapping, CancellationToken cancellationToken = default)
    {
        RequireUnderPrefix(mapping);
        var mappingId = await Server.AddMappingAsync(mapping, cancellationToken).ConfigureAwait(false);
        Track([mappingId]);
        return mappingId;
    }

    /// <summary>Adds several stubs in one call (for example a <see cref="WireMockMapping.Sequence"/>); see <see cref="AddMappingAsync"/>.</summary>
    public async Task<IReadOnlyList<Guid>> AddMappingsAsync(IEnumerable<JsonObject> mappings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mappings);
        var list = mappings.ToList();
        list.ForEach(RequireUnderPrefix);
        var ids = await Server.AddMappingsAsync(list, cancellationToken).ConfigureAwait(false);
        Track(ids);
        return ids;
    }

    /// <summary>This scope's requests in the journal, oldest first, matched or not.</summary>
    public Task<IReadOnlyList<WireMockRecordedRequest>> GetRequestsAsync(CancellationToken cancellationToken = default) =>
        Server.FindRequestsAsync(OwnRequestsPattern(), cancellationToken);

    /// <summary>How many requests this scope's URLs have received, matched or not.</summary>
    public Task<int> CountRequestsAsync(CancellationToken cancellationToken = default) =>
        Server.CountRequestsAsync(OwnRequestsPattern(), cancellationToken);

    /// <summary>Removes this scope's stubs and journal entries. Stubs already gone (after a server reset) are ignored.</summary>
    public async ValueTask DisposeAsync()
    {
        Guid[] ids;
        lock (_mappingIdsLock)
        {
            ids = [.. _mappingIds];
            _mappingIds.Clear();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30), TimeProvider.System);
        foreach (var mappingId in ids)
        {
            try
            {
                await Server.RemoveMappingAsync(mappingId, timeout.Token).ConfigureAwait(false);
            }
            catch (WireMockAdminException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // Removed already, by a reset.
            }
        }

        await Server.RemoveRequestsAsync(OwnRequestsPattern(), timeout.Token).ConfigureAwait(false);
    }

    // The prefix holds only [a-z0-9/-], so it is a literal in a Java regex.
    private JsonObject OwnRequestsPattern() => new() { ["urlPattern"] = PathPrefix + ".*" };

    private void Track(IEnumerable<Guid> ids)
    {
        lock (_mappingIdsLock)
        {
            _mappingIds.AddRange(ids);
        }
    }

    private void RequireUnderPrefix(JsonObject mapping)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        var request = mapping["request"] as JsonObject
            ?? throw new ArgumentException("The mapping has no \"request\" object.", nameof(mapping));
        var matchers = UrlMatcherKeys.Where(request.ContainsKey).ToList();
        if (matchers.Count == 0)
        {
            throw new ArgumentException(
                $"The mapping matches every URL; in a shared server give it a URL under {PathPrefix} (use scope.Path(...)).", nameof(mapping));
        }

        foreach (var key in matchers)
        {
            var value = request[key]?.GetValue<string>() ?? string.Empty;
            if (!value.TrimStart('^').StartsWith(PathPrefix, StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"The mapping's {key} '{value}' is outside this test's prefix {PathPrefix}; build it with scope.Path(...) so parallel tests cannot collide.",
                    nameof(mapping));
            }
        }
    }
}
