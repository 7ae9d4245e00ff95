namespace ClientCredentials.Protocol;

/// <summary>
/// This library never follows a redirect on its own requests, whatever <see cref="HttpClient"/> it is given: the token
/// endpoint is a fixed URL (RFC 6749 §3.2) and a token request carries the client's secret or assertion, which a
/// 307/308 would post again to whatever host <c>Location</c> names. A 3xx answer is a
/// <see cref="TokenEndpointException"/> (<c>invalid_response</c>, not transient, never retried). When the HttpClient's
/// own handler already followed a redirect — the response answers another URI than the one sent — the answer is
/// refused with a <see cref="ClientCredentialsConfigurationException"/> for <c>HttpClient</c>, saying that the
/// credential may have reached the other host.
/// </summary>
internal static class RedirectRefusal
{
    /// <summary>The error for a 3xx answer to <paramref name="sent"/>, or null when the status is not a redirect.</summary>
    public static TokenEndpointException? ForStatus(HttpResponseMessage response, Uri sent, string correlationId, string what)
    {
        var status = (int)response.StatusCode;
        if (status is < 300 or > 399)
        {
            return null;
        }

        var target = TargetOf(response, sent);
        return new TokenEndpointException(new TokenEndpointError
        {
            StatusCode = response.StatusCode,
            Error = TokenResponseReader.InvalidResponse,
            ErrorDescription =
                $"The {what} answered HTTP {status}, a redirect{(target is null ? string.Empty : " to " + target)}. Redirects are never followed: the request would carry " +
                "the client secret or assertion to another address (RFC 6749 §3.2: the token endpoint is a fixed URL). Configure the final URL.",
            CorrelationId = correlationId,
        });
    }

    /// <summary>
    /// The URI the HttpClient's handler was redirected to, when it followed a redirect itself (the response's request
    /// URI is not <paramref name="sent"/>); null otherwise. Such an answer, from a host nobody configured, is never read.
    /// </summary>
    public static Uri? FollowedTo(HttpResponseMessage response, Uri sent) =>
        response.RequestMessage?.RequestUri is { } answered && !answered.Equals(sent) ? answered : null;

    /// <summary>The error for an answer from <paramref name="answered"/> to a request sent to <paramref name="sent"/>.</summary>
    public static ClientCredentialsConfigurationException Followed(Uri sent, Uri answered, bool carriedCredential)
    {
        var exposure = carriedCredential
            ? $" On a 307 or 308 redirect that handler posted the request body — the client secret or assertion — to {AuthorityUri.Printable(answered)}: " +
              "unless you control that host, treat the credential as exposed and rotate it."
            : string.Empty;
        return new ClientCredentialsConfigurationException(
            "HttpClient",
            $"The HttpClient given to this client followed a redirect from {AuthorityUri.Printable(sent)} to {AuthorityUri.Printable(answered)}; its answer was not used.{exposure} " +
            "Give an HttpClient whose handler does not follow redirects: new HttpClient(TokenEndpointHttpHandler.Create()), or a handler with AllowAutoRedirect = false.");
    }

    /// <summary>The redirect target as scheme, host and path (never its query, which may carry anything), neutralised.</summary>
    private static string? TargetOf(HttpResponseMessage response, Uri sent)
    {
        Uri? location;
        try
        {
            location = response.Headers.Location;
        }
        catch (FormatException)
        {
            return null;
        }

        if (location is null)
        {
            return null;
        }

        // A relative Location is resolved against the request's URI; an absolute one stands as it is (the base is ignored).
        var absolute = new Uri(sent, location);
        return UntrustedText.Neutralize(AuthorityUri.Printable(absolute), 256);
    }
}
