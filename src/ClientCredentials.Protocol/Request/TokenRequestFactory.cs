namespace ClientCredentials.Protocol;

/// <summary>
/// Writes one client credentials token request (RFC 6749 §4.4.2): form fields in the order
/// <c>client_id</c>, credential, <c>scope</c>, <c>claims</c> (the request's challenge merged with the client
/// capabilities), <c>grant_type</c>, then caller extras; empty values are dropped. A new request, and for assertion credentials a new assertion, is made for every attempt.
/// </summary>
internal static class TokenRequestFactory
{
    private const string FormMediaType = "application/x-www-form-urlencoded";

    public static async ValueTask<HttpRequestMessage> CreateAsync(
        ClientAuthenticationContext context,
        ClientCredential credential,
        TokenCacheKey requested,
        string? claims,
        string correlationId,
        CancellationToken cancellationToken)
    {
        var message = new TokenRequestMessage();
        if (!credential.AuthenticatesInHeader)
        {
            message.Form.Add(new(OAuthParameters.ClientId, context.ClientId));
        }

        await credential.ApplyAsync(context, message, cancellationToken).ConfigureAwait(false);
        if (requested.Scopes.Count > 0)
        {
            // Stryker disable once Conditional : joining one scope gives that scope; the shortcut only saves the join
            message.Form.Add(new(OAuthParameters.Scope, requested.Scopes.Count == 1 ? requested.Scopes[0] : string.Join(' ', requested.Scopes)));
        }

        if (!string.IsNullOrEmpty(claims))
        {
            message.Form.Add(new(OAuthParameters.Claims, claims));
        }

        message.Form.Add(new(OAuthParameters.GrantType, OAuthParameters.ClientCredentialsGrant));
        foreach (var extra in requested.ExtraParameters)
        {
            if (!string.IsNullOrEmpty(extra.Value))
            {
                message.Form.Add(extra);
            }
        }

        // The body is written once as the bytes sent; the media type carries no charset (RFC 6749 Appendix B: UTF-8).
        var content = new ByteArrayContent(FormUrlEncoding.EncodeFormUtf8(message.Form));
        content.Headers.TryAddWithoutValidation("Content-Type", FormMediaType);
        var request = new HttpRequestMessage(HttpMethod.Post, context.TokenEndpoint) { Content = content };
        request.Headers.Authorization = message.Authorization;
        TokenRequestHeaders.Apply(request, correlationId);
        return request;
    }
}
