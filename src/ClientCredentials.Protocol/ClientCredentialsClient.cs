using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Timeout;

namespace ClientCredentials.Protocol;

/// <summary>
/// Gets app-only access tokens with the OAuth 2.0 client credentials grant (RFC 6749 §4.4) and caches them. Thread-safe;
/// create one per application registration and reuse it. A cache hit answers synchronously without allocating.
/// </summary>
public sealed class ClientCredentialsClient : ITokenAcquirer
{
    private static readonly Lazy<HttpClient> SharedHttpClient = new(() => OwnHttpClient.Over(TokenEndpointHttpHandler.Create()));

    /// <summary>How much longer than the overall deadline the client's own cache lets a shared request run.</summary>
    private static readonly TimeSpan SharedRequestGrace = TimeSpan.FromSeconds(5);

    private readonly TokenCache _cache;
    private readonly TokenEndpointClient _endpoint;
    private readonly ResiliencePipeline<AccessToken> _pipeline;
    private readonly bool _ownPipeline;
    private readonly ThrottleGate _throttle;
    private readonly TokenCacheKey? _defaultKey;

    // Who asks, as every cache key of this client names it: authority, client id, credential identity, partition.
    private readonly TokenRequester _requester;
    private readonly TokenRequestResilienceOptions _resilience;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the client, validating every option; throws <see cref="ClientCredentialsConfigurationException"/> on a mistake.</summary>
    public ClientCredentialsClient(ClientCredentialsClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Authority is null)
        {
            throw new ClientCredentialsConfigurationException("Authority", "Authority is required: TokenAuthority.Entra(tenant), .Adfs(uri), .TokenEndpoint(uri) or .OidcIssuer(uri).");
        }

        var clientId = ClientIdRule.Validate(options.ClientId);

        if (options.Credential is null)
        {
            throw new ClientCredentialsConfigurationException("Credential", "Credential is required: a ClientSecretCredential, CertificateCredential, ClientAssertionCredential, FederatedTokenFileCredential or ManagedIdentityFederatedCredential.");
        }

        if (options.DefaultTokenLifetime is { } lifetime && lifetime <= TimeSpan.Zero)
        {
            throw new ClientCredentialsConfigurationException("DefaultTokenLifetime", "DefaultTokenLifetime must be positive, or null to require expires_in.");
        }

