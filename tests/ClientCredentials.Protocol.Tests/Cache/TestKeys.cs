namespace ClientCredentials.Protocol.Tests.Cache;

/// <summary>Cache keys for the tests: an Entra authority with a Graph scope unless told otherwise.</summary>
internal static class TestKeys
{
    public const string EntraAuthority = "login.microsoftonline.com/contoso.onmicrosoft.com";

    public static TokenCacheKey Graph(string clientId = "client-a") =>
        TokenCacheKey.Create(EntraAuthority, clientId, ["https://graph.microsoft.com/.default"], scopesAreCaseInsensitive: true);

    public static TokenCacheKey Numbered(int number) =>
        TokenCacheKey.Create(EntraAuthority, $"client-{number}", ["https://graph.microsoft.com/.default"], scopesAreCaseInsensitive: true);
}
