namespace ClientCredentials.Protocol;

/// <summary>Any OAuth 2.0 server given by its token endpoint URL.</summary>
internal sealed class TokenEndpointAuthority : TokenAuthority
{
    private readonly Uri _tokenEndpoint;

    public TokenEndpointAuthority(Uri tokenEndpoint)
    {
        _tokenEndpoint = AuthorityUri.Validate(tokenEndpoint, "TokenEndpoint");
        CacheIdentity = _tokenEndpoint.AbsoluteUri;
    }

    public override AuthorityKind Kind => AuthorityKind.Generic;

    public override string CacheIdentity { get; }

    internal override string CacheKind => "token-endpoint";

    public override ValueTask<Uri> GetTokenEndpointAsync(HttpClient httpClient, CancellationToken cancellationToken = default) => new(_tokenEndpoint);
}
