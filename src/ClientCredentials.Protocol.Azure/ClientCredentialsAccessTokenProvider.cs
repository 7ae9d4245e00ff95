using System.Text;
using Microsoft.Kiota.Abstractions.Authentication;

namespace ClientCredentials.Protocol.Azure;

/// <summary>
/// A Kiota <see cref="IAccessTokenProvider"/> (used by the Microsoft Graph SDK and other Kiota-generated clients)
/// backed by a <see cref="ClientCredentialsClient"/>. Tokens are given only to hosts in
/// <see cref="AllowedHostsValidator"/> (an empty string for others, so no token leaks to a foreign host) and only
/// over https, or http to a loopback address. A <c>claims</c> entry in the authentication context (Base64 JSON, as
/// Kiota passes a continuous access evaluation challenge) is sent as the <c>claims</c> parameter.
/// Wrap it in <c>BaseBearerTokenAuthenticationProvider</c> to get an <c>IAuthenticationProvider</c>.
/// </summary>
public sealed class ClientCredentialsAccessTokenProvider : IAccessTokenProvider
{
    /// <summary>The key under which Kiota passes a claims challenge in the additional authentication context.</summary>
    public const string ClaimsKey = "claims";

    private readonly ClientCredentialsClient _client;
    private readonly string[] _scopes;

    /// <summary>Creates the provider.</summary>
    /// <param name="client">The client whose tokens are returned.</param>
    /// <param name="allowedHosts">Hosts that may receive a token, for example <c>graph.microsoft.com</c>; at least one.</param>
    /// <param name="scopes">Scopes to request; when empty, the client's default scopes (with a claims challenge,
    /// <c>{scheme}://{host}/.default</c> of the URL, as Kiota's Azure provider does).</param>
    public ClientCredentialsAccessTokenProvider(ClientCredentialsClient client, IEnumerable<string> allowedHosts, IEnumerable<string>? scopes = null)
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
    }

    /// <inheritdoc />
    public AllowedHostsValidator AllowedHostsValidator { get; }

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

        var claims = ReadClaims(additionalAuthenticationContext);
        AccessToken token;
        if (_scopes.Length == 0 && claims is null)
        {
            token = await _client.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var scopes = _scopes.Length > 0 ? _scopes : [ClientCredentialsScope.FromResource($"{uri.Scheme}://{uri.Authority}")];
            token = await _client.GetTokenAsync(new TokenRequestParameters(scopes) { Claims = claims }, cancellationToken).ConfigureAwait(false);
        }

        return token.Token;
    }

    private static string? ReadClaims(Dictionary<string, object>? context)
    {
        if (context is null || !context.TryGetValue(ClaimsKey, out var value) || value is not string { Length: > 0 } text)
        {
            return null;
        }

        text = text.Trim();
        if (text.StartsWith('{'))
        {
            return text;
        }

        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(text));
        }
        catch (FormatException ex)
        {
            throw new ClientCredentialsConfigurationException("claims", "The claims challenge in the authentication context is neither JSON nor Base64-encoded JSON.", ex);
        }
    }
}
