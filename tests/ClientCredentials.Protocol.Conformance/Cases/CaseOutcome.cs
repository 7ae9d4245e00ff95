namespace ClientCredentials.Protocol.Conformance;

/// <summary>What one acquisition returned: a token or an exception, bracketed by clock readings taken around the call.</summary>
internal sealed record CaseOutcome(AccessToken? Token, Exception? Failure, DateTimeOffset Before, DateTimeOffset After)
{
    /// <summary>
    /// Acquires a token once through the client's own acquisition path (throttle gate, retry pipeline, token endpoint),
    /// bypassing the cache as the case README's runner procedure says: the cache would fill in its own refresh time.
    /// </summary>
    public static async Task<CaseOutcome> AcquireAsync(ClientCredentialsClient client, IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        var key = client.KeyFor(new TokenRequestParameters(scopes));
        var before = TimeProvider.System.GetUtcNow();
        try
        {
            var token = await ((ITokenAcquirer)client).AcquireAsync(key, cancellationToken);
            return new CaseOutcome(token, null, before, TimeProvider.System.GetUtcNow());
        }
        catch (Exception ex) when (ex is ClientCredentialsException or HttpRequestException or OperationCanceledException)
        {
            return new CaseOutcome(null, ex, before, TimeProvider.System.GetUtcNow());
        }
    }
}
