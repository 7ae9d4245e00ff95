using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Timeout;

namespace ClientCredentials.Protocol;

/// <summary>
/// Gets tokens for the managed identity of the Azure resource the code runs on: App Service and Functions, Azure
/// Arc, Service Fabric, Cloud Shell or IMDS (VMs, scale sets, AKS), detected from the environment as MSAL.NET and
/// Azure.Identity detect it. No secret or certificate is involved. Tokens are cached like every token of this
/// library: a hit answers synchronously without allocating, concurrent misses share one request, and a refresh starts
/// ahead of expiry (<c>refresh_in</c>, else half the lifetime). The endpoint is resolved and checked when the
/// credential is created (<see cref="Endpoint"/>); nothing is sent until a token is asked for.
/// </summary>
public sealed class ManagedIdentityCredential
{
    private static readonly Lazy<HttpClient> SharedHttpClient = new(() => OwnHttpClient.Over(TokenEndpointHttpHandler.Create()));

    private static readonly TimeSpan SharedRequestGrace = TimeSpan.FromSeconds(5);

    private readonly TokenCache _cache;
    private readonly ManagedIdentityEndpointClient _client;
    private readonly ResiliencePipeline<AccessToken> _pipeline;
    private readonly TokenRequester _requester;
    private readonly ManagedIdentityResilienceOptions _resilience;
    private readonly ConcurrentDictionary<string, KnownRequest> _requests = new(StringComparer.Ordinal);

    /// <summary>Creates the credential; throws <see cref="ClientCredentialsConfigurationException"/> for a bad variable or option.</summary>
    public ManagedIdentityCredential(ManagedIdentityOptions? options = null)
        : this(options ?? new ManagedIdentityOptions(), File.Exists, ArcKeyFilePolicy.ForPlatform())
    {
    }

