namespace ClientCredentials.Protocol;

/// <summary>What an assertion callback gets for each token request: whom the assertion is for and where it goes.</summary>
/// <param name="ClientId">The client id: the assertion's <c>iss</c> and <c>sub</c>.</param>
/// <param name="TokenEndpoint">The exact token endpoint the request is posted to: the assertion's <c>aud</c>.</param>
/// <param name="Tenant">The Entra tenant, or null for other servers.</param>
/// <param name="AuthorityKind">The kind of server.</param>
public sealed record ClientAssertionContext(string ClientId, Uri TokenEndpoint, string? Tenant, AuthorityKind AuthorityKind)
{
    /// <summary>
    /// The authorization server's issuer when the authority was found by its issuer (RFC 8414, OIDC Discovery); null
    /// otherwise. draft-ietf-oauth-rfc7523bis makes it the <c>aud</c> of an assertion, with <c>typ: client-authentication+jwt</c>.
    /// </summary>
    public string? Issuer { get; init; }
}
