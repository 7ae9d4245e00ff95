using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;

namespace ClientCredentials.Protocol.Azure;

/// <summary>
/// A Kiota <see cref="IAccessTokenProvider"/> (used by the Microsoft Graph SDK and other Kiota-generated clients)
/// backed by a <see cref="ClientCredentialsClient"/>. Tokens are given only to hosts in
/// <see cref="AllowedHostsValidator"/> (an empty string for others, so no token leaks to a foreign host) and only
/// over https, or http to a loopback address. A <c>claims</c> entry in the authentication context (Base64 or
/// Base64url JSON, as Kiota passes a continuous access evaluation challenge, or the JSON itself) is sent as the
/// <c>claims</c> parameter; one that cannot be decoded is ignored with a warning (event 4001) and the token is
/// requested without claims, so a bad challenge from a resource never breaks token acquisition.
/// Wrap it in <c>BaseBearerTokenAuthenticationProvider</c> to get an <c>IAuthenticationProvider</c>.
/// </summary>
public sealed class ClientCredentialsAccessTokenProvider : IAccessTokenProvider
{
    /// <summary>The key under which Kiota passes a claims challenge in the additional authentication context.</summary>
    public const string ClaimsKey = "claims";

    private readonly ClientCredentialsClient _client;
    private readonly string[] _scopes;
    private readonly ILogger _logger;

    // Built once (on first use), so that the key each parameters object keeps makes each cache hit allocation-free.
    private TokenRequestParameters? _scopeParameters;

    /// <summary>Creates the provider.</summary>
    /// <param name="client">The client whose tokens are returned.</param>
    /// <param name="allowedHosts">Hosts that may receive a token, for example <c>graph.microsoft.com</c>; at least one.</param>
    /// <param name="scopes">Scopes to request; when empty, the client's default scopes (with a claims challenge or a
    /// <see cref="Tenant"/>,
    /// <c>{scheme}://{host}/.default</c> of the URL, as Kiota's Azure provider does).</param>
    /// <param name="logger">Receives the warning about an unreadable claims challenge; none when null.</param>
    public ClientCredentialsAccessTokenProvider(ClientCredentialsClient client, IEnumerable<string> allowedHosts, IEnumerable<string>? scopes = null, ILogger? logger = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        ArgumentNullException.ThrowIfNull(allowedHosts);
        var hosts = allowedHosts.Where(h => !string.IsNullOrWhiteSpace(h)).ToArray();
        if (hosts.Length == 0)
        {
            throw new ClientCredentialsConfigurationException("AllowedHosts", "Give at least one allowed host (for example graph.microsoft.com); a token provider without allowed hosts would send app tokens to any host.");
        }

        AllowedHostsValidator = new AllowedHostsValidator(hosts);
        _scopes = scopes?.ToArray() ?? [];
        _logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public AllowedHostsValidator AllowedHostsValidator { get; }

    /// <summary>
    /// The Microsoft Entra tenant to get tokens from (<see cref="TokenRequestParameters.Tenant"/>): one client then
    /// serves a provider per tenant. Checked when the first token is requested; null for the client's own tenant.
    /// </summary>
    public string? Tenant { get; init; }

    /// <summary>
    /// Returns a token for <paramref name="uri"/>, or an empty string when its host is not allowed. Throws
    /// <see cref="ArgumentException"/> for a non-https URL to a host other than loopback.
    /// </summary>
    public async Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!AllowedHostsValidator.IsUrlHostValid(uri))
        {
            return string.Empty;
        }

        if (!string.Equals(uri.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase) && !uri.IsLoopback)
        {
            throw new ArgumentException($"Only https URLs receive tokens (RFC 6750 §5.3); '{uri.GetLeftPart(UriPartial.Authority)}' is {uri.Scheme} to a host that is not loopback.", nameof(uri));
        }

        var parameters = ParametersFor(uri, ReadClaims(additionalAuthenticationContext));
        var token = parameters is null
            ? await _client.GetTokenAsync(cancellationToken).ConfigureAwait(false)
            : await _client.GetTokenAsync(parameters, cancellationToken).ConfigureAwait(false);
        return token.Token;
    }

    /// <summary>
    /// The parameters for a request to <paramref name="uri"/>: null for the client's default scopes; without claims,
    /// the one object built in the constructor; with claims, a new one.
    /// </summary>
    internal TokenRequestParameters? ParametersFor(Uri uri, string? claims)
    {
        if (claims is null)
        {
            if (_scopes.Length > 0)
            {
                return _scopeParameters ??= new TokenRequestParameters(_scopes) { Tenant = Tenant };
            }

            // The client's default scopes are for its own tenant; another tenant gets the scope of the URL's resource.
            return Tenant is null ? null : new TokenRequestParameters(ClientCredentialsScope.FromResource($"{uri.Scheme}://{uri.Authority}")) { Tenant = Tenant };
        }

        var scopes = _scopes.Length > 0 ? _scopes : [ClientCredentialsScope.FromResource($"{uri.Scheme}://{uri.Authority}")];
        return new TokenRequestParameters(scopes) { Claims = claims, Tenant = Tenant };
    }

    private string? ReadClaims(Dictionary<string, object>? context)
    {
        if (context is null || !context.TryGetValue(ClaimsKey, out var value) || value is not string { Length: > 0 } text)
        {
            return null;
        }

        if (ClaimsChallenge.TryDecode(text, out var claims))
        {
            return claims;
        }

        AzureAdapterLog.ClaimsChallengeUnreadable(_logger, nameof(ClientCredentialsAccessTokenProvider), _client.ClientId);
        return null;
    }
}
