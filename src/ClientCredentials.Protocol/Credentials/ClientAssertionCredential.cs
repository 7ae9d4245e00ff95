namespace ClientCredentials.Protocol;

/// <summary>
/// Authenticates with a JWT assertion (RFC 7521 §4.2) that the caller produces: signed elsewhere (a key vault, an
/// HSM) or issued by another identity provider (federated identity credentials). The callback is called for every
/// network request, never cached by this type.
/// </summary>
/// <remarks>
/// What a callback proves cannot be known before it is called, so its tokens are cached for this credential object
/// alone: clients that share the object share tokens; two callback credentials never do, not even across processes.
/// </remarks>
public sealed class ClientAssertionCredential : ClientCredential
{
    private readonly Func<ClientAssertionContext, CancellationToken, ValueTask<string>> _getAssertion;

    /// <summary>Creates the credential from a callback that returns a fresh assertion.</summary>
    public ClientAssertionCredential(Func<ClientAssertionContext, CancellationToken, ValueTask<string>> getAssertion)
    {
        _getAssertion = getAssertion ?? throw new ClientCredentialsConfigurationException("ClientAssertion", "The assertion callback is required.");
    }

    internal override async ValueTask ApplyAsync(ClientAuthenticationContext context, TokenRequestMessage message, CancellationToken cancellationToken)
    {
        var assertionContext = new ClientAssertionContext(context.ClientId, context.TokenEndpoint, context.Authority.Tenant, context.Authority.Kind) { Issuer = context.Metadata?.RequiresTokenEndpointAudience == true ? null : context.Issuer };
        var assertion = await _getAssertion(assertionContext, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(assertion))
        {
            throw new ClientCredentialsConfigurationException("ClientAssertion", "The assertion callback returned an empty assertion; it must return a signed JWT for every call.");
        }

        message.Form.Add(new(OAuthParameters.ClientAssertionType, OAuthParameters.JwtBearerAssertionType));
        message.Form.Add(new(OAuthParameters.ClientAssertion, assertion.Trim()));
    }

    /// <inheritdoc />
    public override string AuthenticationMethod => ClientAuthenticationMethods.PrivateKeyJwt;

    /// <inheritdoc />
    public override string ToString() => "client assertion callback";
}
