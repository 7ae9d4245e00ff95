using System.Net;
using ClientCredentials.Emulator.Tests.Infrastructure;

namespace ClientCredentials.Emulator.Tests;

public sealed class FaultInjectionTests
{
    [Fact]
    public async Task Forced_statuses_are_answered_in_order_then_service_resumes()
    {
        await using var emulator = await EmulatorHarness.StartAsync(TestDirectory.Options(new EmulatorFaults { ForcedStatusCodes = [503, 429, 500], RetryAfterSeconds = 7 }));

        var unavailable = await emulator.PostV2Async(EmulatorHarness.SecretForm());
        var throttled = await emulator.PostV2Async(EmulatorHarness.SecretForm());
        var serverError = await emulator.PostV2Async(EmulatorHarness.SecretForm());
        var served = await emulator.PostV2Async(EmulatorHarness.SecretForm());

        AadAssert.Error(unavailable, HttpStatusCode.ServiceUnavailable, "temporarily_unavailable", 90024);
        Assert.Equal("7", unavailable.Header("Retry-After"));
        AadAssert.Error(throttled, HttpStatusCode.TooManyRequests, "temporarily_unavailable", 90024);
        Assert.Equal("7", throttled.Header("Retry-After"));
        AadAssert.Error(serverError, HttpStatusCode.InternalServerError, "server_error", 90024);
        Assert.Null(serverError.Header("Retry-After"));
        Assert.Equal(HttpStatusCode.OK, served.Status);
    }

    [Fact]
    public async Task Faults_come_before_request_validation()
    {
        await using var emulator = await EmulatorHarness.StartAsync(TestDirectory.Options(new EmulatorFaults { ForcedStatusCodes = [429] }));

        var response = await emulator.PostV2Async(new Dictionary<string, string>(), tenant: "unknown-tenant.example");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.Status);
        Assert.Equal("1", response.Header("Retry-After"));
    }

    [Fact]
    public async Task Failure_rate_one_fails_every_request_with_the_failure_status()
    {
        await using var emulator = await EmulatorHarness.StartAsync(TestDirectory.Options(new EmulatorFaults { FailureRate = 1, FailureStatusCode = 502 }));

        for (var i = 0; i < 3; i++)
        {
            var response = await emulator.PostV2Async(EmulatorHarness.SecretForm());
            AadAssert.Error(response, HttpStatusCode.BadGateway, "server_error", 90024);
        }
    }

    [Fact]
    public async Task Failure_rate_with_the_same_seed_fails_the_same_requests()
    {
        var faults = new EmulatorFaults { FailureRate = 0.5, Seed = 42 };

        var first = await OutcomesAsync(faults);
        var second = await OutcomesAsync(faults);

        Assert.Equal(first, second);
        Assert.Contains(HttpStatusCode.OK, first);
        Assert.Contains(HttpStatusCode.ServiceUnavailable, first);
    }

    [Fact]
    public async Task Latency_is_waited_for_on_the_clock_before_answering()
    {
        var clock = new TestClock(DateTimeOffset.UtcNow);
        await using var emulator = await EmulatorHarness.StartAsync(
            TestDirectory.Options(new EmulatorFaults { LatencyMilliseconds = 250 }),
            new EmulatorServerSettings { TimeProvider = clock });

        var answer = emulator.PostV2Async(EmulatorHarness.SecretForm());
        await clock.WaitForTimerAsync(due => due == TimeSpan.FromMilliseconds(250));
        Assert.False(answer.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(250));
        var response = await answer;

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task Faults_can_be_replaced_while_running()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        emulator.Server.SetFaults(new EmulatorFaults { ForcedStatusCodes = [429] });
        var throttled = await emulator.PostV2Async(EmulatorHarness.SecretForm());
        emulator.Server.SetFaults(new EmulatorFaults());
        var served = await emulator.PostV2Async(EmulatorHarness.SecretForm());

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.Status);
        Assert.Equal(HttpStatusCode.OK, served.Status);
        Assert.Throws<EmulatorConfigurationException>(() => emulator.Server.SetFaults(new EmulatorFaults { FailureRate = 1.5 }));
    }

    private static async Task<List<HttpStatusCode>> OutcomesAsync(EmulatorFaults faults)
    {
        await using var emulator = await EmulatorHarness.StartAsync(TestDirectory.Options(faults));
        var outcomes = new List<HttpStatusCode>();
        for (var i = 0; i < 16; i++)
        {
            outcomes.Add((await emulator.PostV2Async(EmulatorHarness.SecretForm())).Status);
        }

        return outcomes;
    }
}
