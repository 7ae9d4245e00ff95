namespace ClientCredentials.Protocol.Tests.Cache;

/// <summary>Cache keys for the tests: an Entra authority with a Graph scope unless told otherwise.</summary>
internal static class TestKeys
{
    public const string EntraAuthority = "login.microsoftonline.com/contoso.onmicrosoft.com";

    /// <summary>The credential identity of every test key (a cache key never holds a secret).</summary>
    public const string CredentialIdentity = "x5t#S256:test-credential";

    public static TokenCacheKey Graph(string clientId = "client-a") =>
        Create(EntraAuthority, clientId, ["https://graph.microsoft.com/.default"], scopesAreCaseInsensitive: true);

    public static TokenCacheKey Numbered(int number) =>
        Create(EntraAuthority, $"client-{number}", ["https://graph.microsoft.com/.default"], scopesAreCaseInsensitive: true);

    /// <summary>A key of a generic authority named <paramref name="authority"/>, for one test credential, no tenant.</summary>
    public static TokenCacheKey Create(
        string authority,
        string clientId,
        IReadOnlyList<string> scopes,
        bool scopesAreCaseInsensitive,
        string tokenType = "Bearer",
        string? claims = null,
        IReadOnlyList<KeyValuePair<string, string>>? extraParameters = null) =>
        TokenCacheKey.Create(Requester(authority, clientId, scopesAreCaseInsensitive), tenant: null, scopes, claims, extraParameters, tokenType);

    public static TokenRequester Requester(string authority, string clientId, bool scopesAreCaseInsensitive = true, string credentialIdentity = CredentialIdentity) =>
        new("test", authority, clientId, credentialIdentity, partition: null, scopesAreCaseInsensitive);
}
