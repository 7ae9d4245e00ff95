using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace ClientCredentials.Protocol.Conformance;

/// <summary>
/// Runs one case file per spec/porting.md's "Per case" procedure, step for step (the steps are recorded in a
/// <see cref="CaseTrace"/> that <c>PortingGuideStepsTests</c> holds to the text): a fresh WireMock.Net server on
/// 127.0.0.1 playing the case's mappings (<see cref="CaseMappings"/>), the client of the case, then one acquisition
/// bypassing the cache on the real clock (single cases) or the steps of a timeline on a <see cref="TestClock"/> — the
/// tests' <c>FakeTimeProvider</c> — passed as <see cref="ClientCredentialsClientOptions.TimeProvider"/>. Collects every
/// mismatch in a <see cref="CaseVerdict"/>.
/// </summary>
internal static class ConformanceCaseRunner
{
    /// <summary>T0 of every timeline: 2026-01-01T00:00:00Z.</summary>
    public static readonly DateTimeOffset T0 = TestClock.DefaultStart;

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Runs the case and fails the test with every mismatch, naming the case file.</summary>
    public static async Task RunAsync(string fileName)
    {
        var verdict = await VerdictOfAsync(fileName, new CaseTrace());
        Assert.True(verdict.Problems.Count == 0, $"{fileName} failed:{Environment.NewLine}  - {string.Join(Environment.NewLine + "  - ", verdict.Problems)}");
    }

    /// <summary>Runs the case, recording its steps in <paramref name="trace"/>, and returns every mismatch.</summary>
    public static async Task<CaseVerdict> VerdictOfAsync(string fileName, CaseTrace trace)
    {
        var conformanceCase = ConformanceCase.Load(fileName);
        trace.Step("load");
        using var mock = conformanceCase.HasNetworkFaults ? LoopbackWireMock.StartWithNetworkFaults() : LoopbackWireMock.Start();
        mock.Server.WithMapping(CaseMappings.ToWireMockNetJson(conformanceCase, mock.BaseAddress));
        trace.Step("register");

        var verdict = new CaseVerdict();
        var certificate = CaseCredentials.CertificateOf(conformanceCase.Client.Credential);
        var tokenEndpoint = CaseClientFactory.TokenEndpoint(conformanceCase, mock.BaseAddress);
        var placeholders = Placeholders(conformanceCase, tokenEndpoint, certificate, mock);
        var outcomes = new OutcomeChecks(verdict, placeholders);
        var reported = new List<string>();
        Func<int, long?> sentAt = _ => null;
        if (conformanceCase.IsTimeline)
        {
            sentAt = await RunTimelineAsync(conformanceCase, mock, outcomes, verdict, reported, trace);
        }
        else
        {
            // A configuration error may come while the client is built (an unusable DPoP key, an audience the
            // authority refuses): the case's outcome then, with no request sent.
            ClientCredentialsClient? client = null;
            CaseOutcome? refusedAtCreation = null;
            try
            {
                client = CaseClientFactory.Create(conformanceCase, mock.BaseAddress, TimeProvider.System, cache: null, conformanceCase.Client.DPoPKey);
            }
            catch (ClientCredentialsConfigurationException refused)
            {
                refusedAtCreation = new CaseOutcome(null, refused, TimeProvider.System.GetUtcNow(), TimeProvider.System.GetUtcNow());
            }

            trace.Step("build-client");
            using var timeout = new CancellationTokenSource(CallTimeout, TimeProvider.System);
            var outcome = refusedAtCreation ?? await CaseOutcome.AcquireAsync(client!, conformanceCase.Client.Scopes, timeout.Token);

            trace.Step("acquire");
            reported.AddRange(LeakChecks.TextsOf(outcome.Token, outcome.Failure));
            CheckOutcome(conformanceCase.Expect, outcome, outcomes, verdict);
            trace.Step("check-outcome");
        }

        var requests = mock.Requests;
        var unmatched = mock.UnmatchedRequests;
        trace.Step("read-journal");
        if (requests.Count != conformanceCase.ExpectedRequests)
        {
            verdict.Add($"the mock received {requests.Count} request(s), expected {conformanceCase.ExpectedRequests}");
        }

        foreach (var request in unmatched)
        {
            verdict.Add($"a request matched no mapping (the client sent something the case's matchers forbid): {Describe(request)}");
        }

        trace.Step("check-requests");
        var sent = new SentChecks(verdict, placeholders, certificate, sentAt, CaseCredentials.DPoPPublicKey(conformanceCase.Client.DPoPKey));
        if (conformanceCase.Expect["sent"] is JsonObject expectedSent)
        {
            sent.Check(expectedSent, requests);
        }

        if (conformanceCase.Expect["sentPerRequest"] is JsonArray perRequest)
        {
            sent.CheckEach(perRequest, requests);
        }

        if (conformanceCase.Expect["requestGaps"] is JsonArray gaps)
        {
            sent.Gaps(gaps, requests);
        }

        if (certificate is not null && conformanceCase.Client.Credential == "certificate")
        {
            CheckAssertionsIndependently(verdict, conformanceCase, conformanceCase.Client.AssertionAudienceOn(mock.BaseAddress, tokenEndpoint), certificate, requests, sentAt);
        }

        trace.Step("check-sent");
        LeakChecks.Check(verdict, conformanceCase, requests, reported);
        trace.Step("check-no-leaks");
        return verdict;
    }

