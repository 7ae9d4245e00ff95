using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ClientCredentials.Protocol;

/// <summary>
/// Sends one token request and reads its answer: the only place where this library talks HTTP to a token endpoint.
/// It builds a fresh request (and assertion) per attempt, caps the body at 1 MiB, records the request duration and a
/// trace span, and turns network failures into <see cref="TokenEndpointUnreachableException"/>. Retries belong to the
/// resilience pipeline around it.
/// </summary>
internal sealed partial class TokenEndpointClient
{
    private readonly HttpClient _httpClient;
    private readonly TokenAuthority _authority;
    private readonly string _clientId;
    private readonly ClientCredential _credential;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan? _defaultLifetime;
    private readonly ILogger _logger;
    private readonly ClientCapabilities _capabilities;
    private readonly DPoPProofKey? _dpopKey;

    // The token endpoint's latest DPoP nonce (RFC 9449 §8), sent in the next proof.
    private volatile string? _dpopNonce;

    public TokenEndpointClient(HttpClient httpClient, TokenAuthority authority, string clientId, ClientCredential credential, TimeProvider timeProvider, TimeSpan? defaultLifetime, ILogger logger, ClientCapabilities? capabilities = null, DPoPProofKey? dpopKey = null)
    {
        _capabilities = capabilities ?? ClientCapabilities.None;
        _dpopKey = dpopKey;
        _httpClient = httpClient;
        _authority = authority;
        _clientId = clientId;
        _credential = credential;
        _timeProvider = timeProvider;
        _defaultLifetime = defaultLifetime;
        _logger = logger;
    }

    /// <summary>The token endpoint of the latest attempt, for errors raised outside an attempt (overall timeouts).</summary>
    public Uri? LastTokenEndpoint { get; private set; }

    /// <summary>
    /// Sends one attempt. With a region, to the regional endpoint first: a network failure or 5xx there sends the
    /// request to the global endpoint at once, and an attempt that timed out at the regional endpoint makes the
    /// following attempts of the same acquisition go to the global one (<paramref name="regional"/> remembers).
    /// </summary>
    public async Task<AccessToken> SendAsync(TokenCacheKey request, string correlationId, CancellationToken cancellationToken, RegionalAttempt? regional = null)
    {
        // A request for another Entra tenant goes to the same instance (and region) with that tenant; the key holds it checked.
        var authority = request.Tenant is { } tenant ? _authority.ForTenant(tenant) : _authority;
        var metadata = await authority.GetMetadataAsync(_httpClient, cancellationToken).ConfigureAwait(false);
        // Stryker disable once NullCoalescing,Boolean : an issuer's GetTokenEndpointAsync answers its metadata's token_endpoint; the authorities without metadata know theirs, so that await never suspends
        var tokenEndpoint = metadata?.TokenEndpoint ?? await authority.GetTokenEndpointAsync(_httpClient, cancellationToken).ConfigureAwait(false);
        if (_credential.PresentsTlsClientCertificate && metadata?.MtlsTokenEndpoint is { } mtlsEndpoint)
        {
            tokenEndpoint = mtlsEndpoint;
        }

        ClientAuthenticationMethodRule.Check(_credential, metadata);
        var endpoint = new ResolvedEndpoint(authority, tokenEndpoint, metadata);
        if (authority.RegionalTokenEndpoint is not { } regionalEndpoint || regional is null)
        {
            return await SendRenewingAsync(endpoint, request, correlationId, RegionalRoute.NotRegional, cancellationToken).ConfigureAwait(false);
        }

        if (regional.TimedOutBefore)
        {
            regional.UseGlobal = true;
            FallBack(regionalEndpoint, "timeout", "an earlier attempt timed out there", correlationId);
        }

        if (!regional.UseGlobal)
        {
            regional.Started();
            string reason;
            string detail;
            try
            {
                var token = await SendRenewingAsync(endpoint with { TokenEndpoint = regionalEndpoint }, request, correlationId, RegionalRoute.Regional, cancellationToken).ConfigureAwait(false);

                // Stryker disable once Statement : a token ends the acquisition, and its RegionalAttempt is not consulted again
                regional.Answered();
                return token;
            }
            catch (TokenEndpointUnreachableException ex)
            {
                (reason, detail) = (ex.TimedOut ? "timeout" : "network", ex.InnerException?.Message ?? ex.Message);
            }
            catch (TokenEndpointException ex) when ((int)ex.StatusCode >= 500)
            {
                (reason, detail) = ("server_error", $"HTTP {(int)ex.StatusCode} {ex.Error}");
            }
            catch (TokenEndpointException)
            {
                regional.Answered();
                throw;
            }

            regional.UseGlobal = true;
            FallBack(regionalEndpoint, reason, detail, correlationId);
        }

        return await SendRenewingAsync(endpoint, request, correlationId, RegionalRoute.GlobalAfterRegionalFailure, cancellationToken).ConfigureAwait(false);
    }

