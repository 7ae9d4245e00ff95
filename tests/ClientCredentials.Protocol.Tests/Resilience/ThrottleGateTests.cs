using System.Net;
using ClientCredentials.Protocol.Tests.Cache;

namespace ClientCredentials.Protocol.Tests.Resilience;

/// <summary>
/// The client-side throttling gate on its own: which failures open a window and for how long, and that passed windows
/// are dropped, so a client serving many keys for days holds only the windows still open.
/// </summary>
public sealed class ThrottleGateTests
{
    private static readonly TokenRequestResilienceOptions Options = new() { MaxThrottleWindow = TimeSpan.FromMinutes(10), LoopDetectedWindow = TimeSpan.FromSeconds(60) };

    private readonly TestClock _clock = new();

    [Fact]
    public void A_window_ends_exactly_when_its_wait_has_passed()
    {
        var gate = new ThrottleGate(Options, _clock);
        var key = TestKeys.Numbered(1);

        gate.Observe(key, Error(HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(30)));
        _clock.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromTicks(1));
        var throttled = Assert.Throws<TokenRequestThrottledException>(() => gate.ThrowIfThrottled(key));
        Assert.Equal(TimeSpan.FromTicks(1), throttled.RetryAfter);

        _clock.Advance(TimeSpan.FromTicks(1));
        gate.ThrowIfThrottled(key);
        Assert.Equal(0, gate.WindowCount);
    }

    [Fact]
    public void Passed_windows_of_other_keys_are_dropped_when_a_new_window_opens()
    {
        var gate = new ThrottleGate(Options, _clock);
        gate.Observe(TestKeys.Numbered(1), Error(HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(10)));
        gate.Observe(TestKeys.Numbered(2), Error(HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(20)));
        Assert.Equal(2, gate.WindowCount);

        _clock.Advance(TimeSpan.FromSeconds(10));
        gate.Observe(TestKeys.Numbered(3), Error(HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(5)));

        Assert.Equal(2, gate.WindowCount);
        gate.ThrowIfThrottled(TestKeys.Numbered(1));
        Assert.Throws<TokenRequestThrottledException>(() => gate.ThrowIfThrottled(TestKeys.Numbered(2)));
        Assert.Throws<TokenRequestThrottledException>(() => gate.ThrowIfThrottled(TestKeys.Numbered(3)));
    }

    [Fact]
    public void A_wait_longer_than_MaxThrottleWindow_is_cut_to_it_and_one_equal_to_it_is_kept()
    {
        var gate = new ThrottleGate(Options, _clock);
        var start = _clock.GetUtcNow();

        gate.Observe(TestKeys.Numbered(1), Error(HttpStatusCode.TooManyRequests, TimeSpan.FromHours(5)));
        gate.Observe(TestKeys.Numbered(2), Error(HttpStatusCode.TooManyRequests, TimeSpan.FromMinutes(10)));

        Assert.Equal(start.AddMinutes(10), Assert.Throws<TokenRequestThrottledException>(() => gate.ThrowIfThrottled(TestKeys.Numbered(1))).RetryAt);
        Assert.Equal(start.AddMinutes(10), Assert.Throws<TokenRequestThrottledException>(() => gate.ThrowIfThrottled(TestKeys.Numbered(2))).RetryAt);
    }

    [Fact]
    public void Loop_detection_without_Retry_After_opens_the_loop_window()
    {
        var gate = new ThrottleGate(Options, _clock);
        var loop = new TokenEndpointException(new TokenEndpointError { StatusCode = HttpStatusCode.BadRequest, Error = "invalid_request", ErrorCodes = [TokenEndpointError.LoopDetectedCode] });

        gate.Observe(TestKeys.Numbered(1), loop);

        var throttled = Assert.Throws<TokenRequestThrottledException>(() => gate.ThrowIfThrottled(TestKeys.Numbered(1)));
        Assert.Equal(_clock.GetUtcNow().AddSeconds(60), throttled.RetryAt);
        Assert.Same(loop, throttled.InnerException);
    }

    [Theory]
    [InlineData(500, 30)]
    [InlineData(429, 0)]
    [InlineData(429, -1)]
    public void Failures_without_a_positive_server_wait_open_no_window(int status, int seconds)
    {
        var gate = new ThrottleGate(Options, _clock);

        gate.Observe(TestKeys.Numbered(1), Error((HttpStatusCode)status, TimeSpan.FromSeconds(seconds)));
        gate.Observe(TestKeys.Numbered(2), new TokenEndpointUnreachableException(new Uri("http://127.0.0.1:9/"), null, timedOut: false, "unreachable", null));

        Assert.Equal(0, gate.WindowCount);
        gate.ThrowIfThrottled(TestKeys.Numbered(1));
    }

    private static TokenEndpointException Error(HttpStatusCode status, TimeSpan retryAfter) =>
        new(new TokenEndpointError { StatusCode = status, Error = "temporarily_unavailable", RetryAfter = retryAfter });
}
