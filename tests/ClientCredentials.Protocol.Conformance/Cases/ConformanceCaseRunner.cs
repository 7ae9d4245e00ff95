using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Conformance;

/// <summary>
/// Runs one case file per the runner procedure of spec/conformance/README.md: start a fresh WireMock.Net server on
/// 127.0.0.1, register the case's mappings (translated by <see cref="CaseMappings"/>), build the client, acquire
/// once, then check the outcome, the request count, that every request matched a mapping, and that every client
/// assertion sent passes the independent <see cref="ClientAssertionValidator"/>. Fails with every mismatch, naming
/// the case file.
/// </summary>
internal static class ConformanceCaseRunner
{
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(string fileName)
    {
        var conformanceCase = ConformanceCase.Load(fileName);
        using var timeout = new CancellationTokenSource(CaseTimeout, TimeProvider.System);
        using var mock = LoopbackWireMock.Start();
        mock.Server.WithMapping(CaseMappings.ToWireMockNetJson(conformanceCase));

        var client = CaseClientFactory.Create(conformanceCase.Client, AuthorityOn(mock, conformanceCase.Client));
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

        verdict.CheckRequests(conformanceCase.ExpectedRequests, mock.RequestCount, [.. mock.UnmatchedRequests.Select(Describe)]);
        if (conformanceCase.Client.Credential == "certificate")
        {
            CheckAssertions(verdict, conformanceCase.Client, mock);
        }

        Assert.True(verdict.Problems.Count == 0, $"{fileName} failed:{Environment.NewLine}  - {string.Join(Environment.NewLine + "  - ", verdict.Problems)}");
    }

    /// <summary>The authority that makes the library post to the case's token endpoint path on <paramref name="mock"/>.</summary>
    private static TokenAuthority AuthorityOn(LoopbackWireMock mock, CaseClient client) => client.Kind switch
    {
        "entra" => TokenAuthority.Entra(client.Tenant!, mock.BaseAddress.AbsoluteUri),
        "adfs" => TokenAuthority.Adfs(mock.Url(AdfsAuthorityPath(client.TokenPath))),
        "generic" => TokenAuthority.TokenEndpoint(mock.Url(client.TokenPath)),
        _ => throw new InvalidDataException($"Unknown client.kind '{client.Kind}'."),
    };

    /// <summary>AD FS: the authority is the token endpoint path without its <c>/oauth2/token</c> suffix.</summary>
    private static string AdfsAuthorityPath(string tokenPath)
    {
        const string suffix = "/oauth2/token";
        return tokenPath.EndsWith(suffix, StringComparison.Ordinal)
            ? tokenPath[..^suffix.Length]
            : throw new InvalidDataException($"An AD FS tokenEndpointPath must end in {suffix}, not '{tokenPath}'.");
    }

    /// <summary>Entra gets PS256, AD FS and other servers RS256 (spec/protocol.md); the mock itself checks no signature.</summary>
    private static void CheckAssertions(CaseVerdict verdict, CaseClient client, LoopbackWireMock mock)
    {
        foreach (var request in mock.Requests)
        {
            try
            {
                ClientAssertionValidator.Validate(request.ReadForm()["client_assertion"], new ExpectedClientAssertion
                {
                    ClientId = client.ClientId,
                    Audience = mock.Url(client.TokenPath).AbsoluteUri,
                    Certificate = TestCertificates.SharedRsa2048,
                    Algorithm = client.Kind == "entra" ? "PS256" : "RS256",
                    ClockSkew = CaseTimeout,
                });
            }
            catch (Exception e) when (e is ClientAssertionInvalidException or KeyNotFoundException or InvalidOperationException)
            {
                verdict.Add($"the client assertion of {request} fails independent validation: {e.Message}");
            }
        }
    }

    /// <summary>"METHOD url body: …" with the values of <c>client_secret</c> and <c>client_assertion</c> blanked out.</summary>
    private static string Describe(WireMockRecordedRequest request) =>
        $"{request} body: " + string.Join('&', request.Body.Split('&').Select(pair =>
            pair.StartsWith("client_secret=", StringComparison.Ordinal) || pair.StartsWith("client_assertion=", StringComparison.Ordinal)
                ? pair[..(pair.IndexOf('=', StringComparison.Ordinal) + 1)] + "(redacted)"
                : pair));
}