    private static void CheckOutcome(JsonObject expect, CaseOutcome outcome, OutcomeChecks outcomes, CaseVerdict verdict)
    {
        if (expect["token"] is JsonObject token)
        {
            outcomes.Token("expect.token", token, outcome.Token, outcome.Failure, outcome.Before, outcome.After);
        }
        else if (expect["error"] is JsonObject error)
        {
            outcomes.Error("expect.error", error, outcome.Token, outcome.Failure);
        }
        else if (expect["unreachable"] is JsonObject unreachable)
        {
            outcomes.Unreachable("expect.unreachable", unreachable, outcome.Token, outcome.Failure);
        }
        else if (expect["configuration"] is JsonObject configuration)
        {
            outcomes.Configuration("expect.configuration", configuration, outcome.Token, outcome.Failure);
        }
        else
        {
            verdict.Add("expect has no token, error, unreachable or configuration");
        }
    }

    /// <summary>
    /// Plays the steps: the clock set to T0 + at, the calls (or the invalidation), a wait until the client is idle,
    /// the checks. Returns, per request position, the virtual time it was sent at (the clock stands still in a step).
    /// </summary>
    private static async Task<Func<int, long?>> RunTimelineAsync(
        ConformanceCase conformanceCase, LoopbackWireMock mock, OutcomeChecks outcomes, CaseVerdict verdict, List<string> reported, CaseTrace trace)
    {
        var clock = new TestClock(T0);
        var cache = new TokenCache(new TokenCacheOptions { UseExtendedLifetime = conformanceCase.Client.UseExtendedLifetime }, clock);
        // One client per DPoP key a step names (call.dpopKey), all sharing the one cache, as clients of one process
        // share a cache (protocol.md §8.1); the case's own client is built first.
        var clients = new Dictionary<string, ClientCredentialsClient>(StringComparer.Ordinal);
        ClientCredentialsClient ClientWith(string? dpopKey)
        {
            var name = dpopKey ?? string.Empty;
            if (!clients.TryGetValue(name, out var built))
            {
                built = CaseClientFactory.Create(conformanceCase, mock.BaseAddress, clock, cache, dpopKey);
                clients[name] = built;
            }

            return built;
        }

        var client = ClientWith(conformanceCase.Client.DPoPKey);
        trace.Step("build-client");
        var sentAt = new List<long>();
        foreach (var (step, index) in conformanceCase.Steps.Select((s, i) => (s, i)))
        {
            var where = $"steps[{index}] (t = {step["at"]})";
            clock.SetUtcNow(T0 + TimeSpan.FromSeconds(step["at"]!.GetValue<double>()));
            trace.Step("set-clock");
            var expect = step["expect"]!.AsObject();
            var results = new List<(AccessToken? Token, Exception? Failure)>();
            bool? invalidated = null;
            if (step["invalidate"]?.GetValue<string>() is { } rejected)
            {
                invalidated = client.InvalidateToken(new AccessToken(rejected, "Bearer", clock.GetUtcNow(), null, null, conformanceCase.Client.Scopes, null, TokenSource.Cache));
            }
            else
            {
                var call = step["call"] as JsonObject;
                var caller = call is not null && call.TryGetPropertyValue("dpopKey", out var key) ? ClientWith(key?.GetValue<string>()) : client;
                results.AddRange(await CallAsync(caller, conformanceCase.Client.Scopes, call));
            }

            trace.Step("call");
            try
            {
                await cache.WhenIdleAsync().WaitAsync(IdleTimeout, TimeProvider.System);
            }
            catch (TimeoutException)
            {
                verdict.Add($"{where}: the client was still busy {IdleTimeout.TotalSeconds} s after the step");
            }

            trace.Step("wait-idle");
            var count = mock.RequestCount;
            while (sentAt.Count < count)
            {
                sentAt.Add(clock.GetUtcNow().ToUnixTimeSeconds());
            }

            if (expect["requests"]!.GetValue<int>() != count)
            {
                verdict.Add($"{where}: the mock had received {count} request(s), expected {expect["requests"]}");
            }

            foreach (var (token, failure) in results)
            {
                reported.AddRange(LeakChecks.TextsOf(token, failure));
                CheckStepOutcome(where, expect, token, failure, outcomes, verdict);
            }

            if (invalidated is { } removed && expect["invalidated"]?.GetValue<bool>() != removed)
            {
                verdict.Add($"{where}.invalidated: expected {expect["invalidated"]?.ToJsonString() ?? "the outcome of a call"}, got {CaseVerdict.Show(removed)}");
            }

            trace.Step("check-step");
        }

        return position => position < sentAt.Count ? sentAt[position] : null;
    }

