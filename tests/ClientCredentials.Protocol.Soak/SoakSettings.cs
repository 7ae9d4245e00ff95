using System.Globalization;

namespace ClientCredentials.Protocol.Soak;

/// <summary>The shape of one soak run, from the command line (<c>--calls 240000 --keys 1000 --workers 32 --seconds 60</c>).</summary>
internal sealed record SoakSettings
{
    public int Calls { get; init; } = 240_000;

    public int Keys { get; init; } = 1_000;

    public int Workers { get; init; } = 32;

    /// <summary>The calls are spread evenly over this time, so tokens (8–20 s) expire and are refreshed during the run.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How far past the client's overall deadline a call may end before it counts as a violation.</summary>
    public TimeSpan DeadlineSlack { get; init; } = TimeSpan.FromSeconds(1);

    public TokenRequestResilienceOptions Resilience { get; init; } = new()
    {
        AttemptTimeout = TimeSpan.FromSeconds(1),
        TotalTimeout = TimeSpan.FromSeconds(5),
        MaxRetries = 2,
        RetryBaseDelay = TimeSpan.FromMilliseconds(50),
        MaxRetryAfterWait = TimeSpan.FromSeconds(2),
    };

    public TokenCacheOptions Cache { get; init; } = new() { ExpiryBuffer = TimeSpan.FromSeconds(2), RefreshAheadAt = 0.75 };

    public static SoakSettings Parse(string[] args)
    {
        var settings = new SoakSettings();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            settings = args[i] switch
            {
                "--calls" => settings with { Calls = Positive(args[i], value) },
                "--keys" => settings with { Keys = Positive(args[i], value) },
                "--workers" => settings with { Workers = Positive(args[i], value) },
                "--seconds" => settings with { Duration = TimeSpan.FromSeconds(Positive(args[i], value)) },
                _ => throw new ArgumentException($"Unknown option {args[i]}; use --calls, --keys, --workers, --seconds."),
            };
            i++;
        }

        return settings;
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new ArgumentException($"{name} must be a positive whole number; got '{value}'.");
}
