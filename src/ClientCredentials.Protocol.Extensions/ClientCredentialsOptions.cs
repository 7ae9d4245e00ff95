namespace ClientCredentials.Protocol.Extensions;

/// <summary>
/// One named client as configured under <c>ClientCredentials:{name}</c>: where tokens come from, who the client is,
/// its default scopes and the credentials to try. Set exactly one of <see cref="TenantId"/> (Entra ID, with an
/// optional <see cref="Instance"/>), <see cref="Authority"/> (AD FS), <see cref="TokenEndpoint"/> or
/// <see cref="Issuer"/> (any OAuth 2.0 / OpenID server). Checked at start-up by the options validator.
/// </summary>
public sealed class ClientCredentialsOptions
{
    /// <summary>The configuration path the options were bound from; validation messages name keys under it. Default <c>ClientCredentials:{name}</c>.</summary>
    public string ConfigurationPath { get; set; } = string.Empty;

    /// <summary>Entra ID cloud host or base URL (for example <c>login.microsoftonline.us</c>); default the public cloud.</summary>
    public string? Instance { get; set; }

    /// <summary>Entra ID tenant id (GUID) or verified domain; not <c>common</c>, <c>organizations</c> or <c>consumers</c> (AADSTS90010).</summary>
    public string? TenantId { get; set; }

    /// <summary>
    /// Entra ID only: tenants besides <see cref="TenantId"/> that one request may ask for — through
    /// <see cref="ClientCredentialsHttpRequestOptions.Tenant"/> on a request sent by the handler — or <c>*</c> for any, as
    /// Azure.Identity's option of the same name; checked at start-up (<see cref="TenantAllowList"/>). Pass the same list
    /// to the Azure adapter's credential. In configuration: a list or one space-separated string. Default: none.
    /// </summary>
    public IList<string> AdditionallyAllowedTenants { get; set; } = new List<string>();

    /// <summary>
    /// Entra ID only: the Azure region whose regional endpoint (ESTS-R) is tried first, e.g. <c>westus2</c>; <c>none</c>
    /// turns regions off. Default: <c>AZURE_REGIONAL_AUTHORITY_NAME</c> or <c>MSAL_FORCE_REGION</c>, else none.
    /// </summary>
    public string? Region { get; set; }

    /// <summary>Entra ID only: the regional endpoint's base URL when it is not the computed <c>{region}.{host}</c>.</summary>
    public string? RegionalInstance { get; set; }

    /// <summary>AD FS authority, for example <c>https://adfs.contoso.com/adfs</c>.</summary>
    public string? Authority { get; set; }

    /// <summary>Token endpoint of any OAuth 2.0 server (RFC 6749 §3.2).</summary>
    public string? TokenEndpoint { get; set; }

    /// <summary>Issuer of any OAuth 2.0 server: its metadata (RFC 8414, else OpenID Connect discovery) gives the token endpoint.</summary>
    public string? Issuer { get; set; }

    /// <summary>The application (client) id.</summary>
    public string? ClientId { get; set; }

    /// <summary>Default scopes; for Entra ID and AD FS exactly one <c>{resource}/.default</c>.</summary>
    public IList<string> Scopes { get; set; } = new List<string>();

    /// <summary>
    /// Client capabilities to declare, for example <c>cp1</c> for continuous access evaluation (sent as <c>claims</c>
    /// <c>{"access_token":{"xms_cc":{"values":[…]}}}</c>, merged with claims challenges). In configuration: a list or one
    /// space-separated string.
    /// </summary>
    public IList<string> ClientCapabilities { get; set; } = new List<string>();

    /// <summary>Credentials tried in order when the client is created; the first that loads and suits the authority is used.</summary>
    public IList<CredentialSourceOptions> Credentials { get; set; } = new List<CredentialSourceOptions>();

    /// <summary>
    /// The lifetime assumed when a server other than Entra ID answers without <c>expires_in</c> (optional in RFC 6749
    /// §5.1); default 1 hour; null refuses such answers. Entra ID always sends <c>expires_in</c>, so it is unused there.
    /// In configuration: a time span such as <c>00:30:00</c>, or <c>none</c> for null.
    /// </summary>
    public TimeSpan? DefaultTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Binds the client's tokens to a DPoP key (RFC 9449) made for the client in memory (ES256): token requests carry a
    /// proof, and the HTTP handler sends <c>Authorization: DPoP</c> with a fresh proof per request. In configuration:
    /// <c>true</c> or <c>false</c>. Default false.
    /// </summary>
    public bool UseDPoP { get; set; }

    /// <summary>A credential built in code; when set, <see cref="Credentials"/> must be empty. Not bindable from configuration.</summary>
    public ClientCredential? Credential { get; set; }

    /// <summary>Timeouts, retries and throttling of token requests. Not bound from configuration.</summary>
    public TokenRequestResilienceOptions Resilience { get; set; } = new();

    /// <summary>Configuration values that could not be read, reported by the validator with their key.</summary>
    internal List<(string Key, string Problem)> InvalidValues { get; } = [];
}
