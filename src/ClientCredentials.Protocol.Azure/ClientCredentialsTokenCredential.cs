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
public sealed class ClientCredentialsTokenCredential : TokenCredential
{
    /// <summary>The most scope sets whose parameters object is kept for reuse; further ones get a new object per call.</summary>
    internal const int MaxRememberedScopeSets = 64;

    private readonly ClientCredentialsClient _client;
    private readonly ILogger _logger;

    // One parameters object per scope set (scopes joined by spaces, which a scope cannot contain: RFC 6749 §3.3), so
    // that the client's per-parameters-object key memo makes repeated calls for the same scopes allocation-free.
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
        var claims = ReadClaims(context.Claims);
        if (claims is not null)
        {
            return new TokenRequestParameters(scopes.ToArray()) { Claims = claims };
        }

        if (scopes.Length == 0)
        {
            return null;
        }

        var key = scopes.Length == 1 ? scopes[0] : string.Join(' ', scopes);
        if (_parametersByScopes.TryGetValue(key, out var remembered))
        {
            return remembered;
        }

        var created = new TokenRequestParameters(scopes.ToArray());
        lock (_rememberGate)
        {
            return _parametersByScopes.Count < MaxRememberedScopeSets ? _parametersByScopes.GetOrAdd(key, created) : created;
        }
    }

    private ValueTask<AccessToken> Acquire(TokenRequestContext context, CancellationToken cancellationToken)
    {
        if (context.TenantId is { Length: > 0 } tenant && _client.Authority.Tenant is { } own && !string.Equals(tenant, own, StringComparison.OrdinalIgnoreCase))
        {
            throw new ClientCredentialsConfigurationException(
                "TenantId",
                $"The Azure SDK asked for a token from tenant '{tenant}', but this credential's client is registered in tenant '{own}'; create a ClientCredentialsClient for that tenant.");
        }

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
