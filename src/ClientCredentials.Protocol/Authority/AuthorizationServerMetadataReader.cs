using System.Net;
using System.Text.Json;

namespace ClientCredentials.Protocol;

/// <summary>
/// Fetches one metadata document (RFC 8414 §3, OIDC Discovery 1.0 §4) and checks it before anything in it is used: its
/// <c>issuer</c> must equal the configured issuer exactly (RFC 8414 §3.3), its token endpoint follows the URL rules of
/// every authority, and an <c>mtls_endpoint_aliases</c> token endpoint must be https, loopback included, because a
/// client certificate is presented only over TLS. Redirects are not followed.
/// </summary>
internal static class AuthorizationServerMetadataReader
{
    /// <summary>The document, or null when the server answered 404 (so that another location can be tried).</summary>
    public static async Task<AuthorizationServerMetadata?> ReadAsync(HttpClient httpClient, Uri location, string issuer, bool notFoundIsAbsent, CancellationToken cancellationToken)
    {
        byte[] body;
        HttpStatusCode status;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, location);
            request.Headers.Accept.ParseAdd("application/json");
            using var response = await httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (RedirectRefusal.FollowedTo(response, location) is { } elsewhere)
            {
                throw RedirectRefusal.Followed(location, elsewhere, carriedCredential: false);
            }

            status = response.StatusCode;
            body = await ResponseBodyReader.ReadAsync(response.Content, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            throw new TokenEndpointUnreachableException(location, null, ex is OperationCanceledException, $"The authorization server metadata at {location.AbsoluteUri} could not be fetched: {UntrustedText.Neutralize(ex.Message)}", ex);
        }

        if (status == HttpStatusCode.NotFound && notFoundIsAbsent)
        {
            return null;
        }

        if (!((int)status is >= 200 and < 300))
        {
            throw new TokenEndpointException(new TokenEndpointError
            {
                StatusCode = status,
                Error = "invalid_discovery_document",
                ErrorDescription = (int)status is >= 300 and < 400
                    ? $"GET {location.AbsoluteUri} answered HTTP {(int)status}, a redirect; redirects are not followed. Configure the issuer exactly as its metadata names it."
                    : $"GET {location.AbsoluteUri} answered HTTP {(int)status}; check the issuer URL.",
                ResponseSnippet = ResponseExcerpt.Of(body),
            });
        }

        AuthorizationServerMetadataJson? document;
        try
        {
            document = JsonSerializer.Deserialize(body, TokenEndpointJsonContext.Default.AuthorizationServerMetadataJson);
        }
        catch (JsonException ex)
        {
            throw new ClientCredentialsConfigurationException("Issuer", $"The metadata at {location.AbsoluteUri} is not valid JSON of the expected shape ({UntrustedText.Neutralize(ex.Message)}).", ex);
        }

        if (document?.Issuer is null || !string.Equals(document.Issuer, issuer, StringComparison.Ordinal))
        {
            throw new ClientCredentialsConfigurationException("Issuer", $"The metadata at {location.AbsoluteUri} names issuer '{UntrustedText.Neutralize(document?.Issuer, 256)}', not the configured '{UntrustedText.Neutralize(issuer, 256)}'; RFC 8414 §3.3 and OIDC Discovery §4.3 require them to be identical, so the document is not used. Configure the issuer exactly as the server names it.");
        }

        if (string.IsNullOrEmpty(document.TokenEndpoint) || !Uri.TryCreate(document.TokenEndpoint, UriKind.Absolute, out var tokenEndpoint))
        {
            throw new ClientCredentialsConfigurationException("Issuer", $"The metadata at {location.AbsoluteUri} has no valid token_endpoint.");
        }

        return new AuthorizationServerMetadata
        {
            Issuer = document.Issuer,
            MetadataUri = location,
            TokenEndpoint = AuthorityUri.Validate(tokenEndpoint, "token_endpoint"),
            TokenEndpointAuthMethodsSupported = Names(document.TokenEndpointAuthMethodsSupported, "token_endpoint_auth_methods_supported", location),
            TokenEndpointAuthSigningAlgValuesSupported = Names(document.TokenEndpointAuthSigningAlgValuesSupported, "token_endpoint_auth_signing_alg_values_supported", location),
            DPoPSigningAlgValuesSupported = Names(document.DPoPSigningAlgValuesSupported, "dpop_signing_alg_values_supported", location),
            MtlsTokenEndpoint = MtlsTokenEndpoint(document.MtlsEndpointAliases, location),
            RequiresTokenEndpointAudience = document.CloudInstanceName is not null || IsAdfs(document.Issuer),
        };
    }

    /// <summary>RFC 8705 §5: the alias is where mTLS clients post; it must be an https URL like every endpoint, and https even on loopback.</summary>
    private static Uri? MtlsTokenEndpoint(Dictionary<string, JsonElement>? aliases, Uri location)
    {
        if (aliases is null || !aliases.TryGetValue("token_endpoint", out var alias))
        {
            return null;
        }

        const string setting = "mtls_endpoint_aliases";
        if (alias.ValueKind != JsonValueKind.String || !Uri.TryCreate(alias.GetString(), UriKind.Absolute, out var uri))
        {
            throw new ClientCredentialsConfigurationException(setting, $"The metadata at {location.AbsoluteUri} has an mtls_endpoint_aliases token_endpoint that is not an absolute URL; the server's metadata must be fixed before mutual TLS can be used.");
        }

        if (uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new ClientCredentialsConfigurationException(setting, $"The metadata at {location.AbsoluteUri} gives the mtls_endpoint_aliases token_endpoint '{AuthorityUri.Printable(uri)}', which is not https: a client certificate is presented only on a TLS connection (RFC 8705 §5). The server's metadata must name an https alias.");
        }

        return AuthorityUri.Validate(uri, setting);
    }

    private static bool IsAdfs(string issuer) =>
        Uri.TryCreate(issuer, UriKind.Absolute, out var uri) && uri.AbsolutePath.TrimEnd('/').EndsWith("/adfs", StringComparison.OrdinalIgnoreCase);

    private static string[]? Names(string[]? names, string member, Uri location)
    {
        if (names is not null && Array.Exists(names, n => string.IsNullOrEmpty(n)))
        {
            throw new ClientCredentialsConfigurationException("Issuer", $"The metadata at {location.AbsoluteUri} has an empty entry in {member}.");
        }

        return names;
    }
}
