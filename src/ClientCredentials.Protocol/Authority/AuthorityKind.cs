namespace ClientCredentials.Protocol;

/// <summary>The kind of authorization server a <see cref="TokenAuthority"/> points at; it decides the endpoint shape,
/// the assertion algorithm and how strictly scopes are checked.</summary>
public enum AuthorityKind
{
    /// <summary>Microsoft Entra ID (AAD) v2: <c>https://{host}/{tenant}/oauth2/v2.0/token</c>.</summary>
    Entra,

    /// <summary>Active Directory Federation Services: <c>https://{host}/adfs/oauth2/token</c>.</summary>
    Adfs,

    /// <summary>Any other OAuth 2.0 server, by explicit token endpoint or OIDC discovery.</summary>
    Generic,
}
