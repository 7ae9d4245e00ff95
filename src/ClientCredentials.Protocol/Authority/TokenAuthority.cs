using System.Diagnostics.CodeAnalysis;
namespace ClientCredentials.Protocol;

/// <summary>
/// Where tokens come from: an Entra tenant, an ADFS farm, an explicit token endpoint, or an OIDC issuer whose
/// discovery document names the token endpoint. Create one with the static factories; each validates its input
/// and throws <see cref="ClientCredentialsConfigurationException"/> before any request is sent.
/// </summary>
public abstract class TokenAuthority
{
    private protected TokenAuthority()
    {
    }

    /// <summary>The kind of server.</summary>
    public abstract AuthorityKind Kind { get; }

    /// <summary>The Entra tenant (GUID or domain) as given; null for other kinds.</summary>
    public virtual string? Tenant => null;

    /// <summary>
    /// A canonical identity of the authority for cache keys: lower-case host and tenant for Entra, the token endpoint
    /// or issuer URL otherwise.
    /// </summary>
    public abstract string CacheIdentity { get; }

    /// <summary>The kind of authority as a cache key names it; an issuer and a token endpoint differ even when their URLs match.</summary>
    internal abstract string CacheKind { get; }

    /// <summary>The authority as a cache key holds it: <see cref="CacheIdentity"/>, except that Entra ID leaves the tenant out (the key holds it).</summary>
    internal virtual string CacheAuthority => CacheIdentity;

    /// <summary>
    /// The authority for one request's tenant (<see cref="TokenRequestParameters.Tenant"/>), already checked; only
    /// Entra ID has tenants, so other kinds never get here.
    /// </summary>
    internal virtual TokenAuthority ForTenant(string validatedTenant) =>
        throw new InvalidOperationException($"{Kind} authorities have no tenant.");
    /// <summary>The Azure region whose regional (ESTS-R) endpoint is tried first, or null (Entra only).</summary>
    public virtual string? Region => null;

    /// <summary>The regional token endpoint tried before the global one, or null.</summary>
    internal virtual Uri? RegionalTokenEndpoint => null;

    /// <summary>True when scopes compare case-insensitively (Entra, ADFS); ordinal for other servers.</summary>
    internal virtual bool ScopesAreCaseInsensitive => Kind != AuthorityKind.Generic;

    /// <summary>
    /// Returns the token endpoint that token requests are POSTed to, which is also the <c>aud</c> of client
    /// assertions (RFC 7523 §3). Entra ID, ADFS and explicit endpoints answer at once; an OIDC issuer fetches its
    /// discovery document with <paramref name="httpClient"/> on first use and keeps the answer.
    /// </summary>
    /// <param name="httpClient">Used only to fetch an OIDC discovery document.</param>
    /// <param name="cancellationToken">Stops waiting; a shared discovery fetch keeps its own 30 s deadline.</param>
    /// <exception cref="ClientCredentialsConfigurationException">The discovery document names another issuer or no usable token endpoint.</exception>
    /// <exception cref="TokenEndpointException">The discovery document was answered with an error status.</exception>
    /// <exception cref="TokenEndpointUnreachableException">The discovery document could not be fetched.</exception>
    public abstract ValueTask<Uri> GetTokenEndpointAsync(HttpClient httpClient, CancellationToken cancellationToken = default);

    /// <summary>
    /// The authorization server's metadata (RFC 8414, OIDC Discovery) for an authority found by its issuer
    /// (<see cref="OAuthIssuer"/>, <see cref="OidcIssuer"/>): fetched with <paramref name="httpClient"/> on first use,
    /// checked and kept. Null for Entra ID, ADFS and an explicit token endpoint, which publish none that this client reads.
    /// </summary>
    /// <param name="httpClient">Used only to fetch the document.</param>
    /// <param name="cancellationToken">Stops waiting; a shared fetch keeps its own 30 s deadline.</param>
    /// <exception cref="ClientCredentialsConfigurationException">The document names another issuer, no usable token endpoint, or a non-https mTLS alias.</exception>
    /// <exception cref="TokenEndpointException">The document was answered with an error status.</exception>
    /// <exception cref="TokenEndpointUnreachableException">The document could not be fetched.</exception>
    public virtual ValueTask<AuthorizationServerMetadata?> GetMetadataAsync(HttpClient httpClient, CancellationToken cancellationToken = default) =>
        new((AuthorizationServerMetadata?)null);

