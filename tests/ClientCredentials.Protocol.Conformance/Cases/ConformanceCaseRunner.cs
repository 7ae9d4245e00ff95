using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Conformance;

/// <summary>
/// Runs one case file per the runner procedure of spec/conformance/README.md: register its mappings (in a scope of
/// the shared WireMock server), build the client, acquire once, then check the outcome, the request count and that
/// every request matched a mapping. Fails with every mismatch, naming the case file.
/// </summary>
internal static class ConformanceCaseRunner
{
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(string fileName, WireMockFixture wireMock)
    {
        var conformanceCase = ConformanceCase.Load(fileName);
        using var timeout = new CancellationTokenSource(CaseTimeout, TimeProvider.System);
        await using var scope = wireMock.CreateScope();
        var scoped = new ScopedCase(conformanceCase, scope);
        await scoped.AddMappingsAsync(timeout.Token);

        var client = CaseClientFactory.Create(conformanceCase.Client, scoped.Authority);
        var outcome = await CaseOutcome.AcquireAsync(client, conformanceCase.Client.Scopes, timeout.Token);

        var verdict = new CaseVerdict();
        if (conformanceCase.ExpectedToken is { } token)
        {
            verdict.CheckToken(token, outcome);
        }
        else if (conformanceCase.ExpectedError is { } error)
        {
            verdict.CheckError(error, outcome);
        }
        else
        {
            verdict.Add("expect has neither token nor error");
        }

        verdict.CheckRequests(
            conformanceCase.ExpectedRequests,
            await scope.CountRequestsAsync(timeout.Token),
            await UnmatchedRequests.InScopeAsync(scope, timeout.Token));
        Assert.True(verdict.Problems.Count == 0, $"{fileName} failed:{Environment.NewLine}  - {string.Join(Environment.NewLine + "  - ", verdict.Problems)}");
    }
}
