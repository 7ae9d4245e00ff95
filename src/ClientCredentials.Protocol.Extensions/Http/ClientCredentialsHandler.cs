using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using ClientCredentials.Protocol.Extensions.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ClientCredentials.Protocol.Extensions.Http;

/// <summary>
/// Attaches <c>Authorization: {token_type} &lt;token&gt;</c> (normally <c>Bearer</c>, RFC 6750 §2.1) from a named client
/// to every request. On a 401 it invalidates exactly the rejected token, gets a new one — with the <c>claims</c> of a <c>WWW-Authenticate</c>
/// claims challenge when there is one — and sends the request once more if its body can be sent again. When no token
/// can be had, the token error is thrown and the request is not sent. A DPoP-bound token (<c>token_type: DPoP</c>, RFC 9449)
/// is sent as <c>Authorization: DPoP &lt;token&gt;</c> with a fresh proof per request (<c>htm</c>, <c>htu</c>, <c>ath</c>, and the
/// resource server's latest nonce); a <c>DPoP error="use_dpop_nonce"</c> challenge with a new <c>DPoP-Nonce</c> is answered by
/// sending the request once more with a proof that carries it.
/// </summary>
/// <remarks>
/// The token is for the request URI the caller sent, and only a 401 from that URI is acted on. When a handler below
/// this one followed a redirect (the response's request URI is another one), the response is returned as it is: the
/// token is not invalidated, no new token is requested and nothing is resent — a 401 from a host the token was not
/// meant for says nothing about the token, and resending would attach a fresh token (and the body) to that host.
/// .NET's own handlers drop the <c>Authorization</c> header when they follow a redirect, so the token itself never
/// reaches the redirect target through them.
/// </remarks>
internal sealed class ClientCredentialsHandler(
    IClientCredentialsClientFactory factory,
    string clientName,
    Func<TokenRequestParameters> parameters,
    Func<TenantAllowList> allowList,
    ILogger logger) : DelegatingHandler
{
    /// <summary>The most tenants whose parameters object is kept for reuse; further ones get a new object per request.</summary>
    internal const int MaxRememberedTenants = 1024;

    private TokenRequestParameters? _parameters;
    private TenantAllowList? _allowList;

    // One parameters object per tenant, so the key each keeps makes repeated requests for a tenant allocation-free.
    private readonly ConcurrentDictionary<string, TokenRequestParameters> _parametersByTenant = new(StringComparer.OrdinalIgnoreCase);

    // Each resource server's latest DPoP nonce (RFC 9449 §9), by origin.
    private readonly ConcurrentDictionary<string, string> _dpopNonces = new(StringComparer.OrdinalIgnoreCase);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var host = request.RequestUri?.Host ?? "(no URI)";
        var client = factory.Get(clientName);
        var tokenParameters = ParametersFor(request, client);
        var canResend = await RequestBodyReplay.PrepareAsync(request.Content, cancellationToken).ConfigureAwait(false);

        var sentUri = request.RequestUri;
        var token = await GetTokenAsync(client, tokenParameters, host, cancellationToken).ConfigureAwait(false);
        var response = await SendWithTokenAsync(request, client, token, host, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized && canResend && IsDPoP(token) && AsksForNewNonce(response))
        {
            response.Dispose();
            response = await SendWithTokenAsync(request, client, token, host, cancellationToken).ConfigureAwait(false);
        }

        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        if (AnsweredUri(request, response) is { } answered && !answered.Equals(sentUri))
        {
            ExtensionsLog.RedirectedUnauthorized(logger, host, answered.Authority, TokenFingerprint.Of(token.Token), clientName);
            HandlerTelemetry.RecordUnauthorized(clientName, HandlerTelemetry.Redirected, claimsChallenge: false);
            return response;
        }

        var challenge = BearerChallenge.From(response);
        var hasClaims = challenge.Claims is not null;
        client.InvalidateToken(tokenParameters, token);
        if (!canResend)
        {
            ExtensionsLog.BodyNotResendable(logger, host, TokenFingerprint.Of(token.Token), clientName);
            HandlerTelemetry.RecordUnauthorized(clientName, HandlerTelemetry.BodyNotResendable, hasClaims);
            return response;
        }

        if (challenge.HasUnreadableClaims)
        {
            ExtensionsLog.ClaimsChallengeUnreadable(logger, host, clientName);
        }

        if (logger.IsEnabled(LogLevel.Information))
        {
            var fingerprint = TokenFingerprint.Of(token.Token);
            ExtensionsLog.Reauthenticating(logger, host, fingerprint, clientName, hasClaims);
        }

        var retryParameters = hasClaims ? tokenParameters with { Claims = challenge.Claims } : tokenParameters;
        AccessToken fresh;
        try
        {
            fresh = await GetTokenAsync(client, retryParameters, host, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            response.Dispose();
            throw;
        }

        if (string.Equals(fresh.Token, token.Token, StringComparison.Ordinal))
        {
            ExtensionsLog.TokenUnchanged(logger, host, TokenFingerprint.Of(token.Token), clientName);
            HandlerTelemetry.RecordUnauthorized(clientName, HandlerTelemetry.TokenUnchanged, hasClaims);
            return response;
        }

        response.Dispose();
        HandlerTelemetry.RecordUnauthorized(clientName, HandlerTelemetry.Resent, hasClaims);
        var second = await SendWithTokenAsync(request, client, fresh, host, cancellationToken).ConfigureAwait(false);
        if (second.StatusCode == HttpStatusCode.Unauthorized)
        {
            ExtensionsLog.NewTokenRejected(logger, host, TokenFingerprint.Of(fresh.Token), clientName);
        }

        return second;
    }

    /// <summary>
    /// The handler's parameters, for the tenant the request names in <see cref="ClientCredentialsHttpRequestOptions.Tenant"/>
    /// when the allow-list permits it (a configuration error, before anything is sent, when it does not).
    /// </summary>
    private TokenRequestParameters ParametersFor(HttpRequestMessage request, ClientCredentialsClient client)
    {
        var configured = _parameters ??= parameters();
        if (!request.Options.TryGetValue(ClientCredentialsHttpRequestOptions.Tenant, out var requested))
        {
            return configured;
        }

        var tenant = (_allowList ??= allowList()).Resolve(requested, client.Authority);
        if (tenant is null)
        {
            return configured;
        }

        if (_parametersByTenant.TryGetValue(tenant, out var remembered))
        {
            return remembered;
        }

        var created = configured with { Tenant = tenant };
        return _parametersByTenant.Count < MaxRememberedTenants ? _parametersByTenant.GetOrAdd(tenant, created) : created;
    }

    private async ValueTask<AccessToken> GetTokenAsync(ClientCredentialsClient client, TokenRequestParameters tokenParameters, string host, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetTokenAsync(tokenParameters, cancellationToken).ConfigureAwait(false);
        }
        catch (ClientCredentialsException ex)
        {
            ExtensionsLog.TokenUnavailable(logger, ex, clientName, host);
            throw;
        }
    }

    /// <summary>Attaches the token (and a DPoP proof for a DPoP token), sends, and keeps the resource server's DPoP nonce.</summary>
    private async Task<HttpResponseMessage> SendWithTokenAsync(HttpRequestMessage request, ClientCredentialsClient client, AccessToken token, string host, CancellationToken cancellationToken)
    {
        Attach(request, token, host);
        if (IsDPoP(token))
        {
            var origin = Origin(request.RequestUri);
            var proof = client.DPoPKey is null
                ? throw new ClientCredentialsConfigurationException("DPoPKey", $"Client '{clientName}' received a DPoP-bound token (token_type DPoP) but has no DPoP key to prove possession with; the request was not sent. Set DPoPKey on the client's options.")
                : client.CreateDPoPProof(request.Method, request.RequestUri!, token, _dpopNonces.TryGetValue(origin, out var nonce) ? nonce : null);
            request.Headers.Remove(DPoPNonce.ProofHeaderName);
            request.Headers.TryAddWithoutValidation(DPoPNonce.ProofHeaderName, proof);
        }

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (IsDPoP(token) && DPoPNonce.From(response) is { } next)
        {
            _dpopNonces[Origin(request.RequestUri)] = next;
        }

        return response;
    }

    private static bool IsDPoP(AccessToken token) => IsDPoP(token.TokenType);

    private static bool IsDPoP(string tokenType) => string.Equals(tokenType, "DPoP", StringComparison.OrdinalIgnoreCase);

    /// <summary>RFC 9449 §9: <c>WWW-Authenticate: DPoP error="use_dpop_nonce"</c> with a <c>DPoP-Nonce</c> to use.</summary>
    private static bool AsksForNewNonce(HttpResponseMessage response) =>
        DPoPNonce.From(response) is not null &&
        response.Headers.WwwAuthenticate.Any(h => string.Equals(h.Scheme, "DPoP", StringComparison.OrdinalIgnoreCase) &&
            AuthParameters.Parse(h.Parameter).TryGetValue("error", out var error) && error == DPoPNonce.UseDPoPNonceError);

    private static string Origin(Uri? uri) => uri is null ? string.Empty : uri.GetLeftPart(UriPartial.Authority);

    /// <summary>The URI the response answers: a handler that followed a redirect changed it from the one sent.</summary>
    private static Uri? AnsweredUri(HttpRequestMessage request, HttpResponseMessage response) =>
        response.RequestMessage?.RequestUri ?? request.RequestUri;

    /// <summary>Writes the Authorization header after checking both parts with the core's header value rule.</summary>
    private void Attach(HttpRequestMessage request, AccessToken token, string host)
    {
        var scheme = AuthorizationScheme(token.TokenType);
        if (!HeaderValueRule.IsValidToken(scheme))
        {
            throw new ClientCredentialsConfigurationException("AccessToken.TokenType", $"The token type of client '{clientName}' is not an HTTP token (RFC 9110 §5.6.2), so it cannot be an Authorization scheme; the request was not sent.");
        }

        HeaderValueRule.Validate(token.Token, "AccessToken.Token");
        request.Headers.Authorization = new AuthenticationHeaderValue(scheme, token.Token);
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var fingerprint = TokenFingerprint.Of(token.Token);
            ExtensionsLog.TokenAttached(logger, clientName, fingerprint, host);
        }
    }

    /// <summary>
    /// The <c>Authorization</c> scheme for a token of <paramref name="tokenType"/> (RFC 6749 §7.1): the type the token
    /// endpoint returned, except that <c>bearer</c> in any case is written <c>Bearer</c>, as RFC 6750 §2.1 spells the
    /// scheme (AD FS and some servers answer <c>token_type: "bearer"</c>; some resource servers compare it exactly), and
    /// <c>dpop</c> in any case is written <c>DPoP</c> (RFC 9449 §7.1).
    /// </summary>
    internal static string AuthorizationScheme(string tokenType) =>
        string.Equals(tokenType, "Bearer", StringComparison.OrdinalIgnoreCase) ? "Bearer"
        : IsDPoP(tokenType) ? "DPoP"
        : tokenType;
}
