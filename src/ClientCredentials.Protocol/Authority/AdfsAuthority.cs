namespace ClientCredentials.Protocol;

/// <summary>An ADFS authority <c>https://host/adfs</c>; its token endpoint is <c>https://host/adfs/oauth2/token</c>.</summary>
internal sealed class AdfsAuthority : TokenAuthority
{
    private readonly Uri _tokenEndpoint;

    public AdfsAuthority(Uri authority)
    {
        AuthorityUri.Validate(authority, "Authority");
        var path = authority.AbsolutePath.TrimEnd('/');
        if (!path.EndsWith("/adfs", StringComparison.OrdinalIgnoreCase))
        {
            throw new ClientCredentialsConfigurationException("Authority", $"ADFS authority '{AuthorityUri.Printable(authority)}' must end in /adfs, for example https://sts.contoso.com/adfs.");
        }

        _tokenEndpoint = new Uri(authority.GetLeftPart(UriPartial.Authority) + path + "/oauth2/token");
        CacheIdentity = _tokenEndpoint.AbsoluteUri.ToLowerInvariant();
    }

    public override AuthorityKind Kind => AuthorityKind.Adfs;

    public override string CacheIdentity { get; }

    internal override string CacheKind => "adfs";

    public override ValueTask<Uri> GetTokenEndpointAsync(HttpClient httpClient, CancellationToken cancellationToken = default) => new(_tokenEndpoint);
}
