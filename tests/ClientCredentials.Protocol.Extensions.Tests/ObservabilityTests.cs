using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using ClientCredentials.Protocol.Extensions.Tests.Infrastructure;

namespace ClientCredentials.Protocol.Extensions.Tests;

/// <summary>The documented metrics, traces and log events (docs/observability.md), observed with real listeners.</summary>
[Collection("loopback")]
public sealed class ObservabilityTests(LoopbackFixture fixture)
{
    [Fact]
    public async Task Token_requests_cache_use_and_401_recovery_are_measured()
    {
        fixture.Api.Reset(ApiReply.Unauthorized());
        using var metrics = new MetricsRecorder();
        await using var host = await TestHost.StartAsync(fixture, TestHost.EntraClient(fixture, LoopbackFixture.SecretClientId, TestHost.Secret(LoopbackFixture.Secret)));

        using (await host.ApiClient.GetAsync("orders"))
        {
        }

        using (await host.ApiClient.GetAsync("orders"))
        {
        }

        // Call 1: miss, 401, miss after invalidation, resend. Call 2: hit.
        Assert.Equal(2, metrics.Sum(ClientCredentialsTelemetry.CacheMisses));
        Assert.Equal(1, metrics.Sum(ClientCredentialsTelemetry.CacheHits));
        var durations = metrics.Of(ClientCredentialsTelemetry.RequestDuration);
        Assert.Equal(2, durations.Count);
        Assert.All(durations, d =>
        {
            Assert.Equal(200, d.Tags["http.response.status_code"]);
            Assert.Equal("127.0.0.1", d.Tags["server.address"]);
            Assert.True(d.Value > 0);
        });
        var unauthorized = Assert.Single(metrics.Of("clientcredentials.http.unauthorized"));
        Assert.Equal("api", unauthorized.Tags["client.name"]);
        Assert.Equal("resent", unauthorized.Tags["outcome"]);
        Assert.Equal(false, unauthorized.Tags["claims_challenge"]);
    }

    [Fact]
    public async Task A_failed_token_request_is_counted_as_not_transient()
    {
        fixture.Api.Reset();
        using var metrics = new MetricsRecorder();
        await using var host = await TestHost.StartAsync(fixture, TestHost.EntraClient(fixture, LoopbackFixture.SecretClientId, TestHost.Secret("wrong")));

        await Assert.ThrowsAsync<TokenEndpointException>(() => host.ApiClient.GetAsync("orders"));

        var failure = Assert.Single(metrics.Of(ClientCredentialsTelemetry.Failures));
        Assert.Equal(false, failure.Tags["transient"]);
        Assert.Equal(false, failure.Tags["refresh"]);
        Assert.Equal(401, Assert.Single(metrics.Of(ClientCredentialsTelemetry.RequestDuration)).Tags["http.response.status_code"]);
    }

    [Fact]
    public async Task Each_token_endpoint_request_is_a_client_span_with_its_tags()
    {
        fixture.Api.Reset();
        var activities = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ClientCredentialsTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var host = await TestHost.StartAsync(fixture, TestHost.EntraClient(fixture, LoopbackFixture.SecretClientId, TestHost.Secret(LoopbackFixture.Secret)));

        using (await host.ApiClient.GetAsync("orders"))
        {
        }

        var span = Assert.Single(activities, a => (string?)a.GetTagItem("oauth.client_id") == LoopbackFixture.SecretClientId);
        Assert.Equal(ClientCredentialsTelemetry.TokenRequestActivity, span.OperationName);
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal("127.0.0.1", span.GetTagItem("server.address"));
        Assert.Equal(200, span.GetTagItem("http.response.status_code"));
        Assert.Equal(host.TokenRequests.Count, activities.Count(a => (string?)a.GetTagItem("oauth.client_id") == LoopbackFixture.SecretClientId));
        Assert.NotNull(span.GetTagItem("client_request_id"));
    }

    [Fact]
    public async Task Log_events_have_their_documented_ids_and_never_contain_a_token_or_secret()
    {
        var claims = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"access_token":{"acrs":{"essential":true,"value":"c1"}}}"""));
        fixture.Api.Reset(ApiReply.Unauthorized($"Bearer error=\"insufficient_claims\", claims=\"{claims}\""));
        await using var host = await TestHost.StartAsync(fixture, TestHost.EntraClient(fixture, LoopbackFixture.SecretClientId, TestHost.Secret(LoopbackFixture.Secret)));

        using (await host.ApiClient.GetAsync("orders"))
        {
        }

        var entries = host.Logs.Entries;
        Assert.Contains(entries, e => e.EventId == 3102 && e.Level == Microsoft.Extensions.Logging.LogLevel.Information);
        Assert.Contains(entries, e => e.EventId == 3103);
        Assert.Equal(2, entries.Count(e => e.EventId == 3001));
        var reauthentication = Assert.Single(entries, e => e.EventId == 3002);
        Assert.Contains("claims challenge: True", reauthentication.Message, StringComparison.Ordinal);

        var tokens = fixture.Api.Calls.Select(c => c.BearerToken!).ToArray();
        Assert.Equal(2, tokens.Length);
        Assert.Contains(TokenFingerprint.Of(tokens[0]), reauthentication.Message, StringComparison.Ordinal);
        foreach (var entry in entries)
        {
            Assert.DoesNotContain(LoopbackFixture.Secret, entry.Message, StringComparison.Ordinal);
            Assert.All(tokens, token => Assert.DoesNotContain(token, entry.Message + entry.Exception, StringComparison.Ordinal));
        }
    }

    /// <summary>Collects measurements of the library's Meter (<see cref="ClientCredentialsTelemetry.Name"/>).</summary>
    private sealed class MetricsRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<Measurement> _measurements = new();

        public MetricsRecorder()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ClientCredentialsTelemetry.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
            _listener.Start();
        }

        public IReadOnlyList<Measurement> Of(string instrument) => _measurements.Where(m => m.Instrument == instrument).ToArray();

        public double Sum(string instrument) => Of(instrument).Sum(m => m.Value);

        public void Dispose() => _listener.Dispose();

        private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            _measurements.Enqueue(new Measurement(instrument.Name, value, copy));
        }
    }

    private sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);
}