    private void FallBack(Uri regionalEndpoint, string reason, string detail, string correlationId)
    {
        ClientCredentialsTelemetry.RegionalFallbackCounter.Add(1, new KeyValuePair<string, object?>("region", _authority.Region), new KeyValuePair<string, object?>("reason", reason));
        LogRegionalFallback(_logger, regionalEndpoint.Host, reason, detail, correlationId);
    }

    /// <summary>
    /// Sends the request; when the endpoint rejects the credential and the credential has since got something new to
    /// present (a rotated certificate), sends it once more.
    /// </summary>
    private Task<AccessToken> SendRenewingAsync(ResolvedEndpoint endpoint, TokenCacheKey request, string correlationId, RegionalRoute route, CancellationToken cancellationToken)
    {
        var sent = SendToAsync(endpoint, request, correlationId, route, cancellationToken);
        return sent.IsCompletedSuccessfully ? sent : RenewIfRejectedAsync(sent, endpoint, request, correlationId, route, cancellationToken);
    }

    private async Task<AccessToken> RenewIfRejectedAsync(Task<AccessToken> sent, ResolvedEndpoint endpoint, TokenCacheKey request, string correlationId, RegionalRoute route, CancellationToken cancellationToken)
    {
        TokenEndpointException rejected;
        try
        {
            return await sent.ConfigureAwait(false);
        }
        // Stryker disable once Equality : without error codes no credential renews (a reloading certificate renews for listed codes only), so the error is rethrown as it was
        catch (TokenEndpointException ex) when (ex.ErrorCodes.Count > 0)
        {
            rejected = ex;
        }

        // Stryker disable once Boolean : every credential answers RenewAfterRejectionAsync synchronously, so this await never suspends
        if (!await _credential.RenewAfterRejectionAsync(rejected.Details, _timeProvider, cancellationToken).ConfigureAwait(false))
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(rejected);
        }