        options.Resilience.Validate();
        var timeProvider = options.TimeProvider ?? TimeProvider.System;
        options.Credential.Validate(options.Authority, timeProvider);
        Authority = options.Authority;
        ClientId = clientId;
        _requester = new TokenRequester(Authority.CacheKind, Authority.CacheAuthority, ClientId, options.Credential.CacheIdentity, options.CachePartition, Authority.ScopesAreCaseInsensitive);
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        _resilience = options.Resilience;
        _timeProvider = timeProvider;
        _cache = options.Cache ?? new TokenCache(options.CacheOptions ?? OwnCacheOptions(options.Resilience), timeProvider, loggerFactory.CreateLogger<TokenCache>());
        var capabilities = ClientCapabilities.From(options.ClientCapabilities);
        var httpClient = options.HttpClient
            ?? (options.Credential is TlsClientCertificateCredential tls ? OwnHttpClient.Over(TokenEndpointHttpHandler.Create(tls.Certificate)) : SharedHttpClient.Value);
        _endpoint = new TokenEndpointClient(httpClient, Authority, ClientId, options.Credential, timeProvider, options.DefaultTokenLifetime, loggerFactory.CreateLogger<ClientCredentialsClient>(), capabilities, options.DPoPKey);
        _pipeline = options.ResiliencePipeline ?? TokenRequestPipeline.Build(options.Resilience, timeProvider);
        _ownPipeline = options.ResiliencePipeline is null;
        _throttle = new ThrottleGate(options.Resilience, timeProvider);
        DPoPKey = options.DPoPKey;
        if (options.Scopes.Count > 0)
        {
            _defaultKey = KeyFor(new TokenRequestParameters(options.Scopes));
        }
    }

    /// <summary>The authorization server.</summary>
    public TokenAuthority Authority { get; }

    /// <summary>The client id.</summary>
    public string ClientId { get; }

    /// <summary>The DPoP key the client's tokens are bound to (<see cref="ClientCredentialsClientOptions.DPoPKey"/>), or null.</summary>
    public DPoPProofKey? DPoPKey { get; }

    /// <summary>
    /// A DPoP proof (RFC 9449 §7.1) for presenting <paramref name="token"/> to a resource: <c>htm</c> =
    /// <paramref name="method"/>, <c>htu</c> = <paramref name="requestUri"/> without query and fragment, <c>ath</c> = the
    /// token's hash, <c>iat</c> = now on the client's clock, and the resource server's <paramref name="nonce"/> when it gave
    /// one. Send it as the <c>DPoP</c> header with <c>Authorization: DPoP {token}</c>; one proof per request.
    /// </summary>
    /// <exception cref="ClientCredentialsConfigurationException">The client has no <see cref="DPoPKey"/>, or the nonce is malformed.</exception>
    public string CreateDPoPProof(HttpMethod method, Uri requestUri, AccessToken token, string? nonce = null)
    {
        ArgumentNullException.ThrowIfNull(token);
        var key = DPoPKey ?? throw new ClientCredentialsConfigurationException("DPoPKey", "This client has no DPoP key (ClientCredentialsClientOptions.DPoPKey), so it cannot make DPoP proofs.");
        return key.CreateProof(method, requestUri, _timeProvider.GetUtcNow(), token.Token, nonce);
    }

    /// <summary>Gets a token for the configured <see cref="ClientCredentialsClientOptions.Scopes"/>, from the cache when it holds a usable one.</summary>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The .NET convention of an optional CancellationToken last on each overload (as HttpClient.GetAsync); the overloads differ by a required parameter, so no call is ambiguous.")]
    public ValueTask<AccessToken> GetTokenAsync(CancellationToken cancellationToken = default)
    {
        if (_defaultKey is null)
        {
            throw new ClientCredentialsConfigurationException("Scopes", "No default scopes are configured; set ClientCredentialsClientOptions.Scopes or pass TokenRequestParameters.");
        }

        return SurfaceTimeouts(_cache.GetTokenAsync(_defaultKey, this, forceRefresh: false, cancellationToken));
    }

    /// <summary>
    /// Gets a token for <paramref name="parameters"/> (scopes, and for Entra ID optionally another tenant), from the
    /// cache when it holds a usable one. Reuse one parameters object for repeated calls: its validated cache key is
    /// kept with it, so such a hit allocates nothing.
    /// </summary>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The .NET convention of an optional CancellationToken last on each overload (as HttpClient.GetAsync); the overloads differ by a required parameter, so no call is ambiguous.")]
    public ValueTask<AccessToken> GetTokenAsync(TokenRequestParameters parameters, CancellationToken cancellationToken = default)
    {
        var request = RequestOf(parameters);
        return SurfaceTimeouts(_cache.GetTokenAsync(request.Key, request, parameters.ForceRefresh, cancellationToken));
    }

    /// <summary>
    /// Drops <paramref name="rejected"/> from the cache if it is still the cached token for the default scopes (for
    /// example after a resource answered 401), so the next call gets a new one. A burst of such calls causes one refresh.
    /// </summary>
    public bool InvalidateToken(AccessToken rejected) =>
        _defaultKey is not null && _cache.Invalidate(_defaultKey, rejected);

    /// <summary>Drops <paramref name="rejected"/> from the cache if it is still the cached token for <paramref name="parameters"/>.</summary>
    public bool InvalidateToken(TokenRequestParameters parameters, AccessToken rejected) => _cache.Invalidate(RequestOf(parameters).Key, rejected);

    /// <inheritdoc />
    public override string ToString() => $"ClientCredentialsClient {ClientId} at {Authority}";

    ValueTask<AccessToken> ITokenAcquirer.AcquireAsync(TokenCacheKey key, CancellationToken cancellationToken) =>
        AcquireAsync(key, CorrelationId.New(), cancellationToken);

    /// <summary>The request of a parameters object: validated on its first use with this client, then kept with it.</summary>
    private ResolvedTokenRequest RequestOf(TokenRequestParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return parameters.ResolvedFor(this) ?? Resolve(parameters);
    }

    /// <summary>Validates a parameters object on its first use with this client (kept apart so the hit path stays small).</summary>
    private KnownRequest Resolve(TokenRequestParameters parameters)
    {
        var correlationId = parameters.CorrelationId is { Length: > 0 } id
            ? HeaderValueRule.Validate(id, "CorrelationId", TokenRequestHeaders.MaxCorrelationIdLength)
            : null;
        var request = new KnownRequest(this, KeyFor(parameters), correlationId);
        parameters.Remember(request);
        return request;
    }

    internal TokenCacheKey KeyFor(TokenRequestParameters parameters)
    {
        var tenant = TenantOf(parameters);
        var scopes = ClientCredentialsScope.Validate(parameters.Scopes, Authority.Kind);
        foreach (var (name, _) in parameters.ExtraParameters)
        {
            OAuthParameters.ValidateExtraName(name);
        }

        if (parameters.Claims is { Length: > 0 } claims)
        {
            try
            {
                using var document = JsonDocument.Parse(claims);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new ClientCredentialsConfigurationException("Claims", "Claims must be a JSON object (the claims request parameter of OIDC Core §5.5, as AAD sends in a claims challenge).");
                }
            }
            catch (JsonException ex)
            {
                throw new ClientCredentialsConfigurationException("Claims", $"Claims is not valid JSON: {UntrustedText.Neutralize(ex.Message)}", ex);
            }
        }

        // A DPoP-bound token is usable only with its key (RFC 9449 §6): tokens for different keys never share an entry.
        var key = DPoPKey is { } dpopKey
            ? TokenCacheKey.Create(_requester, tenant, scopes, parameters.Claims, parameters.ExtraParameters, DPoPProofKey.TokenType, dpopKey.Thumbprint)
            : TokenCacheKey.Create(_requester, tenant, scopes, parameters.Claims, parameters.ExtraParameters);

        // The default request for another tenant shares the default key's scope set: one object for all tenants.
        return _defaultKey?.ForTenant(key.Tenant) is { } sameRequest && sameRequest.Equals(key) ? sameRequest : key;
    }

    /// <summary>The tenant a request is for: its own (Entra ID only, checked as the authority's is) or the authority's.</summary>
    private string? TenantOf(TokenRequestParameters parameters)
    {
        if (parameters.Tenant is null)
        {
            return Authority.Tenant;
        }

        if (Authority.Kind != AuthorityKind.Entra)
        {
            throw new ClientCredentialsConfigurationException(
                "Tenant",
                $"Tenant is set, but the authority is {Authority.Kind} ({Authority}); only Microsoft Entra ID authorities take a tenant per request. Leave Tenant null, or create a client for the other server.");
        }

        return EntraTenant.Validate(parameters.Tenant);
    }

    private async ValueTask<AccessToken> AcquireAsync(TokenCacheKey key, string correlationId, CancellationToken cancellationToken)
    {
        _throttle.ThrowIfThrottled(key);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            // The retry strategy makes no retry whose wait would reach the overall deadline.
            var deadline = _timeProvider.GetUtcNow() + _resilience.TotalTimeout;
            context.Properties.Set(TokenRequestPipeline.Deadline, deadline);

            // The key is the request: its scopes, claims and extras are the validated, immutable copies. The client's own
            // pipeline runs each attempt within its timeouts; a pipeline given in the options brings its own.
            // Stryker disable once Conditional : without a regional endpoint the endpoint client never consults the RegionalAttempt
            var attempt = new Attempt(_endpoint, key, correlationId, Authority.RegionalTokenEndpoint is null ? null : new RegionalAttempt(), _ownPipeline ? _resilience : null, deadline, _timeProvider);
            return await _pipeline.ExecuteAsync(static (context, attempt) => attempt.RunAsync(context.CancellationToken), context, attempt).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            var endpoint = _endpoint.LastTokenEndpoint ?? new Uri(Authority.CacheIdentity);
            throw new TokenEndpointUnreachableException(endpoint, correlationId, timedOut: true, $"No token from {endpoint.AbsoluteUri} within {ex.Timeout.TotalSeconds:0.###} s: {DescribeTimeout(ex.Timeout)} elapsed (client-request-id {correlationId}).", ex);
        }
        catch (TokenAcquisitionException ex)
        {
            _throttle.Observe(key, ex);
            throw;
        }
        finally
        {
            // Stryker disable once Statement : returning the context to the pool only spares an allocation on the next request
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>
    /// The options of a cache the client creates itself: defaults, except that the cache's
    /// <see cref="TokenCacheOptions.SharedRequestTimeout"/> is a backstop that outlasts the pipeline's
    /// <see cref="TokenRequestResilienceOptions.TotalTimeout"/>, so the overall deadline is what elapses first.
    /// </summary>
    private static TokenCacheOptions OwnCacheOptions(TokenRequestResilienceOptions resilience)
    {
        var defaults = new TokenCacheOptions();
        var backstop = resilience.TotalTimeout + SharedRequestGrace;
        // Stryker disable once Equality : at equality the cap assigns the value backstop already has
        if (backstop > TokenCacheOptions.MaxSharedRequestTimeout)
        {
            backstop = TokenCacheOptions.MaxSharedRequestTimeout;
        }

        // Stryker disable once Equality : at equality both arms have the same SharedRequestTimeout
        return backstop > defaults.SharedRequestTimeout ? defaults with { SharedRequestTimeout = backstop } : defaults;
    }

    /// <summary>
    /// Returns a hit as is (no allocation); on a miss reports the cache's <see cref="TokenRequestTimeoutException"/>
    /// as the same error as the pipeline's deadline: <see cref="TokenEndpointUnreachableException"/> with
    /// <see cref="TokenEndpointUnreachableException.TimedOut"/> set, the cache's error as its inner exception.
    /// </summary>
    private ValueTask<AccessToken> SurfaceTimeouts(ValueTask<AccessToken> pending) =>
        pending.IsCompletedSuccessfully ? pending : new ValueTask<AccessToken>(SurfaceTimeoutsAsync(pending));

    private async Task<AccessToken> SurfaceTimeoutsAsync(ValueTask<AccessToken> pending)
    {
        try
        {
            return await pending.ConfigureAwait(false);
        }
        catch (TokenRequestTimeoutException ex)
        {
            var endpoint = _endpoint.LastTokenEndpoint ?? new Uri(Authority.CacheIdentity);
            throw new TokenEndpointUnreachableException(endpoint, correlationId: null, timedOut: true, $"No token from {endpoint.AbsoluteUri} within {ex.Timeout.TotalSeconds:0.###} s: the token cache's SharedRequestTimeout elapsed and the shared request was cancelled.", ex);
        }
    }

    private string DescribeTimeout(TimeSpan timeout) =>
        timeout == _resilience.TotalTimeout ? "the overall deadline (Resilience.TotalTimeout)"
        : timeout == _resilience.AttemptTimeout ? "the per-attempt timeout (Resilience.AttemptTimeout) of the last attempt"
        : "a timeout of the caller's resilience pipeline";

    /// <summary>
    /// One acquisition's attempts: where they go and, for the client's own pipeline, the timeouts each runs within
    /// (<see cref="AttemptTimeout"/>; <paramref name="Timeouts"/> is null for a pipeline given in the options).
    /// </summary>
    private sealed record Attempt(TokenEndpointClient Endpoint, TokenCacheKey Key, string CorrelationId, RegionalAttempt? Regional, TokenRequestResilienceOptions? Timeouts, DateTimeOffset Deadline, TimeProvider TimeProvider)
    {
        public ValueTask<AccessToken> RunAsync(CancellationToken cancellationToken) => Timeouts is null
            ? new ValueTask<AccessToken>(SendAsync(this, cancellationToken))
            : AttemptTimeout.RunAsync(SendAsync, this, Deadline, Timeouts, TimeProvider, cancellationToken);

        private static Task<AccessToken> SendAsync(Attempt attempt, CancellationToken cancellationToken) =>
            attempt.Endpoint.SendAsync(attempt.Key, attempt.CorrelationId, cancellationToken, attempt.Regional);
    }

    /// <summary>
    /// A caller's parameters object, validated: its cache key, and the acquirer the cache calls on a miss, which sends
    /// the caller's <c>client-request-id</c> when it gave one and a new GUID otherwise.
    /// </summary>
    private sealed class KnownRequest(ClientCredentialsClient client, TokenCacheKey key, string? correlationId) : ResolvedTokenRequest(client, key)
    {
        public override ValueTask<AccessToken> AcquireAsync(TokenCacheKey requested, CancellationToken cancellationToken) =>
            client.AcquireAsync(requested, correlationId ?? CorrelationId.New(), cancellationToken);
    }
}
