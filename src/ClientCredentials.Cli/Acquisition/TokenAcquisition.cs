using ClientCredentials.Cli.Hosting;
using ClientCredentials.Protocol;

namespace ClientCredentials.Cli.Acquisition;

/// <summary>Everything needed to ask for one token, resolved from options and environment.</summary>
internal sealed record TokenRequestSettings(TokenAuthority Authority, string ClientId, IReadOnlyList<string> Scopes, ResolvedCredential Credential, TimeSpan Timeout)
{
    /// <summary>The DPoP key the token is bound to, or null.</summary>
    public DPoPProofKey? DPoPKey { get; init; }

    /// <summary>A CA certificate file trusted for the server's TLS certificate, or null.</summary>
    public string? TlsCaFile { get; init; }
}

/// <summary>Asks the library for one token, with the CLI's HttpClient (and its <c>--verbose</c> trace) and a deadline.</summary>
internal static class TokenAcquisition
{
    /// <summary>One attempt waits at most this long; the overall deadline is the <c>--timeout</c>.</summary>
    private static readonly TimeSpan MaxAttemptTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The longest <c>Retry-After</c> waited for within the command (the library's default).</summary>
    private static readonly TimeSpan MaxRetryAfterWait = TimeSpan.FromSeconds(2);

    public static async Task<AccessToken> AcquireAsync(TokenRequestSettings settings, CliContext context, bool verbose, CancellationToken cancellationToken)
    {
        using var httpClient = CliHttpClient.Create(context, verbose, Timeout.InfiniteTimeSpan, TlsClientCertificateOf(settings.Credential.Credential), settings.TlsCaFile);
        var client = new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = settings.Authority,
            ClientId = settings.ClientId,
            Credential = settings.Credential.Credential,
            HttpClient = httpClient,
            TimeProvider = context.TimeProvider,
            Resilience = ResilienceFor(settings.Timeout),
            DPoPKey = settings.DPoPKey,
        });

        if (verbose)
        {
            context.Error.WriteLine($"* authority: {settings.Authority}; client id: {settings.ClientId}; scopes: {string.Join(' ', settings.Scopes)}");
            context.Error.WriteLine($"* credential: {settings.Credential.Description}");
            if (settings.DPoPKey is { } key)
            {
                context.Error.WriteLine($"* {key}");
            }
        }

        var started = context.TimeProvider.GetTimestamp();
        var token = await WaitProgress.AwaitAsync(
            client.GetTokenAsync(new TokenRequestParameters(settings.Scopes), cancellationToken).AsTask(),
            context,
            "the token endpoint",
            cancellationToken).ConfigureAwait(false);
        if (verbose)
        {
            context.Error.WriteLine($"* token {TokenFingerprint.Of(token.Token)} from {token.Source}{(token.RegionalRoute == RegionalRoute.NotRegional ? string.Empty : $" ({token.RegionalRoute}, region {settings.Authority.Region})")} in {context.TimeProvider.GetElapsedTime(started).TotalMilliseconds:0.0} ms, expires {token.ExpiresOn:u}");
        }

        return token;
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2? TlsClientCertificateOf(ClientCredential credential) =>
        credential is TlsClientCertificateCredential tls ? tls.Certificate : null;

    /// <summary>
    /// Timeouts derived from <c>--timeout</c> (1–600 s) that always pass the library's validation: one attempt at most
    /// the whole deadline (and 10 s), a <c>Retry-After</c> wait shorter than the deadline (at most half of it, and 2 s),
    /// the first backoff (500 ms) never above it.
    /// </summary>
    internal static TokenRequestResilienceOptions ResilienceFor(TimeSpan timeout)
    {
        var defaults = new TokenRequestResilienceOptions();
        var halfTimeout = timeout / 2;
        return defaults with
        {
            TotalTimeout = timeout,
            AttemptTimeout = timeout < MaxAttemptTimeout ? timeout : MaxAttemptTimeout,
            MaxRetryAfterWait = halfTimeout < MaxRetryAfterWait ? halfTimeout : MaxRetryAfterWait,
            RetryBaseDelay = defaults.RetryBaseDelay < timeout ? defaults.RetryBaseDelay : halfTimeout,
        };
    }
}