    /// <summary>The issuer identifier when the authority was configured by one; the default audience of client
    /// assertions for such servers (draft-ietf-oauth-rfc7523bis).</summary>
    internal virtual string? Issuer => null;

    /// <summary>Forgets a discovered token endpoint so that the next request fetches discovery again.</summary>
    internal virtual void ForgetDiscoveredEndpoint()
    {
    }

    /// <summary>
    /// Microsoft Entra ID: <c>https://{instance}/{tenant}/oauth2/v2.0/token</c>. <paramref name="tenant"/> is the
    /// tenant id (GUID) or a verified domain; <c>common</c>, <c>organizations</c> and <c>consumers</c> are refused
    /// because AAD rejects the client credentials grant there (AADSTS90010).
    /// </summary>
    /// <param name="tenant">Tenant id or domain, for example <c>contoso.onmicrosoft.com</c>.</param>
    /// <param name="instance">Cloud host (see <see cref="EntraInstance"/>) or a full base URL such as
    /// <c>http://127.0.0.1:5000</c> for a local emulator. Default: the public cloud.</param>
    /// <remarks>
    /// The region, if any, comes from <c>AZURE_REGIONAL_AUTHORITY_NAME</c> or <c>MSAL_FORCE_REGION</c>
    /// (<see cref="EntraRegion.FromEnvironment"/>); it applies to instances with a DNS host.
    /// </remarks>
    [SuppressMessage("ApiDesign", "RS0027:API with optional parameter(s) should have the most parameters amongst its public overloads", Justification = "The longer overload requires an explicit region (null is refused); this one reads the region from the environment, so the two cannot be one method with a default.")]
    public static TokenAuthority Entra(string tenant, string? instance = null) => new EntraAuthority(tenant, instance, EntraRegion.FromEnvironment());

    /// <summary>
    /// Microsoft Entra ID with a regional endpoint (ESTS-R) tried first: <c>{region}.login.microsoft.com</c> for the
    /// public cloud, the documented forms for the others (see <see cref="EntraRegion"/>). A network failure or 5xx from
    /// the regional endpoint sends that request to the global one. <see cref="EntraRegion.None"/> turns regions off,
    /// whatever the environment says.
    /// </summary>
    public static TokenAuthority Entra(string tenant, string? instance, EntraRegion region) =>
        new EntraAuthority(tenant, instance, region ?? throw new ClientCredentialsConfigurationException("Region", "Region is required; use EntraRegion.None for the global endpoint."));

    /// <summary>
    /// ADFS (2019 and later): the authority <c>https://host/adfs</c> gives the token endpoint
    /// <c>https://host/adfs/oauth2/token</c>.
    /// </summary>
    public static TokenAuthority Adfs(Uri authority) => new AdfsAuthority(authority);

    /// <summary>Any OAuth 2.0 server, by its token endpoint (RFC 6749 §3.2).</summary>
    public static TokenAuthority TokenEndpoint(Uri tokenEndpoint) => new TokenEndpointAuthority(tokenEndpoint);

    /// <summary>
    /// Any OpenID Provider, by its issuer: the token endpoint is read from
    /// <c>{issuer}/.well-known/openid-configuration</c> (OpenID Connect Discovery 1.0 §4), fetched once and cached;
    /// the document's <c>issuer</c> must equal <paramref name="issuer"/> (§4.3).
    /// </summary>
    public static TokenAuthority OidcIssuer(Uri issuer, TimeProvider? timeProvider = null) => new IssuerAuthority(issuer, IssuerMetadata.OpenIdConnect, timeProvider ?? TimeProvider.System);

    /// <summary>
    /// Any OAuth 2.0 authorization server, by its issuer: the metadata is read from
    /// <c>/.well-known/oauth-authorization-server</c> inserted between the host and the issuer's path (RFC 8414 §3.1),
    /// or, when the server answers 404 there, from <c>{issuer}/.well-known/openid-configuration</c> (OIDC Discovery);
    /// the document's <c>issuer</c> must equal <paramref name="issuer"/> (RFC 8414 §3.3). Client assertions for such a
    /// server carry the issuer as <c>aud</c> (see <see cref="ClientAssertionAudience"/>).
    /// </summary>
    public static TokenAuthority OAuthIssuer(Uri issuer, TimeProvider? timeProvider = null) => new IssuerAuthority(issuer, IssuerMetadata.OAuthThenOpenIdConnect, timeProvider ?? TimeProvider.System);

    /// <inheritdoc />
    public override string ToString() => $"{Kind} {UntrustedText.Neutralize(CacheIdentity, 512)}";
}