        // Stryker disable once String : every credential type (its constructor is private protected) names itself, so ToString is never null
        LogCredentialRenewed(_logger, string.Join(",", rejected.ErrorCodes), _credential.ToString() ?? string.Empty, correlationId);
        return await SendToAsync(endpoint, request, correlationId, route, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends to one endpoint; a DPoP nonce challenge with a new nonce is answered once (RFC 9449 §8).</summary>
    private Task<AccessToken> SendToAsync(ResolvedEndpoint endpoint, TokenCacheKey request, string correlationId, RegionalRoute route, CancellationToken cancellationToken)
    {
        var sent = SendAttemptAsync(endpoint, request, correlationId, route, cancellationToken);
        return sent.IsCompletedSuccessfully ? sent : AnswerNonceChallengeAsync(sent, endpoint, request, correlationId, route, cancellationToken);
    }

    private async Task<AccessToken> AnswerNonceChallengeAsync(Task<AccessToken> sent, ResolvedEndpoint endpoint, TokenCacheKey request, string correlationId, RegionalRoute route, CancellationToken cancellationToken)
    {
        try
        {
            return await sent.ConfigureAwait(false);
        }
        catch (TokenEndpointException ex) when (IsNonceChallenge(ex))
        {
            // One retry with the nonce the server just gave; a second challenge is the server's error.
            LogDPoPNonceRetry(_logger, endpoint.TokenEndpoint.AbsoluteUri, correlationId);
        }
        catch (TokenEndpointException ex) when (_dpopKey is not null && ex.Error == DPoPNonce.UseDPoPNonceError)
        {
            throw new TokenEndpointException(
                ex.Details with { Remedy = "The token endpoint asked for a DPoP nonce but sent no usable DPoP-Nonce header (RFC 9449 §8: one header of visible ASCII without quotes or backslashes), so there is nothing to retry with." },
                ex);
        }

        try
        {
            return await SendAttemptAsync(endpoint, request, correlationId, route, cancellationToken).ConfigureAwait(false);
        }
        catch (TokenEndpointException ex) when (_dpopKey is not null && ex.Error == DPoPNonce.UseDPoPNonceError)
        {
            throw new TokenEndpointException(
                ex.Details with
                {
                    Remedy = "The token endpoint asked for a new DPoP nonce again right after the retry that carried the nonce it had given; the client retries once per request (RFC 9449 §8). " +
                        "Check that the server keeps its nonces valid long enough and that the clocks agree.",
                },
                ex);
        }
    }

    /// <summary>A <c>use_dpop_nonce</c> answer to a DPoP request that came with a new nonce to retry with.</summary>
    private bool IsNonceChallenge(TokenEndpointException ex) =>
        _dpopKey is not null && ex.Error == DPoPNonce.UseDPoPNonceError && ex.Details.DPoPNonceProvided;

    private async Task<AccessToken> SendAttemptAsync(ResolvedEndpoint endpoint, TokenCacheKey request, string correlationId, RegionalRoute route, CancellationToken cancellationToken)
    {
        var tokenEndpoint = endpoint.TokenEndpoint;
        LastTokenEndpoint = tokenEndpoint;
        var context = new ClientAuthenticationContext(_clientId, tokenEndpoint, endpoint.Authority, _timeProvider) { Metadata = endpoint.Metadata };
        using var message = await TokenRequestFactory.CreateAsync(context, _credential, request, _capabilities.Merge(request.Claims), correlationId, cancellationToken).ConfigureAwait(false);
        if (_dpopKey is not null)
        {
            message.Headers.TryAddWithoutValidation(DPoPNonce.ProofHeaderName, _dpopKey.CreateProof(HttpMethod.Post, tokenEndpoint, _timeProvider.GetUtcNow(), accessToken: null, _dpopNonce));
        }

        using var activity = ClientCredentialsTelemetry.ActivitySource.StartActivity(ClientCredentialsTelemetry.TokenRequestActivity, ActivityKind.Client);
        activity?.SetTag("server.address", tokenEndpoint.Host);
        activity?.SetTag("oauth.client_id", _clientId);
        activity?.SetTag("client_request_id", correlationId);

        var requestedAt = _timeProvider.GetUtcNow();
        var started = _timeProvider.GetTimestamp();
        int? statusCode = null;
        try
        {
            LogSending(_logger, tokenEndpoint.AbsoluteUri, _clientId, correlationId);
            using var response = await _httpClient.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            statusCode = (int)response.StatusCode;
            activity?.SetTag("http.response.status_code", statusCode);
            // Stryker disable once Conditional : without a DPoP key no proof carries the nonce, and the flag it sets on an error is read only with a key
            var newNonce = _dpopKey is null ? null : DPoPNonce.From(response);
            if (newNonce is not null)
            {
                _dpopNonce = newNonce;
            }

            if (RedirectRefusal.FollowedTo(response, tokenEndpoint) is { } elsewhere)
            {
                activity?.SetStatus(ActivityStatusCode.Error, "redirect_followed");
                LogRedirectFollowed(_logger, tokenEndpoint.AbsoluteUri, AuthorityUri.Printable(elsewhere), correlationId);
                throw RedirectRefusal.Followed(tokenEndpoint, elsewhere, carriedCredential: true);
            }

            if (RedirectRefusal.ForStatus(response, tokenEndpoint, correlationId, "token endpoint") is { } redirect)
            {
                throw redirect;
            }

            PooledResponseBody body;
            try
            {
                body = await ResponseBodyReader.ReadPooledAsync(response.Content, cancellationToken).ConfigureAwait(false);
            }
            catch (ResponseTooLargeException ex)
            {
                throw new TokenEndpointException(new TokenEndpointError { StatusCode = response.StatusCode, Error = TokenResponseReader.InvalidResponse, ErrorDescription = ex.Message, CorrelationId = correlationId }, ex);
            }

            AccessToken token;
            try
            {
                token = TokenResponseReader.Read(response.StatusCode, response.Headers, body.Span, new TokenResponseContext(request.Scopes, correlationId, requestedAt, _authority.Kind, _defaultLifetime, route));
            }
            catch (TokenEndpointException ex) when (newNonce is not null && ex.Error == DPoPNonce.UseDPoPNonceError)
            {
                throw new TokenEndpointException(ex.Details with { DPoPNonceProvided = true }, ex.InnerException);
            }
            finally
            {
                body.Dispose();
            }

            if (_logger.IsEnabled(LogLevel.Information))
            {
                var fingerprint = TokenFingerprint.Of(token.Token);
                LogReceived(_logger, statusCode.Value, fingerprint, token.ExpiresOn, correlationId);
            }

            return token;
        }
        catch (TokenEndpointException ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Error);
            LogEndpointError(_logger, (int)ex.StatusCode, UntrustedText.Neutralize(ex.Error, TokenEndpointErrorMessage.MaxErrorLength), UntrustedText.JoinCapped(",", ex.ErrorCodes, TokenEndpointErrorMessage.MaxErrorCodes), UntrustedText.Neutralize(ex.TraceId, TokenEndpointErrorMessage.MaxIdLength), correlationId);
            throw;
        }
        catch (Exception ex) when (IsNetworkFailure(ex, cancellationToken))
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            _authority.ForgetDiscoveredEndpoint();
            var timedOut = ex is OperationCanceledException;
            LogUnreachable(_logger, tokenEndpoint.AbsoluteUri, timedOut, UntrustedText.Neutralize(ex.Message), correlationId);
            throw new TokenEndpointUnreachableException(
                tokenEndpoint,
                correlationId,
                timedOut,
                timedOut
                    ? $"The token endpoint {tokenEndpoint.AbsoluteUri} did not answer before the HttpClient timeout (client-request-id {correlationId})."
                    : $"The token endpoint {tokenEndpoint.AbsoluteUri} could not be reached: {UntrustedText.Neutralize(ex.Message)} (client-request-id {correlationId}).",
                ex);
        }
        finally
        {
            // Only when a listener is there: the tags box the status code.
            if (ClientCredentialsTelemetry.RequestDurationHistogram.Enabled)
            {
                ClientCredentialsTelemetry.RequestDurationHistogram.Record(
                    _timeProvider.GetElapsedTime(started).TotalSeconds,
                    new KeyValuePair<string, object?>("http.response.status_code", statusCode),
                    new KeyValuePair<string, object?>("server.address", tokenEndpoint.Host),
                    new KeyValuePair<string, object?>("region", route == RegionalRoute.Regional ? _authority.Region : null));
            }
        }
    }

    /// <summary>Network errors, and an HttpClient.Timeout (a cancellation the caller did not ask for).</summary>
    private static bool IsNetworkFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is HttpRequestException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Requesting a token from {TokenEndpoint} for client {ClientId} (client-request-id {CorrelationId}).")]
    private static partial void LogSending(ILogger logger, string tokenEndpoint, string clientId, string correlationId);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Token endpoint answered HTTP {StatusCode}: token {TokenFingerprint} expires {ExpiresOn:u} (client-request-id {CorrelationId}).")]
    private static partial void LogReceived(ILogger logger, int statusCode, string tokenFingerprint, DateTimeOffset expiresOn, string correlationId);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Token endpoint answered HTTP {StatusCode} {Error} (codes {ErrorCodes}, trace_id {TraceId}, client-request-id {CorrelationId}).")]
    private static partial void LogEndpointError(ILogger logger, int statusCode, string error, string errorCodes, string? traceId, string correlationId);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "The regional token endpoint {RegionalHost} failed ({Reason}: {Detail}); this request goes to the global endpoint (client-request-id {CorrelationId}).")]
    private static partial void LogRegionalFallback(ILogger logger, string regionalHost, string reason, string detail, string correlationId);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "The token endpoint rejected the credential (AADSTS{ErrorCodes}); it was loaded again and now presents {Credential}: sending once more (client-request-id {CorrelationId}).")]
    private static partial void LogCredentialRenewed(ILogger logger, string errorCodes, string credential, string correlationId);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Token endpoint {TokenEndpoint} unreachable (timed out: {TimedOut}): {Reason} (client-request-id {CorrelationId}).")]
    private static partial void LogUnreachable(ILogger logger, string tokenEndpoint, bool timedOut, string reason, string correlationId);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Debug, Message = "The token endpoint {TokenEndpoint} asked for a DPoP nonce; retrying once with it (client-request-id {CorrelationId}).")]
    private static partial void LogDPoPNonceRetry(ILogger logger, string tokenEndpoint, string correlationId);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Error, Message = "The HttpClient followed a redirect of the token request to {TokenEndpoint} to {RedirectTarget}; the answer was refused and the credential may have reached that host (client-request-id {CorrelationId}).")]
    private static partial void LogRedirectFollowed(ILogger logger, string tokenEndpoint, string redirectTarget, string correlationId);
}

/// <summary>
/// The regional endpoint's story within one acquisition (its attempts run one after another): whether an attempt went
/// there without an answer (it timed out), and whether the remaining attempts go to the global endpoint.
/// </summary>
internal sealed class RegionalAttempt
{
    private bool _pending;

    /// <summary>True once the regional endpoint failed in this acquisition.</summary>
    public bool UseGlobal { get; set; }

    /// <summary>An earlier attempt went to the regional endpoint and ended without an answer (its attempt timed out).</summary>
    public bool TimedOutBefore => _pending && !UseGlobal;

    public void Started() => _pending = true;

    public void Answered() => _pending = false;
}

/// <summary>
/// Where one request goes: the authority (for Entra ID the request's tenant), the token endpoint, and the server
/// metadata it was found with (null without an issuer).
/// </summary>
internal sealed record ResolvedEndpoint(TokenAuthority Authority, Uri TokenEndpoint, AuthorizationServerMetadata? Metadata);
