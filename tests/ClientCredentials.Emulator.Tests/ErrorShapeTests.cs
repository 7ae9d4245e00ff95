using System.Net;
using System.Text.RegularExpressions;
using ClientCredentials.Emulator.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace ClientCredentials.Emulator.Tests;

public sealed partial class ErrorShapeTests : IAsyncLifetime
{
    private readonly CapturingLoggerProvider _logs = new();
    private EmulatorHarness _emulator = null!;

    public async Task InitializeAsync()
    {
        var loggerFactory = LoggerFactory.Create(builder => builder.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));
        _emulator = await EmulatorHarness.StartAsync(settings: new EmulatorServerSettings { LoggerFactory = loggerFactory });
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [GeneratedRegex(@"^AADSTS7000215: .+ Trace ID: (?<trace>[0-9a-f-]{36}) Correlation ID: (?<correlation>[0-9a-f-]{36}) Timestamp: (?<timestamp>\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ)$")]
    private static partial Regex DescriptionPattern();

    [Fact]
    public async Task Error_description_ends_with_trace_correlation_and_timestamp_matching_the_fields()
    {
        var response = await _emulator.PostV2Async(EmulatorHarness.SecretForm(secret: "wrong"));

        var match = DescriptionPattern().Match(response.String("error_description"));
        Assert.True(match.Success, response.String("error_description"));
        Assert.Equal(match.Groups["trace"].Value, response.String("trace_id"));
        Assert.Equal(match.Groups["correlation"].Value, response.String("correlation_id"));
        Assert.Equal(match.Groups["timestamp"].Value, response.String("timestamp"));
        Assert.Equal($"{_emulator.Root}/error?code=7000215", response.String("error_uri"));
        Assert.True(Guid.TryParse(response.String("correlation_id"), out _));
    }

    [Fact]
    public async Task Sent_client_request_id_becomes_the_correlation_id_and_is_echoed_when_asked()
    {
        var requestId = Guid.NewGuid().ToString();

        var response = await _emulator.PostV2Async(EmulatorHarness.SecretForm(secret: "wrong"), configure: request =>
        {
            request.Headers.Add("client-request-id", requestId);
            request.Headers.Add("return-client-request-id", "true");
        });

        Assert.Equal(requestId, response.String("correlation_id"));
        Assert.Equal(requestId, response.Header("client-request-id"));
    }

    [Fact]
    public async Task Client_request_id_is_not_echoed_unless_asked()
    {
        var response = await _emulator.PostV2Async(EmulatorHarness.SecretForm(), configure: request => request.Headers.Add("client-request-id", Guid.NewGuid().ToString()));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Null(response.Header("client-request-id"));
    }

    [Fact]
    public async Task Logs_name_clients_and_codes_but_never_secrets_or_tokens()
    {
        var success = await _emulator.PostV2Async(EmulatorHarness.SecretForm());
        var failure = await _emulator.PostV2Async(EmulatorHarness.SecretForm(secret: "wrong-secret-text"));

        Assert.True(success.Status == HttpStatusCode.OK, string.Join("\n", _logs.Messages));
        Assert.Equal(HttpStatusCode.Unauthorized, failure.Status);
        var all = string.Join("\n", _logs.Messages);
        Assert.Contains(TestDirectory.SecretClientId, all);
        Assert.Contains("AADSTS7000215", all);
        Assert.DoesNotContain(TestDirectory.Secret, all);
        Assert.DoesNotContain("wrong-secret-text", all);
        Assert.DoesNotContain(success.String("access_token"), all);
    }
}
