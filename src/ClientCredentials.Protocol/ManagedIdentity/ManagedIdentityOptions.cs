using Microsoft.Extensions.Logging;

namespace ClientCredentials.Protocol;

/// <summary>
/// How a <see cref="ManagedIdentityCredential"/> finds and calls its managed identity endpoint. Every member is
/// optional: by default the system-assigned identity, the source detected from the environment variables, the
/// credential's own cache and the IMDS retry rules. Immutable.
/// </summary>
public sealed record ManagedIdentityOptions
{
    /// <summary>The identity: <see cref="ManagedIdentityId.SystemAssigned"/> (default) or a user-assigned one.</summary>
    public ManagedIdentityId Id { get; init; } = ManagedIdentityId.SystemAssigned;

    /// <summary>Forces a source instead of detecting it; its environment variables must then be set. Null: detect.</summary>
    public ManagedIdentitySource? Source { get; init; }

    /// <summary>
    /// The IMDS base URL (scheme, host, port; the library adds <c>/metadata/identity/oauth2/token</c>), replacing
    /// <c>AZURE_POD_IDENTITY_AUTHORITY_HOST</c> and the default <c>http://169.254.169.254</c>. Plain <c>http</c> only to
    /// loopback or 169.254.169.254. Used when the source is IMDS.
    /// </summary>
    public Uri? ImdsEndpoint { get; init; }

    /// <summary>Reads an environment variable; default <see cref="Environment.GetEnvironmentVariable(string)"/>.</summary>
    public Func<string, string?>? GetEnvironmentVariable { get; init; }

    /// <summary>
    /// The HttpClient to send with; default one shared client that never follows redirects. Not used for Service
    /// Fabric, whose requests need the credential's own handler to pin <c>IDENTITY_SERVER_THUMBPRINT</c>.
    /// </summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>A cache shared with other credentials or clients; by default the credential has its own.</summary>
    public TokenCache? Cache { get; init; }

    /// <summary>Options of the credential's own cache (ignored when <see cref="Cache"/> is set).</summary>
    public TokenCacheOptions? CacheOptions { get; init; }

    /// <summary>Timeouts and retries (the IMDS rules by default).</summary>
    public ManagedIdentityResilienceOptions Resilience { get; init; } = new();

    /// <summary>The clock. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>Where log messages go (never with tokens, secret headers or keys). Default: nowhere.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}
