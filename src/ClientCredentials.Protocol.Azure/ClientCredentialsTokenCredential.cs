using System.Collections.Concurrent;
using Azure.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClientCredentials.Protocol.Azure;

/// <summary>
/// An Azure.Core <see cref="TokenCredential"/> backed by a <see cref="ClientCredentialsClient"/>, so any Azure SDK
/// client authenticates with this library's cache and error handling. <see cref="TokenRequestContext.Scopes"/> become
/// the requested scopes (the client's default scopes when empty) and <see cref="TokenRequestContext.Claims"/> — the
/// claims of a continuous access evaluation challenge, as JSON or Base64/Base64url JSON — the <c>claims</c>
/// parameter; claims that cannot be decoded are ignored with a warning (event 4001) and the token is requested
/// without them, so a bad challenge from a resource never breaks token acquisition. Errors are this library's typed
/// <see cref="ClientCredentialsException"/>s.
/// </summary>
/// <remarks>
/// <see cref="TokenRequestContext.TenantId"/> (set by Azure SDK clients that learn a resource's tenant from a
/// challenge) is honoured as Azure.Identity does: a request for the client's own tenant, or for no tenant, is always
/// served; a request for another tenant is served from that tenant (on the client's instance, cached under it) only
/// when <see cref="AdditionallyAllowedTenants"/> lists it or holds <c>"*"</c>, and is otherwise a
/// <see cref="ClientCredentialsConfigurationException"/> naming <c>AdditionallyAllowedTenants</c>. With the
/// environment variable <c>AZURE_IDENTITY_DISABLE_MULTITENANTAUTH</c> set to <c>true</c> or <c>1</c> the requested
/// tenant is ignored and the client's own is used.
/// </remarks>
public sealed class ClientCredentialsTokenCredential : TokenCredential
{
    /// <summary>The most scope sets (per tenant) whose parameters object is kept for reuse; further ones get a new object per call.</summary>
    internal const int MaxRememberedScopeSets = 1024;

    /// <summary>The environment variable with which Azure.Identity turns multi-tenant requests off.</summary>
    internal const string DisableMultiTenantVariable = "AZURE_IDENTITY_DISABLE_MULTITENANTAUTH";

    /// <summary>The entry of <see cref="AdditionallyAllowedTenants"/> that allows every tenant.</summary>
    public const string AnyTenant = TenantAllowList.AnyTenant;

    private readonly ClientCredentialsClient _client;
    private readonly ILogger _logger;
    private readonly TenantAllowList _allowList = TenantAllowList.None;

    // One parameters object per tenant and scope set (joined by spaces, which neither can contain: RFC 6749 §3.3), so
    // that the key each parameters object keeps makes repeated calls for the same request allocation-free.
    private readonly ConcurrentDictionary<string, TokenRequestParameters> _parametersByScopes = new(StringComparer.Ordinal);
    private readonly object _rememberGate = new();

    /// <summary>Creates the credential over <paramref name="client"/>.</summary>
    /// <param name="client">The client whose tokens are returned.</param>
    /// <param name="logger">Receives the warning about unreadable claims; none when null.</param>
    public ClientCredentialsTokenCredential(ClientCredentialsClient client, ILogger? logger = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Tenants other than the client's own that Azure SDK clients may ask for through
    /// <see cref="TokenRequestContext.TenantId"/> (tenant ids or domains, compared ignoring case), or <c>"*"</c> for
    /// any tenant, as Azure.Identity's option of the same name. Default: none, so only the client's own tenant. Each
    /// entry is checked as a tenant when set (<see cref="TenantAllowList"/>).
    /// </summary>
    public IReadOnlyList<string> AdditionallyAllowedTenants
    {
        get => _allowList.Tenants;
        init => _allowList = new TenantAllowList(value, nameof(AdditionallyAllowedTenants));
    }

    /// <inheritdoc />
    public override async ValueTask<global::Azure.Core.AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        var token = await Acquire(requestContext, cancellationToken).ConfigureAwait(false);
        return Map(token);
    }

    /// <summary>
    /// Gets a token synchronously, for Azure SDK clients called through their synchronous methods. A cache hit
    /// completes without blocking; a miss blocks this thread until the token request ends (its timeouts apply).
    /// </summary>
    public override global::Azure.Core.AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        var pending = Acquire(requestContext, cancellationToken);
        var token = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
        return Map(token);
    }

    /// <summary>
    /// The parameters for <paramref name="context"/>: null for the client's default scopes; without claims, one
    /// remembered object per scope set (up to <see cref="MaxRememberedScopeSets"/>); with claims, a new one.
    /// </summary>
    internal TokenRequestParameters? ParametersFor(TokenRequestContext context)
    {
        var scopes = context.Scopes ?? [];
        var tenant = TenantFor(context);
        var claims = ReadClaims(context.Claims);
        if (claims is not null)
        {
            return new TokenRequestParameters(scopes.ToArray()) { Claims = claims, Tenant = tenant };
        }

        if (scopes.Length == 0 && tenant is null)
        {
            return null;
        }

        var scopeText = scopes.Length == 1 ? scopes[0] : string.Join(' ', scopes);
        var key = tenant is null ? scopeText : tenant + " " + scopeText;
        if (_parametersByScopes.TryGetValue(key, out var remembered))
        {
            return remembered;
        }

        var created = new TokenRequestParameters(scopes.ToArray()) { Tenant = tenant };
        lock (_rememberGate)
        {
            return _parametersByScopes.Count < MaxRememberedScopeSets ? _parametersByScopes.GetOrAdd(key, created) : created;
        }
    }

    /// <summary>
    /// The tenant to ask for: null (the client's own) when the context names none, names the client's own, or
    /// multi-tenant requests are turned off; the context's tenant when allowed; otherwise a configuration error.
    /// </summary>
    internal string? TenantFor(TokenRequestContext context)
    {
        if (string.IsNullOrWhiteSpace(context.TenantId) || IsMultiTenantDisabled())
        {
            return null;
        }

        return _allowList.Resolve(context.TenantId, _client.Authority);
    }

    private static bool IsMultiTenantDisabled() =>
        Environment.GetEnvironmentVariable(DisableMultiTenantVariable) is { } value
            && (value.Trim() == "1" || string.Equals(value.Trim(), "true", StringComparison.OrdinalIgnoreCase));

    private ValueTask<AccessToken> Acquire(TokenRequestContext context, CancellationToken cancellationToken)
    {
        var parameters = ParametersFor(context);
        return parameters is null ? _client.GetTokenAsync(cancellationToken) : _client.GetTokenAsync(parameters, cancellationToken);
    }

    private string? ReadClaims(string? claims)
    {
        if (string.IsNullOrWhiteSpace(claims))
        {
            return null;
        }

        if (ClaimsChallenge.TryDecode(claims, out var json))
        {
            return json;
        }

        AzureAdapterLog.ClaimsChallengeUnreadable(_logger, nameof(ClientCredentialsTokenCredential), _client.ClientId);
        return null;
    }

    private static global::Azure.Core.AccessToken Map(AccessToken token) =>
        new(token.Token, token.ExpiresOn, token.RefreshOn, token.TokenType);
}
