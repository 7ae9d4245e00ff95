using ClientCredentials.Cli.Hosting;
using ClientCredentials.Protocol;

namespace ClientCredentials.Cli.Acquisition;

/// <summary>
/// <c>cc-token token --managed-identity</c>: a token from the managed identity of the Azure resource the command runs
/// on, found from the environment as the library finds it (App Service, Azure Arc, Service Fabric, Cloud Shell, or
/// IMDS). Nothing is contacted unless the user asks for this; the endpoint is resolved and checked first.
/// </summary>
internal static class ManagedIdentityAcquisition
{
    public static async Task<AccessToken> AcquireAsync(string? clientId, IReadOnlyList<string> scopes, TimeSpan timeout, CliContext context, bool verbose, CancellationToken cancellationToken)
    {
        var id = clientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromClientId(clientId);
        using var httpClient = CliHttpClient.Create(context, verbose, Timeout.InfiniteTimeSpan);
        var credential = new ManagedIdentityCredential(new ManagedIdentityOptions
        {
            Id = id,
            GetEnvironmentVariable = context.GetEnvironmentVariable,
            HttpClient = httpClient,
            TimeProvider = context.TimeProvider,
            Resilience = ResilienceFor(timeout),
        });

        if (verbose)
        {
            context.Error.WriteLine($"* managed identity: {credential.Id} via {credential.Source} at {credential.Endpoint}; scope: {string.Join(' ', scopes)}");
        }

        if (scopes.Count != 1)
        {
            throw new CliUsageException("A managed identity token is for exactly one resource: give --resource R or one --scope R/.default.");
        }

        var started = context.TimeProvider.GetTimestamp();
        var token = await WaitProgress.AwaitAsync(credential.GetTokenAsync(scopes[0], cancellationToken).AsTask(), context, "the managed identity endpoint", cancellationToken).ConfigureAwait(false);
        if (verbose)
        {
            context.Error.WriteLine($"* token {TokenFingerprint.Of(token.Token)} in {context.TimeProvider.GetElapsedTime(started).TotalMilliseconds:0.0} ms, expires {token.ExpiresOn:u}");
        }

        return token;
    }

    /// <summary>The IMDS retry rules within <c>--timeout</c>: one attempt at most the whole deadline (and 20 s).</summary>
    internal static ManagedIdentityResilienceOptions ResilienceFor(TimeSpan timeout)
    {
        var defaults = new ManagedIdentityResilienceOptions();
        var attempt = timeout < defaults.AttemptTimeout ? timeout : defaults.AttemptTimeout;
        var half = timeout / 2;
        return defaults with
        {
            TotalTimeout = timeout,
            AttemptTimeout = attempt,
            MaxRetryDelay = defaults.MaxRetryDelay < half ? defaults.MaxRetryDelay : half,
            RetryBaseDelay = defaults.RetryBaseDelay < half ? defaults.RetryBaseDelay : half,
            GoneRetryDelay = defaults.GoneRetryDelay < half ? defaults.GoneRetryDelay : half,
        };
    }
}
