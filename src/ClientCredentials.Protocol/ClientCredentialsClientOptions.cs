using Microsoft.Extensions.Logging;
using Polly;

namespace ClientCredentials.Protocol;

/// <summary>
/// Everything a <see cref="ClientCredentialsClient"/> needs: where tokens come from, who the client is, how it
/// authenticates, and optional scopes, HTTP client, cache, clock and resilience settings. Immutable.
/// </summary>
public sealed record ClientCredentialsClientOptions
{
    /// <summary>The authorization server (see <see cref="TokenAuthority"/>'s factories).</summary>
    public required TokenAuthority Authority { get; init; }

    /// <summary>The application (client) id.</summary>
    public required string ClientId { get; init; }

    /// <summary>How the client authenticates.</summary>
    public required ClientCredential Credential { get; init; }

    /// <summary>Scopes used by <see cref="ClientCredentialsClient.GetTokenAsync(CancellationToken)"/>; for Entra one <c>{resource}/.default</c>.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>The HttpClient to send with. Default: one shared, pooled client with no timeout of its own (the pipeline times out).</summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>A cache shared with other clients; by default the client has its own.</summary>
    public TokenCache? Cache { get; init; }

    /// <summary>
    /// Keeps this client's tokens apart from other clients that share <see cref="Cache"/> with the same authority,
    /// client id and scopes (for example named clients registered through dependency injection). Null: no partition.
    /// </summary>
    public string? CachePartition { get; init; }

    /// <summary>Options of the client's own cache (ignored when <see cref="Cache"/> is set).</summary>
    public TokenCacheOptions? CacheOptions { get; init; }

    /// <summary>Timeouts, retries and throttling.</summary>
    public TokenRequestResilienceOptions Resilience { get; init; } = new();

    /// <summary>Replaces the built-in pipeline (<see cref="Resilience"/> then applies to throttling only).</summary>
    public ResiliencePipeline<AccessToken>? ResiliencePipeline { get; init; }

    /// <summary>
    /// Sends a DPoP proof (RFC 9449) signed with this key with every token request, so that the server binds the tokens
    /// to it (<c>token_type: DPoP</c>, <c>cnf.jkt</c>); a <c>use_dpop_nonce</c> answer is retried once with the server's
    /// nonce. Cached tokens are kept apart per key. Resource requests then need a proof too: the HTTP handler of
    /// ClientCredentials.Protocol.Extensions sends one, or see <see cref="ClientCredentialsClient.CreateDPoPProof"/>.
    /// <see cref="DPoPProofKey.CreateEphemeral"/> makes a key that never leaves memory. Null (the default): no DPoP.
    /// </summary>
    public DPoPProofKey? DPoPKey { get; init; }

    /// <summary>
    /// Client capabilities to declare, for example <c>["cp1"]</c> so that Entra may issue continuous access evaluation
    /// (CAE) tokens: sent in every request as <c>claims</c> <c>{"access_token":{"xms_cc":{"values":["cp1"]}}}</c>,
    /// merged with a claims challenge when there is one. Declare <c>cp1</c> only when the code calling the resource
    /// answers its claims challenges (the Extensions' HttpClient handler and the Azure adapters do).
    /// </summary>
    public IReadOnlyList<string> ClientCapabilities { get; init; } = [];

    /// <summary>Lifetime assumed when a server other than Entra sends no <c>expires_in</c>. Default 1 hour; null makes that an error.</summary>
    public TimeSpan? DefaultTokenLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The clock. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>Where log messages go (never with secrets or tokens). Default: nowhere.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}