    /// <summary>Creates the credential with the file probe and Arc key directory given (tests point them at a temporary directory).</summary>
    internal ManagedIdentityCredential(ManagedIdentityOptions options, Func<string, bool> fileExists, ArcKeyFilePolicy arcKeyFiles)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Resilience.Validate();
        _resilience = options.Resilience;
        var variable = options.GetEnvironmentVariable ?? Environment.GetEnvironmentVariable;
        var endpoint = ManagedIdentityEndpointFactory.Create(options, variable, fileExists, arcKeyFiles);
        var timeProvider = options.TimeProvider ?? TimeProvider.System;
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var ownHandler = endpoint.CreateOwnHandler();
        var httpClient = ownHandler is not null
            ? OwnHttpClient.Over(ownHandler)
            : options.HttpClient ?? SharedHttpClient.Value;
        _client = new ManagedIdentityEndpointClient(httpClient, endpoint, timeProvider, loggerFactory.CreateLogger<ManagedIdentityCredential>());
        _pipeline = ManagedIdentityPipeline.Build(options.Resilience, timeProvider);
        _cache = options.Cache ?? new TokenCache(options.CacheOptions ?? OwnCacheOptions(options.Resilience), timeProvider, loggerFactory.CreateLogger<TokenCache>());
        // The host proves the identity: its source and endpoint stand for the credential in the key.
        _requester = new TokenRequester("managed-identity", $"{endpoint.Source}:{endpoint.TokenEndpoint.AbsoluteUri}", CacheIdentityOf(endpoint.Identity), $"managed-identity:{endpoint.Source}", partition: null, scopesAreCaseInsensitive: true);
    }

    /// <summary>The source in use (detected or forced).</summary>
    public ManagedIdentitySource Source => _client.Endpoint.Source;

    /// <summary>The token endpoint requests go to (without query), resolved when the credential was created.</summary>
    public Uri Endpoint => _client.Endpoint.TokenEndpoint;

    /// <summary>The identity asked for.</summary>
    public ManagedIdentityId Id => _client.Endpoint.Identity;

    /// <summary>
    /// Gets a token for <paramref name="scopeOrResource"/>: a <c>{resource}/.default</c> scope or the resource itself
    /// (<c>https://management.azure.com</c>), from the cache when it holds a usable one.
    /// </summary>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The .NET convention of an optional CancellationToken last on each overload (as HttpClient.GetAsync); the overloads differ by a required parameter, so no call is ambiguous.")]
    public ValueTask<AccessToken> GetTokenAsync(string scopeOrResource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scopeOrResource);
        var request = RequestOf(scopeOrResource);
        return SurfaceTimeouts(_cache.GetTokenAsync(request.Key, request, forceRefresh: false, cancellationToken));
    }

    /// <summary>
    /// Gets a token for the one scope of <paramref name="parameters"/>. <see cref="TokenRequestParameters.ForceRefresh"/>
    /// skips the cache; so does a claims challenge, which managed identity endpoints do not take: the answer is a new
    /// token. Extra parameters are refused (the endpoints take none).
    /// </summary>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The .NET convention of an optional CancellationToken last on each overload (as HttpClient.GetAsync); the overloads differ by a required parameter, so no call is ambiguous.")]
    public ValueTask<AccessToken> GetTokenAsync(TokenRequestParameters parameters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.ExtraParameters.Count > 0)
        {
            throw new ClientCredentialsConfigurationException("ExtraParameters", "Managed identity endpoints take no extra token request parameters; remove them.");
        }

        if (parameters.Scopes.Count != 1)
        {
            ManagedIdentityScope.ToResource(parameters.Scopes);
        }

        var request = RequestOf(parameters.Scopes[0]);
        var forceRefresh = parameters.ForceRefresh || !string.IsNullOrEmpty(parameters.Claims);
        return SurfaceTimeouts(_cache.GetTokenAsync(request.Key, request, forceRefresh, cancellationToken));
    }

    /// <summary>Drops <paramref name="rejected"/> from the cache if it is still the cached token for <paramref name="scopeOrResource"/>.</summary>
    public bool InvalidateToken(string scopeOrResource, AccessToken rejected) => _cache.Invalidate(RequestOf(scopeOrResource).Key, rejected);

    /// <inheritdoc />
    public override string ToString() => $"managed identity ({Id}) via {ManagedIdentityDescriptions.Name(Source)} at {Endpoint}";

    private KnownRequest RequestOf(string scopeOrResource)
    {
        if (_requests.TryGetValue(scopeOrResource, out var known))
        {
            return known;
        }

        var resource = ManagedIdentityScope.ToResource([scopeOrResource]);
        var key = TokenCacheKey.Create(_requester, tenant: null, [ManagedIdentityScope.ToScope(resource)]);
        known = new KnownRequest(this, key, resource);
        return _requests.Count < 1000 ? _requests.GetOrAdd(scopeOrResource, known) : known;
    }

    private async ValueTask<AccessToken> AcquireAsync(TokenCacheKey key, string resource, CancellationToken cancellationToken)
    {
        var correlationId = CorrelationId.New();
        try
        {
            return await _pipeline.ExecuteAsync(
                static (state, ct) => new ValueTask<AccessToken>(state.Client.SendAsync(state.Resource, state.Scopes, state.CorrelationId, ct)),
                (Client: _client, Resource: resource, Scopes: key.Scopes, CorrelationId: correlationId),
                cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new TokenEndpointUnreachableException(
                Endpoint,
                correlationId,
                timedOut: true,
                $"No managed identity token from {Endpoint} ({ManagedIdentityDescriptions.Name(Source)}) within {ex.Timeout.TotalSeconds:0.###} s ({(ex.Timeout == _resilience.TotalTimeout ? "Resilience.TotalTimeout" : "Resilience.AttemptTimeout of the last attempt")}).",
                ex);
        }
    }

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
            throw new TokenEndpointUnreachableException(Endpoint, correlationId: null, timedOut: true, $"No managed identity token from {Endpoint} within {ex.Timeout.TotalSeconds:0.###} s: the token cache's SharedRequestTimeout elapsed.", ex);
        }
    }

    private static TokenCacheOptions OwnCacheOptions(ManagedIdentityResilienceOptions resilience)
    {
        var defaults = new TokenCacheOptions();
        var backstop = resilience.TotalTimeout + SharedRequestGrace;
        if (backstop > TokenCacheOptions.MaxSharedRequestTimeout)
        {
            backstop = TokenCacheOptions.MaxSharedRequestTimeout;
        }

        return backstop > defaults.SharedRequestTimeout ? defaults with { SharedRequestTimeout = backstop } : defaults;
    }

    private static string CacheIdentityOf(ManagedIdentityId id) => id.Kind switch
    {
        ManagedIdentityIdKind.SystemAssigned => "system-assigned",
        _ => $"{id.Kind}:{id.Value!.ToLowerInvariant()}",
    };

    /// <summary>A scope the credential was asked for: its cache key and resource; the cache calls it on a miss.</summary>
    private sealed class KnownRequest(ManagedIdentityCredential credential, TokenCacheKey key, string resource) : ITokenAcquirer
    {
        public TokenCacheKey Key { get; } = key;

        public ValueTask<AccessToken> AcquireAsync(TokenCacheKey requested, CancellationToken cancellationToken) =>
            credential.AcquireAsync(requested, resource, cancellationToken);
    }
}
