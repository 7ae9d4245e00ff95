namespace ClientCredentials.Emulator.Endpoints;

/// <summary>The URLs the emulator serves, shaped like Entra's (<c>{base}/{tenant}/...</c>).</summary>
internal static class EmulatorUrls
{
    public const string V2TokenRoute = "/{tenant}/oauth2/v2.0/token";
    public const string V1TokenRoute = "/{tenant}/oauth2/token";
    public const string DiscoveryRoute = "/{tenant}/v2.0/.well-known/openid-configuration";
    public const string KeysRoute = "/{tenant}/discovery/v2.0/keys";
    public const string WhoAmIRoute = "/api/whoami";
    public const string ImdsTokenRoute = "/metadata/identity/oauth2/token";
    public const string AppServiceTokenRoute = "/msi/token";

    /// <summary>The v2 token endpoint for a tenant path name (id or domain).</summary>
    public static string V2TokenEndpoint(string baseAddress, string tenant) => $"{baseAddress}/{tenant}/oauth2/v2.0/token";

    /// <summary>The v1 token endpoint for a tenant path name (id or domain).</summary>
    public static string V1TokenEndpoint(string baseAddress, string tenant) => $"{baseAddress}/{tenant}/oauth2/token";

    /// <summary>The v2 issuer: <c>{base}/{tenantId}/v2.0</c>.</summary>
    public static string Issuer(string baseAddress, string tenantId) => $"{baseAddress}/{tenantId}/v2.0";

    /// <summary>The JWKS URI.</summary>
    public static string Keys(string baseAddress, string tenantId) => $"{baseAddress}/{tenantId}/discovery/v2.0/keys";

    /// <summary>The authorization endpoint named in <c>WWW-Authenticate</c> hints (the emulator does not serve it).</summary>
    public static string Authorize(string baseAddress, string tenantId) => $"{baseAddress}/{tenantId}/oauth2/v2.0/authorize";
}