    private static void CheckStepOutcome(string where, JsonObject expect, AccessToken? token, Exception? failure, OutcomeChecks outcomes, CaseVerdict verdict)
    {
        if (expect["token"] is JsonObject expectedToken)
        {
            outcomes.StepToken($"{where}.token", expectedToken, token, failure, T0);
        }
        else if (expect["error"] is JsonObject error)
        {
            outcomes.Error($"{where}.error", error, token, failure);
        }
        else if (expect["throttled"] is JsonObject throttled)
        {
            outcomes.Throttled($"{where}.throttled", throttled, token, failure);
        }
        else if (expect["unreachable"] is JsonObject unreachable)
        {
            outcomes.Unreachable($"{where}.unreachable", unreachable, token, failure);
        }
        else if (expect["configuration"] is JsonObject configuration)
        {
            outcomes.Configuration($"{where}.configuration", configuration, token, failure);
        }
        else
        {
            verdict.Add($"{where}: a call step needs a token, error, throttled, unreachable or configuration outcome");
        }
    }

    /// <summary>
    /// Starts the step's acquisitions together and awaits them all. A plain call uses <c>GetTokenAsync()</c> with the
    /// configured scopes, as most callers do; a call with its own scopes, claims or a forced refresh passes parameters.
    /// </summary>
    private static async Task<(AccessToken? Token, Exception? Failure)[]> CallAsync(ClientCredentialsClient client, IReadOnlyList<string> defaultScopes, JsonObject? call)
    {
        var calls = call?["calls"]?.GetValue<int>() ?? 1;
        var plain = call is null || (call["scopes"] is null && call["claims"] is null && call["forceRefresh"] is null);
        // A call that names only its DPoP key (call.dpopKey, chosen by the caller above) is a plain call too.
        var parameters = plain ? null : new TokenRequestParameters(call!["scopes"] is JsonArray scopes ? [.. scopes.Select(s => s!.GetValue<string>())] : defaultScopes)
        {
            ForceRefresh = call["forceRefresh"]?.GetValue<bool>() ?? false,
            Claims = call["claims"]?.GetValue<string>(),
        };
        using var timeout = new CancellationTokenSource(CallTimeout, TimeProvider.System);
        return await Task.WhenAll(Enumerable.Range(0, calls).Select(_ => OneCallAsync(client, parameters, timeout.Token)));
    }

