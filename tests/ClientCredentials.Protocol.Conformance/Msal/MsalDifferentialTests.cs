using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Conformance.Msal;

/// <summary>
/// MSAL.NET 4.92 (the reference) and this library make the same token request against the same WireMock.Net stub;
/// the recorded requests are compared field by field, and the differences must be exactly those listed in
/// spec/msal-differences.json: a new difference, or a listed one that went away, fails. Our client assertion must also
/// pass the independent <see cref="ClientAssertionValidator"/>.
/// </summary>
public sealed class MsalDifferentialTests
{
    private const string StubToken = "differential-access-token";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>The observed differences of a scenario equal the listed ones.</summary>
    [Theory]
    [MemberData(nameof(DifferentialScenario.Names), MemberType = typeof(DifferentialScenario))]
    public async Task Requests_differ_from_msal_only_as_listed(string scenarioName)
    {
        var scenario = DifferentialScenario.Named(scenarioName);
        using var timeout = new CancellationTokenSource(Timeout, TimeProvider.System);

        var msal = await CaptureAsync(scenario, async (baseAddress, ct) =>
        {
            using var factory = new MsalHttpClientFactory(baseAddress);
            var result = await scenario.CreateMsal(factory)
                .AcquireTokenForClient([DifferentialScenario.Scope])
                .WithSendX5C(scenario.SendX5c)
                .ExecuteAsync(ct);
            return result.AccessToken;
        }, timeout.Token);

        var ours = await CaptureAsync(scenario, async (baseAddress, ct) =>
        {
            using var httpClient = DifferentialScenario.CreateOurHttpClient(baseAddress);
            var token = await scenario.CreateOurs(httpClient).GetTokenAsync(ct);
            return token.Token;
        }, timeout.Token);

        if (scenario.UsesCertificate)
        {
            ClientAssertionValidator.Validate(ours.ReadForm()["client_assertion"], new ExpectedClientAssertion
            {
                ClientId = DifferentialScenario.ClientId,
                Audience = $"https://{scenario.RequestHost}{scenario.TokenPath}",
                Certificate = TestCertificates.SharedRsa2048,
                Algorithm = scenario.Kind == AuthorityKind.Adfs ? "RS256" : "PS256",
                Lifetime = TimeSpan.FromMinutes(10),
            });
        }

        var observed = RequestComparer.Compare(scenario, msal, ours);
        var listed = MsalDifferencesFile.Load(DifferentialScenario.All).Where(d => d.Scenario == scenario.Name).ToList();
        var unlisted = observed.Except(listed).ToList();
        var gone = listed.Except(observed).ToList();
        Assert.True(
            unlisted.Count == 0 && gone.Count == 0,
            $"{scenario.Name}: the requests differ from MSAL's other than spec/msal-differences.json says." +
            $"{Environment.NewLine}Observed but not listed (remove the difference, or list it with a reason):{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", unlisted)}" +
            $"{Environment.NewLine}Listed but not observed (drop it from the file):{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", gone)}");
    }

    /// <summary>Every entry of spec/msal-differences.json is well-formed and names a known scenario and kind.</summary>
    [Fact]
    public void The_difference_file_is_well_formed() =>
        Assert.NotEmpty(MsalDifferencesFile.Load(DifferentialScenario.All));

    /// <summary>
    /// Runs one client against a fresh server whose only stub is the token endpoint, and returns the one request it
    /// sent. The client must get the stub's token, send exactly one request, and every request must match the stub.
    /// </summary>
    private static async Task<WireMockRecordedRequest> CaptureAsync(
        DifferentialScenario scenario, Func<Uri, CancellationToken, Task<string>> acquire, CancellationToken cancellationToken)
    {
        using var mock = LoopbackWireMock.Start();
        mock.Stub(WireMockResponses.Post("/" + scenario.RequestHost + scenario.TokenPath), WireMockResponses.AccessToken(StubToken));

        string? token = null;
        Exception? failure = null;
        try
        {
            token = await acquire(mock.BaseAddress, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            failure = ex;
        }

        var unmatched = mock.UnmatchedRequests;
        Assert.True(unmatched.Count == 0, $"{scenario.Name}: requests matched no stub:{Environment.NewLine}{string.Join(Environment.NewLine, unmatched)}");
        Assert.True(failure is null, $"{scenario.Name}: the client failed: {failure}");
        Assert.Equal(StubToken, token);
        return Assert.Single(mock.Requests);
    }
}
