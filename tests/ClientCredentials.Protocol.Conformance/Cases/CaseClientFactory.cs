namespace ClientCredentials.Protocol.Conformance;

/// <summary>
/// Builds the client a case describes, pointed at the mock: the authority of <c>client.kind</c> (AD FS from the token
/// endpoint path without <c>/oauth2/token</c>, as spec/porting.md says), the credential of spec/conformance/README.md,
/// the case's options, every other option at the library's default except a short retry backoff when the case sets
/// none (only a case that sets one measures it). <c>totalTimeoutSeconds</c> shorter than the per-attempt timeout lowers that too.
/// </summary>
internal static class CaseClientFactory
{
    private static readonly TimeSpan ShortBackoff = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// The client of the case; <paramref name="dpopKey"/> names the DPoP key when it differs from <c>client.dpopKey</c>
    /// (a timeline step's <c>call.dpopKey</c>). Configuration errors found at creation propagate.
    /// </summary>
    public static ClientCredentialsClient Create(ConformanceCase conformanceCase, Uri mockBase, TimeProvider clock, TokenCache? cache, string? dpopKey)
    {
        var client = conformanceCase.Client;
        var defaults = new TokenRequestResilienceOptions();
        var total = client.TotalTimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : defaults.TotalTimeout;
        return new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = AuthorityOn(conformanceCase, mockBase, clock),
            ClientId = client.ClientId,
            Credential = CaseCredentials.Create(client),
            DPoPKey = CaseCredentials.DPoPKey(dpopKey),
            Scopes = client.Scopes,
            TimeProvider = clock,
            Cache = cache,
            CacheOptions = cache is null && client.UseExtendedLifetime ? new TokenCacheOptions { UseExtendedLifetime = true } : null,
            Resilience = defaults with
            {
                MaxRetries = client.MaxRetries ?? defaults.MaxRetries,
                TotalTimeout = total,
                AttemptTimeout = total < defaults.AttemptTimeout ? total : defaults.AttemptTimeout,
                RetryBaseDelay = client.RetryBaseDelaySeconds is { } delay ? TimeSpan.FromSeconds(delay) : ShortBackoff,
            },
        });
    }

    /// <summary>The absolute URL the client posts token requests to: <c>${tokenEndpoint}</c>.</summary>
    public static Uri TokenEndpoint(ConformanceCase conformanceCase, Uri mockBase) => new(mockBase, conformanceCase.TokenPath.TrimStart('/'));

    /// <summary>The authority the case describes on <paramref name="mockBase"/>; metadata discovery reads <paramref name="clock"/>.</summary>
    private static TokenAuthority AuthorityOn(ConformanceCase conformanceCase, Uri mockBase, TimeProvider clock)
    {
        var client = conformanceCase.Client;
        return client.Kind switch
        {
            "entra" => TokenAuthority.Entra(client.Tenant!, mockBase.AbsoluteUri),
            "adfs" => TokenAuthority.Adfs(new Uri(mockBase, AdfsAuthorityPath(client.TokenEndpointPath!).TrimStart('/'))),
            "generic" => TokenAuthority.TokenEndpoint(TokenEndpoint(conformanceCase, mockBase)),
            "oidc" => TokenAuthority.OidcIssuer(client.IssuerOn(mockBase)!, clock),
            "oauth" => TokenAuthority.OAuthIssuer(client.IssuerOn(mockBase)!, clock),
            _ => throw new InvalidDataException($"{conformanceCase.FileName}: unknown client.kind '{client.Kind}'."),
        };
    }

    /// <summary>AD FS: the authority is the token endpoint path without its <c>/oauth2/token</c> suffix (protocol.md §1.3).</summary>
    private static string AdfsAuthorityPath(string tokenPath)
    {
        const string suffix = "/oauth2/token";
        return tokenPath.EndsWith(suffix, StringComparison.Ordinal)
            ? tokenPath[..^suffix.Length]
            : throw new InvalidDataException($"An AD FS tokenEndpointPath must end in {suffix}, not '{tokenPath}'.");
    }
}
