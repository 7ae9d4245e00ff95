using ClientCredentials.Cli.Acquisition;
using ClientCredentials.Cli.Hosting;
using ClientCredentials.Cli.Output;
using ClientCredentials.Cli.Tests.Infrastructure;
using ClientCredentials.Protocol;
using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Cli.Tests;

/// <summary>
/// <c>cc-token token</c> never follows a token endpoint redirect (which would post the secret to another host),
/// accepts every <c>--timeout</c> it advertises, and prints only the human part of AAD's error description.
/// </summary>
public sealed class TokenEndpointSafetyTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_redirect_from_the_token_endpoint_is_not_followed_and_is_reported_as_an_invalid_response(bool verbose)
    {
        using var target = LoopbackWireMock.Start();
        target.Stub(WireMockResponses.Post("/stolen/token"), WireMockResponses.AccessToken("captured-by-the-redirect-target"));
        using var redirecting = LoopbackWireMock.Start();
        redirecting.Stub(
            WireMockResponses.Post("/oauth2/token"),
            WireMockResponses.Text(307, string.Empty, headers: new Dictionary<string, string> { ["Location"] = target.Url("stolen/token").AbsoluteUri }));
        string[] args = ["token", "--token-endpoint", redirecting.Url("oauth2/token").AbsoluteUri, "--client-id", EmulatorFixture.AppId, "--scope", "api://orders/.default", "--secret-env", "APP_SECRET", "-o", "json"];

        var result = await CcToken.RunAsync(verbose ? [.. args, "--verbose"] : args, EmulatorFixture.SecretEnvironment());

        Assert.True(result.ExitCode == 4, result.ToString());
        var json = result.Json();
        Assert.Equal("invalid_response", json.GetProperty("error").GetString());
        Assert.Equal(307, json.GetProperty("status").GetInt32());
        Assert.Single(redirecting.Requests);
        Assert.Empty(target.Requests);
        Assert.DoesNotContain("captured-by-the-redirect-target", result.All, StringComparison.Ordinal);
        SecretAssert.NotIn(result, EmulatorFixture.Secret);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    public async Task A_timeout_of_one_or_two_seconds_is_accepted_and_gets_a_token(string seconds)
    {
        var result = await CcToken.RunAsync([.. emulator.EntraArgs(), "--secret-env", "APP_SECRET", "--timeout", seconds], EmulatorFixture.SecretEnvironment());

        Assert.True(result.ExitCode == 0, result.ToString());
        await IssuedTokens.ValidateAsync(emulator, result.Stdout.Trim());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(30)]
    [InlineData(600)]
    public void Every_timeout_the_command_accepts_gives_resilience_options_the_library_accepts(int seconds)
    {
        var timeout = TimeSpan.FromSeconds(seconds);

        var options = TokenAcquisition.ResilienceFor(timeout);

        Assert.Equal(timeout, options.TotalTimeout);
        Assert.True(options.MaxRetryAfterWait < options.TotalTimeout);
        Assert.True(options.AttemptTimeout <= options.TotalTimeout);
        Assert.True(options.RetryBaseDelay <= options.TotalTimeout);
        Assert.True(options.MaxRetryAfterWait <= TimeSpan.FromSeconds(2));
    }

    [Theory]
    [InlineData("AADSTS7000215: Invalid client secret provided. Trace ID: 0f1e2d3c-aaaa-bbbb-cccc-000000000001 Correlation ID: 9a8b7c6d-aaaa-bbbb-cccc-000000000002 Timestamp: 2025-01-02 03:04:05Z")]
    [InlineData("AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 0f1e2d3c-aaaa-bbbb-cccc-000000000001\r\nCorrelation ID: 9a8b7c6d-aaaa-bbbb-cccc-000000000002\r\nTimestamp: 2025-01-02 03:04:05Z")]
    public void The_text_error_shows_the_description_without_the_trace_lines_in_either_aad_layout(string description)
    {
        var output = new StringWriter();
        var error = ErrorClassifier.Classify(new TokenEndpointException(new TokenEndpointError
        {
            StatusCode = System.Net.HttpStatusCode.Unauthorized,
            Error = "invalid_client",
            ErrorDescription = description,
            ErrorCodes = [7000215],
            TraceId = "0f1e2d3c-aaaa-bbbb-cccc-000000000001",
            CorrelationId = "9a8b7c6d-aaaa-bbbb-cccc-000000000002",
            Remedy = "use the secret's value, not its Secret ID.",
        }));

        ErrorWriter.WriteText(output, error);

        var text = output.ToString();
        Assert.Contains(": AADSTS7000215: Invalid client secret provided. Hint: Use the secret's value", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Trace ID:", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Timestamp:", text, StringComparison.Ordinal);
        Assert.Contains("[trace_id 0f1e2d3c-aaaa-bbbb-cccc-000000000001, correlation_id 9a8b7c6d-aaaa-bbbb-cccc-000000000002]", text, StringComparison.Ordinal);
        Assert.Single(text.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Loop_detected_AADSTS50196_is_reported_as_throttling_even_without_a_429()
    {
        var error = ErrorClassifier.Classify(new TokenEndpointException(new TokenEndpointError
        {
            StatusCode = System.Net.HttpStatusCode.BadRequest,
            Error = "invalid_request",
            ErrorCodes = [50196],
        }));

        Assert.Equal(ExitCodes.Throttled, error.ExitCode);
        Assert.Equal([50196], error.ErrorCodes);
    }
}
