namespace ClientCredentials.Protocol;

/// <summary>
/// What a client assertion names as its <c>aud</c>. RFC 7523 §3 allowed the token endpoint or the issuer; the 2025
/// update (draft-ietf-oauth-rfc7523bis, after the audience-injection findings) makes the authorization server's issuer
/// the one audience, with the header <c>typ: client-authentication+jwt</c>, so that an assertion made for one server
/// cannot be replayed at another that accepts its endpoint URLs.
/// </summary>
public enum ClientAssertionAudience
{
    /// <summary>The issuer (with <c>typ: client-authentication+jwt</c>) when the authority was found by its issuer
    /// (<see cref="TokenAuthority.OAuthIssuer"/>, <see cref="TokenAuthority.OidcIssuer"/>); the token endpoint for
    /// Entra ID and ADFS, which require it (also when found by their issuer:
    /// <see cref="AuthorizationServerMetadata.RequiresTokenEndpointAudience"/>), and for an explicit token endpoint.</summary>
    Automatic,

    /// <summary>The exact token endpoint the request is posted to (RFC 7523 §3, as Entra ID requires), with <c>typ: JWT</c>.</summary>
    TokenEndpoint,

    /// <summary>The authorization server's issuer, with <c>typ: client-authentication+jwt</c> (draft-ietf-oauth-rfc7523bis);
    /// needs an authority found by its issuer.</summary>
    Issuer,
}
