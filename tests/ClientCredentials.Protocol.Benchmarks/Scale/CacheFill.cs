using ClientCredentials.Protocol.Benchmarks.Contenders;
using ClientCredentials.Protocol.Benchmarks.Fakes;

namespace ClientCredentials.Protocol.Benchmarks.Scale;

/// <summary>
/// One <see cref="TokenCache"/> holding one token per scope in <see cref="Scopes"/>, put there through a
/// generic-server <see cref="ClientCredentialsClient"/> (free-form scopes, one real token request per scope).
/// </summary>
internal sealed class CacheFill
{
    private CacheFill(string[] scopes, CannedTokenEndpointHandler handler, TokenCache cache, ClientCredentialsClient client)
    {
        Scopes = scopes;
        Handler = handler;
        Cache = cache;
        Client = client;
    }

    /// <summary>The distinct scopes, one cached token each.</summary>
    public string[] Scopes { get; }

    /// <summary>The in-memory endpoint that answered the requests.</summary>
    public CannedTokenEndpointHandler Handler { get; }

    /// <summary>The filled cache.</summary>
    public TokenCache Cache { get; }

    /// <summary>The client that filled it.</summary>
    public ClientCredentialsClient Client { get; }

    /// <summary>The scope of the <paramref name="index"/>-th key: <c>api://benchmark/scope-0000042</c>.</summary>
    public static string ScopeAt(int index) => $"api://benchmark/scope-{index:D7}";

    /// <summary>An empty cache big enough for <paramref name="keyCount"/> keys, with its scopes and client ready.</summary>
    public static CacheFill Prepare(int keyCount)
    {
        var scopes = new string[keyCount];
        for (var i = 0; i < scopes.Length; i++)
        {
            scopes[i] = ScopeAt(i);
        }

        var handler = new CannedTokenEndpointHandler(CannedAccessToken.Short);
        var cache = new TokenCache(new TokenCacheOptions { MaxEntries = Math.Max(keyCount * 2, 10_000) });
        return new CacheFill(scopes, handler, cache, ThisLibrary.CreateGenericClient(handler, cache));
    }

    /// <summary>
    /// Requests a token for every scope, <paramref name="parallelism"/> at a time, then checks the cache holds
    /// exactly one token per scope and the endpoint saw exactly one request per scope.
    /// </summary>
    public async Task FillAsync(int parallelism, CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(
            Enumerable.Range(0, Scopes.Length),
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (i, ct) => await Client.GetTokenAsync(new TokenRequestParameters(Scopes[i]), ct).ConfigureAwait(false)).ConfigureAwait(false);

        if (Cache.Count != Scopes.Length || Handler.TokenRequests != Scopes.Length || Handler.OtherRequests != 0)
        {
            throw new InvalidOperationException(
                $"Filling {Scopes.Length:N0} keys left {Cache.Count:N0} cached tokens after {Handler.TokenRequests:N0} token and {Handler.OtherRequests:N0} other requests; expected one token and one request per key.");
        }
    }
}
