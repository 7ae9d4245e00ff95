using System.Net.Http.Headers;

namespace ClientCredentials.Protocol;

/// <summary>Reads <c>Retry-After</c> (RFC 9110 §10.2.3): delta-seconds or an HTTP-date, as a wait from now (never negative).</summary>
internal static class RetryAfterHeader
{
    public static TimeSpan? Read(HttpResponseHeaders headers, DateTimeOffset now)
    {
        RetryConditionHeaderValue? value;
        try
        {
            value = headers.RetryAfter;
        }
        catch (FormatException)
        {
            return null;
        }

        if (value?.Delta is { } delta)
        {
            // Stryker disable once Equality : a delta of zero is TimeSpan.Zero either way
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (value?.Date is { } date)
        {
            var wait = date - now;
            // Stryker disable once Equality : a wait of zero is TimeSpan.Zero either way
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}
