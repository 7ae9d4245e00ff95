namespace ClientCredentials.Protocol;

/// <summary>Form parameter names of the token request, as RFC 6749, RFC 7521/7523 and AAD name them.</summary>
internal static class OAuthParameters
{
    public const string GrantType = "grant_type";
    public const string ClientCredentialsGrant = "client_credentials";
    public const string ClientId = "client_id";
    public const string ClientSecret = "client_secret";
    public const string ClientAssertionType = "client_assertion_type";
    public const string ClientAssertion = "client_assertion";
    public const string JwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    public const string Scope = "scope";
    public const string Claims = "claims";

    /// <summary>Names the library writes itself; caller extra parameters may not replace them.</summary>
    public static readonly string[] Reserved = [GrantType, ClientId, ClientSecret, ClientAssertionType, ClientAssertion, Scope, Claims];
}
