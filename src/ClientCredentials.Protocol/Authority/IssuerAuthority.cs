namespace ClientCredentials.Protocol;

/// <summary>
/// An authorization server found by its issuer. Its metadata comes from RFC 8414 §3.1
/// (<c>/.well-known/oauth-authorization-server</c> inserted before the issuer's path), from OIDC Discovery 1.0 §4
/// (<c>{issuer}/.well-known/openid-configuration</c>), or from the first then the second when the first answers 404.
/// The document is fetched on first use, shared by concurrent callers, kept for a day, and fetched again after a
/// token request could not reach the endpoint it named.
/// </summary>
internal sealed class IssuerAuthority : TokenAuthority
{
    private static readonly TimeSpan DocumentLifetime = TimeSpan.FromHours(24);

    private readonly string _issuer;
    private readonly IssuerMetadata _metadata;
    private readonly Uri[] _locations;
    private readonly TimeProvider _timeProvider;
    private readonly object _gate = new();
    private Task<AuthorizationServerMetadata>? _discovery;
    private DateTimeOffset _discoveredAt;

    public IssuerAuthority(Uri issuer, IssuerMetadata metadata, TimeProvider timeProvider)
    {
        AuthorityUri.Validate(issuer, "Issuer");
        _issuer = issuer.OriginalString;
        _metadata = metadata;
        _locations = metadata switch
        {
            IssuerMetadata.OpenIdConnect => [MetadataLocation.Oidc(_issuer)],
            IssuerMetadata.OAuth => [MetadataLocation.OAuth(issuer)],
            _ => [MetadataLocation.OAuth(issuer), MetadataLocation.Oidc(_issuer)],
        };
        _timeProvider = timeProvider;
        CacheIdentity = _issuer;
    }

    public override AuthorityKind Kind => AuthorityKind.Generic;

    public override string CacheIdentity { get; }

    /// <summary>
    /// An issuer found by OIDC Discovery and one found by RFC 8414 keep their tokens apart: a server may publish
    /// different metadata (a different token endpoint) at the two locations (RFC 8414 §6).
    /// </summary>
    internal override string CacheKind => _metadata == IssuerMetadata.OpenIdConnect ? "oidc-issuer" : "oauth-issuer";

    internal override string? Issuer => _issuer;

    public override async ValueTask<Uri> GetTokenEndpointAsync(HttpClient httpClient, CancellationToken cancellationToken = default) =>
        (await GetMetadataAsync(httpClient, cancellationToken).ConfigureAwait(false))!.TokenEndpoint;

    public override ValueTask<AuthorizationServerMetadata?> GetMetadataAsync(HttpClient httpClient, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        Task<AuthorizationServerMetadata> discovery;
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

        return discovery.IsCompletedSuccessfully
            ? new ValueTask<AuthorizationServerMetadata?>(discovery.Result)
            : new ValueTask<AuthorizationServerMetadata?>(AwaitAsync(discovery, cancellationToken));
    }

    internal override void ForgetDiscoveredEndpoint()
    {
        lock (_gate)
        {
            _discovery = null;
        }
    }

    private static async Task<AuthorizationServerMetadata?> AwaitAsync(Task<AuthorizationServerMetadata> discovery, CancellationToken cancellationToken) =>
        await discovery.WaitAsync(cancellationToken).ConfigureAwait(false);

    private async Task<AuthorizationServerMetadata> DiscoverAsync(HttpClient httpClient)
    {
        // Shared by every caller, so it runs on its own deadline rather than any one caller's token.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30), _timeProvider);
        for (var i = 0; i < _locations.Length - 1; i++)
        {
            if (await AuthorizationServerMetadataReader.ReadAsync(httpClient, _locations[i], _issuer, notFoundIsAbsent: true, timeout.Token).ConfigureAwait(false) is { } metadata)
            {
                return metadata;
            }
        }

        // The last location answers the document or throws: a 404 there is an error, never null.
        return (await AuthorizationServerMetadataReader.ReadAsync(httpClient, _locations[^1], _issuer, notFoundIsAbsent: false, timeout.Token).ConfigureAwait(false))!;
    }
}

/// <summary>Which metadata document an issuer authority reads.</summary>
internal enum IssuerMetadata
{
    /// <summary>OIDC Discovery 1.0: <c>{issuer}/.well-known/openid-configuration</c>.</summary>
    OpenIdConnect,

    /// <summary>RFC 8414: <c>/.well-known/oauth-authorization-server{issuer path}</c>.</summary>
    OAuth,

    /// <summary>RFC 8414, then OIDC Discovery when the server answers 404.</summary>
    OAuthThenOpenIdConnect,
}
