using System.Text;

namespace ClientCredentials.Protocol;

/// <summary>
/// Writes one client credentials token request (RFC 6749 §4.4.2): form fields in the order
/// <c>client_id</c>, credential, <c>scope</c>, <c>claims</c> (the request's challenge merged with the client
/// capabilities), <c>grant_type</c>, then caller extras; empty values are dropped. A new request, and for assertion credentials a new assertion, is made for every attempt.
/// </summary>
internal static class TokenRequestFactory
{
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
            message.Form.Add(new(OAuthParameters.Scope, string.Join(' ', requested.Scopes)));
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

        var request = new HttpRequestMessage(HttpMethod.Post, context.TokenEndpoint)
        {
            Content = new StringContent(FormUrlEncoding.EncodeForm(message.Form), Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Content.Headers.ContentType!.CharSet = null;
        request.Headers.Authorization = message.Authorization;
        TokenRequestHeaders.Apply(request, correlationId);
        return request;
    }
}
