namespace ClientCredentials.Protocol.Tests.Resilience;

/// <summary>
/// Each documented limit of <see cref="TokenRequestResilienceOptions"/> holds exactly at its edge: the edge value builds
/// a client, one step past it is a <see cref="ClientCredentialsConfigurationException"/> that names the option
/// (<c>Resilience:Name</c>) and says the rule and the value given. Building a client sends nothing.
/// </summary>
public sealed class ResilienceOptionLimitTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);

    public static TheoryData<string, TokenRequestResilienceOptions> AcceptedEdges => new()
    {
        { "AttemptTimeout at 10 ms", new() { AttemptTimeout = TimeSpan.FromMilliseconds(10) } },
        { "TotalTimeout equal to AttemptTimeout", new() { AttemptTimeout = TimeSpan.FromSeconds(5), TotalTimeout = TimeSpan.FromSeconds(5), RetryBaseDelay = TimeSpan.Zero, MaxRetryAfterWait = TimeSpan.Zero } },
        { "TotalTimeout at 1 hour", new() { TotalTimeout = TimeSpan.FromHours(1) } },
        { "MaxRetries 0", new() { MaxRetries = 0 } },
        { "MaxRetries 10", new() { MaxRetries = 10 } },
        { "RetryBaseDelay 0", new() { RetryBaseDelay = TimeSpan.Zero } },
        { "RetryBaseDelay equal to TotalTimeout", new() { RetryBaseDelay = TimeSpan.FromSeconds(30) } },
        { "MaxRetryAfterWait 0", new() { MaxRetryAfterWait = TimeSpan.Zero } },
        { "MaxRetryAfterWait just under TotalTimeout", new() { MaxRetryAfterWait = TimeSpan.FromSeconds(30) - Tick } },
        { "MaxThrottleWindow and LoopDetectedWindow 0", new() { MaxThrottleWindow = TimeSpan.Zero, LoopDetectedWindow = TimeSpan.Zero } },
        { "MaxThrottleWindow at 1 hour", new() { MaxThrottleWindow = TimeSpan.FromHours(1) } },
        { "LoopDetectedWindow equal to MaxThrottleWindow", new() { MaxThrottleWindow = TimeSpan.FromMinutes(5), LoopDetectedWindow = TimeSpan.FromMinutes(5) } },
    };

    public static TheoryData<TokenRequestResilienceOptions, string, string> RefusedPastTheEdge => new()
    {
        { new() { AttemptTimeout = TimeSpan.FromMilliseconds(9) }, "AttemptTimeout", "Resilience option AttemptTimeout must be at least 10 ms; it was 00:00:00.0090000." },
        { new() { AttemptTimeout = TimeSpan.FromSeconds(5), TotalTimeout = TimeSpan.FromSeconds(5) - Tick, RetryBaseDelay = TimeSpan.Zero, MaxRetryAfterWait = TimeSpan.Zero }, "TotalTimeout", "Resilience option TotalTimeout must be at least AttemptTimeout (00:00:05) and at most 1 hour; it was 00:00:04.9990000." },
        { new() { TotalTimeout = TimeSpan.FromHours(1) + Tick }, "TotalTimeout", "Resilience option TotalTimeout must be at least AttemptTimeout (00:00:10) and at most 1 hour; it was 01:00:00.0010000." },
        { new() { MaxRetries = -1 }, "MaxRetries", "Resilience option MaxRetries must be between 0 and 10; it was -1." },
        { new() { MaxRetries = 11 }, "MaxRetries", "Resilience option MaxRetries must be between 0 and 10; it was 11." },
        { new() { RetryBaseDelay = -Tick }, "RetryBaseDelay", "Resilience option RetryBaseDelay must be between 0 and TotalTimeout (00:00:30); it was -00:00:00.0010000." },
        { new() { RetryBaseDelay = TimeSpan.FromSeconds(30) + Tick }, "RetryBaseDelay", "Resilience option RetryBaseDelay must be between 0 and TotalTimeout (00:00:30); it was 00:00:30.0010000." },
        { new() { MaxRetryAfterWait = -Tick }, "MaxRetryAfterWait", "Resilience option MaxRetryAfterWait must be at least 0 and shorter than TotalTimeout (00:00:30), which would cut the wait short; it was -00:00:00.0010000." },
        { new() { MaxRetryAfterWait = TimeSpan.FromSeconds(30) }, "MaxRetryAfterWait", "Resilience option MaxRetryAfterWait must be at least 0 and shorter than TotalTimeout (00:00:30), which would cut the wait short; it was 00:00:30." },
        { new() { MaxThrottleWindow = -Tick, LoopDetectedWindow = TimeSpan.Zero }, "MaxThrottleWindow", "Resilience option MaxThrottleWindow must be between 0 and 1 hour." },
        { new() { MaxThrottleWindow = TimeSpan.FromHours(1) + Tick }, "MaxThrottleWindow", "Resilience option MaxThrottleWindow must be between 0 and 1 hour." },
        { new() { LoopDetectedWindow = -Tick }, "LoopDetectedWindow", "Resilience option LoopDetectedWindow must be between 0 and MaxThrottleWindow." },
        { new() { MaxThrottleWindow = TimeSpan.FromMinutes(5), LoopDetectedWindow = TimeSpan.FromMinutes(5) + Tick }, "LoopDetectedWindow", "Resilience option LoopDetectedWindow must be between 0 and MaxThrottleWindow." },
    };

    [Theory]
    [MemberData(nameof(AcceptedEdges))]
    public void A_value_at_the_edge_of_its_range_is_accepted(string edge, TokenRequestResilienceOptions options)
    {
        Assert.NotNull(edge);
        Assert.NotNull(Build(options));
    }

    [Theory]
    [MemberData(nameof(RefusedPastTheEdge))]
    public void A_value_one_step_past_its_range_is_refused_naming_the_option_the_rule_and_the_value(TokenRequestResilienceOptions options, string option, string message)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => Build(options));

        Assert.Equal("Resilience:" + option, error.Setting);
        Assert.Equal(message, error.Message);
    }

    private static ClientCredentialsClient Build(TokenRequestResilienceOptions options) =>
        new(new ClientCredentialsClientOptions
        {
            Authority = TokenAuthority.Entra(tenant: TestIds.TenantId, instance: "http://127.0.0.1:9/"),
            ClientId = TestIds.SecretAppId,
            Credential = new ClientSecretCredential("resilience-limit-secret"),
            Scopes = [ResilienceTestClient.Scope],
            Resilience = options,
        });
}