    private static async Task<(AccessToken? Token, Exception? Failure)> OneCallAsync(ClientCredentialsClient client, TokenRequestParameters? parameters, CancellationToken cancellationToken)
    {
        try
        {
            return (parameters is null ? await client.GetTokenAsync(cancellationToken) : await client.GetTokenAsync(parameters, cancellationToken), null);
        }
        catch (Exception ex) when (ex is ClientCredentialsException or HttpRequestException or OperationCanceledException)
        {
            return (null, ex);
        }
    }

    /// <summary>
    /// Beyond what the case asks: every assertion of an RSA certificate case passes the testing library's independent
    /// validator (signature with the public key, alg, aud, iss, sub, lifetime), on the clock it was sent by.
    /// </summary>
    private static void CheckAssertionsIndependently(
        CaseVerdict verdict, ConformanceCase conformanceCase, string audience, X509Certificate2 certificate, IReadOnlyList<WireMockRecordedRequest> requests, Func<int, long?> sentAt)
    {
        // The algorithm the case pins (client.algorithm, or the header it expects), else the table of protocol.md §4.3.
        var algorithm = conformanceCase.Client.Algorithm
            ?? conformanceCase.Expect["sent"]?["assertion"]?["header"]?["alg"]?.GetValue<string>()
            ?? (conformanceCase.Client.Kind == "entra" ? "PS256" : "RS256");
        for (var index = 0; index < requests.Count; index++)
        {
            var request = requests[index];
            if (request.Method != "POST")
            {
                continue;
            }

            try
            {
                ClientAssertionValidator.Validate(request.ReadForm()["client_assertion"], new ExpectedClientAssertion
                {
                    ClientId = conformanceCase.Client.ClientId,
                    Audience = audience,
                    Certificate = certificate,
                    Algorithm = algorithm,
                    Now = sentAt(index) is { } at ? DateTimeOffset.FromUnixTimeSeconds(at) : null,
                    ClockSkew = CallTimeout,
                });
            }
            catch (Exception e) when (e is ClientAssertionInvalidException or KeyNotFoundException or InvalidOperationException)
            {
                verdict.Add($"the client assertion of {request} fails independent validation: {e.Message}");
            }
        }
    }

    private static Func<string, string> Placeholders(ConformanceCase conformanceCase, Uri tokenEndpoint, X509Certificate2? certificate, LoopbackWireMock mock)
    {
        var clientId = conformanceCase.Client.ClientId;
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(FormUrlEncoding.Encode(clientId) + ":" + FormUrlEncoding.Encode(CaseCredentials.Secret)));
        return text => text
            .Replace("${clientId}", clientId, StringComparison.Ordinal)
            .Replace("${tokenEndpoint}", tokenEndpoint.AbsoluteUri, StringComparison.Ordinal)
            .Replace("${issuer}", conformanceCase.Client.IssuerOn(mock.BaseAddress)?.AbsoluteUri ?? "(no issuer)", StringComparison.Ordinal)
            .Replace("${basicAuthorization}", basic, StringComparison.Ordinal)
            .Replace("${certificate.x5t#S256}", certificate is null ? "(no certificate)" : CertificateThumbprints.X5tS256(certificate), StringComparison.Ordinal)
            .Replace("${certificate.x5t}", certificate is null ? "(no certificate)" : CertificateThumbprints.X5t(certificate), StringComparison.Ordinal)
            .Replace("${clientRequestId}", mock.Requests.LastOrDefault(r => r.Method == "POST")?.GetHeader("client-request-id") ?? "(no request)", StringComparison.Ordinal);
    }

    /// <summary>"METHOD url body: …" with the values of <c>client_secret</c> and <c>client_assertion</c> blanked out.</summary>
    private static string Describe(WireMockRecordedRequest request) =>
        $"{request} body: " + string.Join('&', request.Body.Split('&').Select(pair =>
            pair.StartsWith("client_secret=", StringComparison.Ordinal) || pair.StartsWith("client_assertion=", StringComparison.Ordinal)
                ? pair[..(pair.IndexOf('=', StringComparison.Ordinal) + 1)] + "(redacted)"
                : pair));
}
