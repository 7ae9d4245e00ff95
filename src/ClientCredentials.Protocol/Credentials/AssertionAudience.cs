namespace ClientCredentials.Protocol;

/// <summary>Turns a <see cref="ClientAssertionAudience"/> into the <c>aud</c> claim and <c>typ</c> header of one assertion.</summary>
internal static class AssertionAudience
{
    /// <summary>The <c>typ</c> of an assertion whose audience is the issuer (draft-ietf-oauth-rfc7523bis §4).</summary>
    public const string ClientAuthenticationType = "client-authentication+jwt";

    public const string JwtType = "JWT";

    /// <summary>Refuses, before anything is sent, an audience the authority cannot give.</summary>
    public static void Check(ClientAssertionAudience audience, TokenAuthority authority)
    {
        if (!Enum.IsDefined(audience))
        {
            throw new ClientCredentialsConfigurationException("AssertionAudience", $"Unknown assertion audience {(int)audience}.");
        }

        if (audience == ClientAssertionAudience.Issuer && (authority.Kind != AuthorityKind.Generic || authority.Issuer is null))
        {
            throw new ClientCredentialsConfigurationException(
                "AssertionAudience",
                $"AssertionAudience is Issuer, but the authority ({authority}) has no issuer this client knows: use TokenAuthority.OAuthIssuer or OidcIssuer for a server that takes its issuer as the audience. Entra ID and ADFS require the token endpoint (AssertionAudience Automatic or TokenEndpoint).");
        }
    }

    public static (string Audience, string Type) Resolve(ClientAssertionAudience audience, ClientAuthenticationContext context) =>
        Resolve(
            audience,
            context.Authority.Kind,
            context.TokenEndpoint,
            audience == ClientAssertionAudience.Automatic && context.Metadata?.RequiresTokenEndpointAudience == true ? null : context.Issuer);

    public static (string Audience, string Type) Resolve(ClientAssertionAudience audience, AuthorityKind kind, Uri tokenEndpoint, string? issuer)
    {
        var useIssuer = audience switch
        {
            ClientAssertionAudience.Issuer => true,
            ClientAssertionAudience.Automatic => kind == AuthorityKind.Generic && issuer is not null,
            _ => false,
        };
        if (!useIssuer)
        {
            return (tokenEndpoint.AbsoluteUri, JwtType);
        }

        return issuer is null
            ? throw new ClientCredentialsConfigurationException("AssertionAudience", "AssertionAudience is Issuer, but no issuer is known for this request; give the authority by its issuer.")
            : (issuer, ClientAuthenticationType);
    }
}
