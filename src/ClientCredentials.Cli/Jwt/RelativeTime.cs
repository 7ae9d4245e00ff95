using System.Globalization;

namespace ClientCredentials.Cli.Jwt;

/// <summary>Says how far a moment is from now in words a person reads at a glance: "in 59 min", "3 min ago".</summary>
internal static class RelativeTime
{
    public static string Describe(DateTimeOffset moment, DateTimeOffset now)
    {
        var delta = moment - now;
        var span = delta.Duration();
        if (span < TimeSpan.FromSeconds(1))
        {
            return "now";
        }

        var amount = span switch
        {
            _ when span < TimeSpan.FromMinutes(1) => $"{(int)span.TotalSeconds} s",
            _ when span < TimeSpan.FromHours(1) => $"{(int)span.TotalMinutes} min",
            _ when span < TimeSpan.FromDays(1) => span.Minutes == 0 ? $"{(int)span.TotalHours} h" : $"{(int)span.TotalHours} h {span.Minutes} min",
            _ => $"{(int)span.TotalDays} d",
        };
        return delta > TimeSpan.Zero ? $"in {amount}" : $"{amount} ago";
    }

    /// <summary><c>2025-01-31 12:00:00 UTC (in 59 min)</c>.</summary>
    public static string WithUtc(DateTimeOffset moment, DateTimeOffset now) =>
        string.Create(CultureInfo.InvariantCulture, $"{moment.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC ({Describe(moment, now)})");
}
