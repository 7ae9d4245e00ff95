using System.Text.Json;

namespace ClientCredentials.Protocol;

/// <summary>
/// An OpenID Provider found by its issuer. The token endpoint comes from
/// <c>{issuer}/.well-known/openid-configuration</c> (OIDC Discovery 1.0 §4): fetched on first use, shared by concurrent
/// callers, kept for a day, and fetched again after a token request could not reach it.
/// </summary>
internal sealed class OidcIssuerAuthority : TokenAuthority
{
    private static readonly TimeSpan DocumentLifetime = TimeSpan.FromHours(24);

    private readonly Uri _issuer;
    private readonly string _issuerText;
    private readonly Uri _discoveryUri;
    private readonly TimeProvider _timeProvider;
    private readonly object _gate = new();
    private Task<Uri>? _discovery;
    private DateTimeOffset _discoveredAt;

    public OidcIssuerAuthority(Uri issuer, TimeProvider timeProvider)
    {
        _issuer = AuthorityUri.Validate(issuer, "Issuer");
        _issuerText = issuer.OriginalString;
        _discoveryUri = new Uri(_issuerText.TrimEnd('/') + "/.well-known/openid-configuration");
        _timeProvider = timeProvider;
        CacheIdentity = _issuerText;
    }

    public override AuthorityKind Kind => AuthorityKind.Generic;

    public override string CacheIdentity { get; }

    internal override string CacheKind => "oidc-issuer";

    public override ValueTask<Uri> GetTokenEndpointAsync(HttpClient httpClient, CancellationToken cancellationToken = default)
    {
        Task<Uri> discovery;
        lock (_gate)
        {
            var stale = _discovery is { IsCompletedSuccessfully: true } && _timeProvider.GetUtcNow() - _discoveredAt > DocumentLifetime;
            if (_discovery is null || _discovery.IsFaulted || _discovery.IsCanceled || stale)
            {
                _discoveredAt = _timeProvider.GetUtcNow();
                _discovery = DiscoverAsync(httpClient);
            }

            discovery = _discovery;
        }

        return discovery.IsCompletedSuccessfully ? new ValueTask<Uri>(discovery.Result) : new ValueTask<Uri>(discovery.WaitAsync(cancellationToken));
    }

    internal override void ForgetDiscoveredEndpoint()
    {
        lock (_gate)
        {
            _discovery = null;
        }
    }

    private async Task<Uri> DiscoverAsync(HttpClient httpClient)
    {
        // Shared by every caller, so it runs on its own deadline rather than any one caller's token.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30), _timeProvider);
        byte[] body;
        System.Net.HttpStatusCode status;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, _discoveryUri);
            request.Headers.Accept.ParseAdd("application/json");
            using var response = await httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (RedirectRefusal.FollowedTo(response, _discoveryUri) is { } elsewhere)
            {
                throw RedirectRefusal.Followed(_discoveryUri, elsewhere, carriedCredential: false);
            }

            status = response.StatusCode;
            body = await ResponseBodyReader.ReadAsync(response.Content, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            throw new TokenEndpointUnreachableException(_discoveryUri, null, ex is OperationCanceledException, $"The OpenID configuration at {_discoveryUri.AbsoluteUri} could not be fetched: {UntrustedText.Neutralize(ex.Message)}", ex);
        }

        if (!((int)status is >= 200 and < 300))
        {
            throw new TokenEndpointException(new TokenEndpointError
            {
                StatusCode = status,
                Error = "invalid_discovery_document",
                ErrorDescription = (int)status is >= 300 and < 400
                    ? $"GET {_discoveryUri.AbsoluteUri} answered HTTP {(int)status}, a redirect; redirects are not followed. Configure the issuer exactly as its discovery document names it."
                    : $"GET {_discoveryUri.AbsoluteUri} answered HTTP {(int)status}; check the issuer URL.",
                ResponseSnippet = ResponseExcerpt.Of(body),
            });
        }

        OidcDiscoveryJson? document;
        try
        {
            document = JsonSerializer.Deserialize(body, TokenEndpointJsonContext.Default.OidcDiscoveryJson);
        }
        catch (JsonException ex)
        {
            throw new ClientCredentialsConfigurationException("Issuer", $"The OpenID configuration at {_discoveryUri.AbsoluteUri} is not valid JSON ({UntrustedText.Neutralize(ex.Message)}).", ex);
        }

        if (document?.Issuer is null || !string.Equals(document.Issuer, _issuerText, StringComparison.Ordinal))
        {
            throw new ClientCredentialsConfigurationException("Issuer", $"The OpenID configuration at {_discoveryUri.AbsoluteUri} names issuer '{UntrustedText.Neutralize(document?.Issuer, 256)}', not the configured '{UntrustedText.Neutralize(_issuerText, 256)}'; OIDC Discovery §4.3 requires them to be identical. Configure the exact issuer.");
        }

        if (string.IsNullOrEmpty(document.TokenEndpoint) || !Uri.TryCreate(document.TokenEndpoint, UriKind.Absolute, out var tokenEndpoint))
        {
            throw new ClientCredentialsConfigurationException("Issuer", $"The OpenID configuration at {_discoveryUri.AbsoluteUri} has no valid token_endpoint.");
        }

        return AuthorityUri.Validate(tokenEndpoint, "token_endpoint");
    }
}
