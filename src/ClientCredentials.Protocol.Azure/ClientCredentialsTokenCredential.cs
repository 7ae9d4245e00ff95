using Azure.Core;

namespace ClientCredentials.Protocol.Azure;

/// <summary>
/// An Azure.Core <see cref="TokenCredential"/> backed by a <see cref="ClientCredentialsClient"/>, so any Azure SDK
/// client authenticates with this library's cache and error handling. <see cref="TokenRequestContext.Scopes"/> become
/// the requested scopes (the client's default scopes when empty) and <see cref="TokenRequestContext.Claims"/> — the
/// decoded claims of a continuous access evaluation challenge — the <c>claims</c> parameter. Errors are this
/// library's typed <see cref="ClientCredentialsException"/>s.
/// </summary>
public sealed class ClientCredentialsTokenCredential : TokenCredential
{
    private readonly ClientCredentialsClient _client;

    /// <summary>Creates the credential over <paramref name="client"/>.</summary>
    public ClientCredentialsTokenCredential(ClientCredentialsClient client)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
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

    private ValueTask<AccessToken> Acquire(TokenRequestContext context, CancellationToken cancellationToken)
    {
        if (context.TenantId is { Length: > 0 } tenant && _client.Authority.Tenant is { } own && !string.Equals(tenant, own, StringComparison.OrdinalIgnoreCase))
        {
            throw new ClientCredentialsConfigurationException(
                "TenantId",
                $"The Azure SDK asked for a token from tenant '{tenant}', but this credential's client is registered in tenant '{own}'; create a ClientCredentialsClient for that tenant.");
        }

        if ((context.Scopes is null || context.Scopes.Length == 0) && string.IsNullOrEmpty(context.Claims))
        {
            return _client.GetTokenAsync(cancellationToken);
        }

        var parameters = new TokenRequestParameters(context.Scopes ?? [])
        {
            Claims = string.IsNullOrEmpty(context.Claims) ? null : context.Claims,
        };
        return _client.GetTokenAsync(parameters, cancellationToken);
    }

    private static global::Azure.Core.AccessToken Map(AccessToken token) =>
        new(token.Token, token.ExpiresOn, token.RefreshOn, token.TokenType);
}
