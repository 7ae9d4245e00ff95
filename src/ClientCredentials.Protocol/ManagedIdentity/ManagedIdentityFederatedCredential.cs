using System.Diagnostics.CodeAnalysis;
namespace ClientCredentials.Protocol;

/// <summary>
/// Managed identity as a federated identity credential (Entra workload identity federation): the client assertion is
/// a managed identity token for the token exchange audience — <c>api://AzureADTokenExchange</c> in the public cloud,
/// <c>api://AzureADTokenExchangeUSGov</c> for login.microsoftonline.us, <c>api://AzureADTokenExchangeChina</c> for
/// login.chinacloudapi.cn — so an app registration, in this tenant or any other, is used with no secret and no
/// certificate. The app registration must list a federated credential with issuer
/// <c>https://login.microsoftonline.com/{managed identity tenant}/v2.0</c>, subject = the managed identity's object id
/// and that audience. The managed identity token is cached and reused until near expiry.
/// </summary>
public sealed class ManagedIdentityFederatedCredential : ClientCredential
{
    /// <summary>The token exchange audience of the public cloud.</summary>
    public const string PublicCloudAudience = "api://AzureADTokenExchange";

    /// <summary>The token exchange audience of Azure US Government.</summary>
    public const string UsGovernmentAudience = "api://AzureADTokenExchangeUSGov";

    /// <summary>The token exchange audience of Azure operated by 21Vianet (China).</summary>
    public const string ChinaAudience = "api://AzureADTokenExchangeChina";

    private static readonly string[] UsGovernmentHosts = [EntraInstance.UsGovernment, "login.usgovcloudapi.net"];
    private static readonly string[] ChinaHosts = [EntraInstance.China, "login.partner.microsoftonline.cn"];

    /// <summary>Uses the managed identity <paramref name="id"/> of this resource (system-assigned by default), detected from the environment.</summary>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ by the type of their first parameter (an identity to detect, or a configured managed identity credential), so no call with an argument is ambiguous.")]
    public ManagedIdentityFederatedCredential(ManagedIdentityId? id = null)
        : this(new ManagedIdentityCredential(new ManagedIdentityOptions { Id = id ?? ManagedIdentityId.SystemAssigned }))
    {
    }

    /// <summary>
    /// Uses <paramref name="managedIdentity"/>. <paramref name="audience"/> overrides the token exchange audience
    /// chosen from the authority's cloud (it must match the federated credential's audience).
    /// </summary>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ by the type of their first parameter (an identity to detect, or a configured managed identity credential), so no call with an argument is ambiguous.")]
    public ManagedIdentityFederatedCredential(ManagedIdentityCredential managedIdentity, string? audience = null)
    {
        ManagedIdentity = managedIdentity ?? throw new ClientCredentialsConfigurationException("ManagedIdentity", "The managed identity credential is required.");
        if (audience is not null && (string.IsNullOrWhiteSpace(audience) || audience.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) || audience.EndsWith(ClientCredentialsScope.DefaultSuffix, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ClientCredentialsConfigurationException("TokenExchangeAudience", $"Token exchange audience '{audience}' must be one audience without white space and without '/.default', for example {PublicCloudAudience}.");
        }

        Audience = audience;
    }

    /// <summary>The managed identity whose tokens are the assertions.</summary>
    public ManagedIdentityCredential ManagedIdentity { get; }

    /// <summary>The configured audience, or null to choose it from the authority's cloud.</summary>
    public string? Audience { get; }

    /// <summary>The token exchange audience for a token endpoint host (regional hosts included): US Government, China, else public.</summary>
    public static string AudienceFor(Uri tokenEndpoint)
    {
        ArgumentNullException.ThrowIfNull(tokenEndpoint);
        var host = tokenEndpoint.Host;
        return Matches(host, UsGovernmentHosts) ? UsGovernmentAudience
            : Matches(host, ChinaHosts) ? ChinaAudience
            : PublicCloudAudience;
    }

    private protected override void ValidateCore(TokenAuthority authority, TimeProvider timeProvider)
    {
        if (authority.Kind != AuthorityKind.Entra)
        {
            throw new ClientCredentialsConfigurationException("Credential", "A managed identity federated credential authenticates to Microsoft Entra ID only; use another credential for AD FS or other servers.");
        }
    }

    /// <summary>The managed identity and the exchange audience: what the assertion proves, never a token.</summary>
    internal override string CacheIdentity => $"managed-identity-federated:{ManagedIdentity}|{Audience}";

    internal override async ValueTask ApplyAsync(ClientAuthenticationContext context, TokenRequestMessage message, CancellationToken cancellationToken)
    {
        var audience = Audience ?? AudienceFor(context.TokenEndpoint);
        var token = await ManagedIdentity.GetTokenAsync(audience + ClientCredentialsScope.DefaultSuffix, cancellationToken).ConfigureAwait(false);
        message.Form.Add(new(OAuthParameters.ClientAssertionType, OAuthParameters.JwtBearerAssertionType));
        message.Form.Add(new(OAuthParameters.ClientAssertion, token.Token));
    }

    /// <inheritdoc />
    public override string ToString() => $"federated {ManagedIdentity} (audience {Audience ?? "by cloud"})";

    private static bool Matches(string host, string[] cloudHosts)
    {
        foreach (var cloudHost in cloudHosts)
        {
            if (host.Equals(cloudHost, StringComparison.OrdinalIgnoreCase) || host.EndsWith("." + cloudHost, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
