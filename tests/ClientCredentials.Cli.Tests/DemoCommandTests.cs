using System.Text.RegularExpressions;
using ClientCredentials.Cli.Tests.Infrastructure;

namespace ClientCredentials.Cli.Tests;

/// <summary><c>cc-token demo</c>: the README's main command runs to the end and never prints a token or secret.</summary>
public sealed class DemoCommandTests
{
    private static readonly Regex FullJwt = new(@"eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+", RegexOptions.Compiled);

    [Fact]
    public async Task Demo_runs_every_step_to_the_cache_hit_and_exits_0()
    {
        var result = await CcToken.RunAsync("demo");

        Assert.True(result.ExitCode == 0, result.ToString());
        for (var step = 1; step <= 8; step++)
        {
            Assert.Contains($"[{step}] ", result.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains("Get a token with the client secret", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Get a token with the certificate", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Go keyless: managed identity → federated credential → app token", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"azp / azpacr:\s+[0-9a-f-]{36} / 2 ", result.Stdout);
        Assert.Contains("roles:             Data.Read", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"with the token:\s+HTTP 200", result.Stdout);
        Assert.Matches(@"without a token:\s+HTTP 401", result.Stdout);
        Assert.Contains("cache hit (no request sent)", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"first cache hit:\s+[\d,]+ µs", result.Stdout);
        Assert.Matches(@"warm cache hits:\s+[\d,]+ ns each \(median of 5 batches of 100,000 calls after 10 warm-up batches; none sent a request\)", result.Stdout);
        Assert.Contains("Done:", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotMatch(FullJwt, result.All);
    }

    [Fact]
    public async Task Demo_with_verbose_shows_requests_with_credentials_redacted()
    {
        var result = await CcToken.RunAsync("demo", "--verbose");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("client_secret=<redacted sha256:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("client_assertion=<redacted sha256:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("> GET http://127.0.0.1:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("/metadata/identity/oauth2/token?api-version=2018-02-01&resource=api%3A%2F%2FAzureADTokenExchange", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("> Metadata: true", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotMatch(FullJwt, result.All);
        var secretFingerprint = Regex.Match(result.Stdout, @"secret:\s+(sha256:[0-9a-f]{8})").Groups[1].Value;
        Assert.Contains($"client_secret=<redacted {secretFingerprint}>", result.Stderr, StringComparison.Ordinal);
    }
}
