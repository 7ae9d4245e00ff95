using ClientCredentials.Cli.Hosting;
using ClientCredentials.Protocol;

namespace ClientCredentials.Cli.Acquisition;

/// <summary>Everything needed to ask for one token, resolved from options and environment.</summary>
internal sealed record TokenRequestSettings(TokenAuthority Authority, string ClientId, IReadOnlyList<string> Scopes, ResolvedCredential Credential, TimeSpan Timeout);

/// <summary>Asks the library for one token, with the CLI's HttpClient (and its <c>--verbose</c> trace) and a deadline.</summary>
internal static class TokenAcquisition
{
    /// <summary>One attempt waits at most this long; the overall deadline is the <c>--timeout</c>.</summary>
    private static readonly TimeSpan MaxAttemptTimeout = TimeSpan.FromSeconds(10);

    public static async Task<AccessToken> AcquireAsync(TokenRequestSettings settings, CliContext context, bool verbose, CancellationToken cancellationToken)
    {
        using var httpClient = CliHttpClient.Create(context, verbose, Timeout.InfiniteTimeSpan);
        var client = new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = settings.Authority,
            ClientId = settings.ClientId,
            Credential = settings.Credential.Credential,
            HttpClient = httpClient,
            TimeProvider = context.TimeProvider,
            Resilience = new TokenRequestResilienceOptions
            {
                TotalTimeout = settings.Timeout,
                AttemptTimeout = settings.Timeout < MaxAttemptTimeout ? settings.Timeout : MaxAttemptTimeout,
            },
        });

        if (verbose)
        {
            context.Error.WriteLine($"* authority: {settings.Authority}; client id: {settings.ClientId}; scopes: {string.Join(' ', settings.Scopes)}");
            context.Error.WriteLine($"* credential: {settings.Credential.Description}");
        }

        var started = context.TimeProvider.GetTimestamp();
        var token = await WaitProgress.AwaitAsync(
            client.GetTokenAsync(new TokenRequestParameters(settings.Scopes), cancellationToken).AsTask(),
            context,
            "the token endpoint",
            cancellationToken).ConfigureAwait(false);
        if (verbose)
        {
            context.Error.WriteLine($"* token {TokenFingerprint.Of(token.Token)} from {token.Source} in {context.TimeProvider.GetElapsedTime(started).TotalMilliseconds:0.0} ms, expires {token.ExpiresOn:u}");
        }

        return token;
    }
}
