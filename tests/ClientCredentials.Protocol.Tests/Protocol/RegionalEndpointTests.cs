using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using ClientCredentials.Protocol.Testing;
using ClientCredentials.Protocol.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>
/// Regional endpoints (ESTS-R): the documented host forms, region names checked before sending, never a region
/// discovery, and a network failure, timeout or 5xx at the regional endpoint sending that request to the global one —
/// visible on the token and in the meter. Loopback only: 127.0.0.2 stands in for the regional host.
/// </summary>
public sealed class RegionalEndpointTests : IAsyncLifetime
{
    private const string Tenant = "contoso.onmicrosoft.com";
    private const string ClientId = "6731de76-14a6-49ae-97bc-6eba6914391e";
    private const string Scope = "https://graph.microsoft.com/.default";
    private static readonly IReadOnlyDictionary<string, string> Json = new Dictionary<string, string> { ["Content-Type"] = "application/json" };
    private readonly string _region = "r" + Guid.NewGuid().ToString("N")[..10];
    private ReplayEndpoint _global = null!;
    private ReplayEndpoint _regional = null!;

    public async Task InitializeAsync()
    {
        _global = await ReplayEndpoint.StartAsync();
        _regional = await ReplayEndpoint.StartAsync(address: IPAddress.Parse("127.0.0.2"));
        _global.Play(Ok("global"));
        _regional.Play(Ok("regional"));
    }

    public async Task DisposeAsync()
    {
        await _global.DisposeAsync();
        await _regional.DisposeAsync();
    }

    private static RecordedResponse Ok(string token) => new(200, Json, $$"""{"token_type":"Bearer","expires_in":3599,"access_token":"{{token}}"}""");

    private ClientCredentialsClient Client(EntraRegion region, ClientCredential? credential = null, TokenRequestResilienceOptions? resilience = null) => new(new ClientCredentialsClientOptions
    {
        Authority = TokenAuthority.Entra(Tenant, _global.BaseAddress.AbsoluteUri, region),
        ClientId = ClientId,
        Credential = credential ?? new ClientSecretCredential("secret"),
        Scopes = [Scope],
        Resilience = resilience ?? new TokenRequestResilienceOptions { MaxRetries = 0 },
    });

    private EntraRegion Regional(Uri? instance = null) => EntraRegion.Named(_region, (instance ?? _regional.BaseAddress).AbsoluteUri);

    [Theory]
    [InlineData("login.microsoftonline.com", "westus2.login.microsoft.com")]
    [InlineData("login.windows.net", "westus2.login.microsoft.com")]
    [InlineData("login.microsoft.com", "westus2.login.microsoft.com")]
    [InlineData("sts.windows.net", "westus2.login.microsoft.com")]
    [InlineData("login.microsoftonline.us", "westus2.login.microsoftonline.us")]
    [InlineData("login.usgovcloudapi.net", "westus2.login.microsoftonline.us")]
    [InlineData("login.chinacloudapi.cn", "westus2.login.partner.microsoftonline.cn")]
    [InlineData("login.partner.microsoftonline.cn", "westus2.login.partner.microsoftonline.cn")]
    [InlineData("login.sovcloud-identity.fr", "westus2.login.sovcloud-identity.fr")]
    public void The_regional_host_has_the_documented_form_for_each_cloud(string instance, string regionalHost)
    {
        var authority = TokenAuthority.Entra(Tenant, instance, EntraRegion.Named("westus2"));
        Assert.Equal(new Uri($"https://{regionalHost}/{Tenant}/oauth2/v2.0/token"), authority.RegionalTokenEndpoint);
        Assert.Equal("westus2", authority.Region);
        Assert.Equal(TokenAuthority.Entra(Tenant, instance, EntraRegion.None).CacheIdentity, authority.CacheIdentity);
    }

    [Theory]
    [InlineData("West US")]
    [InlineData("WestUS2")]
    [InlineData("west-us")]
    [InlineData("westus2.evil.example")]
    [InlineData("")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void A_region_with_characters_outside_a_z0_9_is_a_configuration_error(string region)
    {
        Assert.Equal("Region", Assert.Throws<ClientCredentialsConfigurationException>(() => EntraRegion.Named(region)).Setting);
        Assert.Equal(EntraRegion.RegionalAuthorityVariable, Assert.Throws<ClientCredentialsConfigurationException>(() => EntraRegion.FromEnvironment(name => name == EntraRegion.RegionalAuthorityVariable ? region + "x y" : null)).Setting);
    }

    [Theory]
    [InlineData("brazilsouth")]
    [InlineData("a0z9")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void A_region_of_lower_case_letters_and_digits_up_to_40_characters_is_accepted(string region) =>
        Assert.Equal(region, EntraRegion.Named(region).Name);

    [Fact]
    public void A_region_that_is_not_a_region_name_is_refused_without_echoing_control_characters()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => EntraRegion.FromEnvironment(n => n == EntraRegion.ForceRegionVariable ? "westus2\u001b[2J" : null));

        Assert.Equal(EntraRegion.ForceRegionVariable, error.Setting);
        Assert.Equal("MSAL_FORCE_REGION 'westus2\\u001B[2J' is not an Azure region name: lower-case letters and digits only, for example westus2 (see 'az account list-locations').", error.Message);
    }

    [Fact]
    public void A_region_reads_as_its_name_and_where_it_came_from()
    {
        Assert.Equal(("none", "no region"), (EntraRegion.None.Source, EntraRegion.None.ToString()));
        Assert.Same(EntraRegion.None, EntraRegion.FromEnvironment(_ => null));
        Assert.Equal("region westus2 (explicit)", EntraRegion.Named("westus2").ToString());
        Assert.Equal("region eastus (AZURE_REGIONAL_AUTHORITY_NAME)", EntraRegion.FromEnvironment(n => n == EntraRegion.RegionalAuthorityVariable ? "eastus" : null).ToString());
    }

    [Theory]
    [InlineData("https://login.microsoftonline.com:8443/", "https://westus2.login.microsoft.com:8443/")]
    [InlineData("https://login.microsoftonline.com:443/", "https://westus2.login.microsoft.com/")]
    [InlineData("login.microsoftonline.us:8443", "https://westus2.login.microsoftonline.us:8443/")]
    public void The_regional_endpoint_keeps_the_instances_port(string instance, string regionalBase)
    {
        var endpoint = TokenAuthority.Entra(Tenant, instance, EntraRegion.Named("westus2")).RegionalTokenEndpoint!;

        Assert.Equal($"{regionalBase}{Tenant}/oauth2/v2.0/token", endpoint.AbsoluteUri);
        Assert.Equal($"{regionalBase}{Tenant}/oauth2/v2.0/token", endpoint.ToString());
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000/")]
    [InlineData("http://localhost:5000/")]
    public void A_region_from_the_environment_is_not_used_on_an_instance_without_a_DNS_name(string instance)
    {
        var authority = TokenAuthority.Entra(Tenant, instance, EntraRegion.FromEnvironment(n => n == EntraRegion.RegionalAuthorityVariable ? "westus2" : null));

        Assert.Null(authority.RegionalTokenEndpoint);
        Assert.Null(authority.Region);
    }

    [Fact]
    public void An_explicit_region_on_localhost_needs_a_regional_instance_and_says_how_to_give_it()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => TokenAuthority.Entra(Tenant, "http://localhost:5000/", EntraRegion.Named("westus2")));

        Assert.Equal("Region", error.Setting);
        Assert.Equal("The instance 'localhost' has no DNS name to put the region 'westus2' in front of; give the regional endpoint as RegionalInstance (EntraRegion.Named(region, regionalInstance)).", error.Message);
    }

    [Fact]
    public void A_regional_instance_that_is_not_an_absolute_url_is_refused_saying_so()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => EntraRegion.Named("westus2", "westus2.login.microsoft.com"));

        Assert.Equal("RegionalInstance", error.Setting);
        Assert.Equal("RegionalInstance 'westus2.login.microsoft.com' is not an absolute URL such as https://westus2.login.microsoft.com/.", error.Message);
    }

    [Fact]
    public void A_regional_instance_that_is_not_a_url_is_echoed_without_its_control_characters()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => EntraRegion.Named("westus2", "westus2\u001b[2J"));

        Assert.Equal("RegionalInstance 'westus2\\u001B[2J' is not an absolute URL such as https://westus2.login.microsoft.com/.", error.Message);
    }

    [Fact]
    public void The_environment_gives_the_region_and_never_a_discovery()
    {
        Assert.Equal("eastus", EntraRegion.FromEnvironment(n => n == "AZURE_REGIONAL_AUTHORITY_NAME" ? "eastus" : n == "MSAL_FORCE_REGION" ? "westus" : null).Name);
        Assert.Equal("westus", EntraRegion.FromEnvironment(n => n == "MSAL_FORCE_REGION" ? "westus" : null).Name);
        Assert.Null(EntraRegion.FromEnvironment(n => n == "AZURE_REGIONAL_AUTHORITY_NAME" ? "AutoDiscoverRegion" : null).Name);
        Assert.Null(EntraRegion.FromEnvironment(n => n == "MSAL_FORCE_REGION" ? "TryAutoDetect" : null).Name);
        Assert.Null(EntraRegion.FromEnvironment(n => n == "MSAL_FORCE_REGION" ? "DisableMsalForceRegion" : null).Name);
        Assert.Null(EntraRegion.FromEnvironment(_ => null).Name);
    }

    [Fact]
    public void An_explicit_region_on_an_instance_without_a_DNS_name_needs_a_regional_instance() =>
        Assert.Equal("Region", Assert.Throws<ClientCredentialsConfigurationException>(() => TokenAuthority.Entra(Tenant, _global.BaseAddress.AbsoluteUri, EntraRegion.Named("westus2"))).Setting);

    [Theory]
    [InlineData("http://10.1.2.3:8080/", "RegionalInstance 'http://10.1.2.3:8080/' uses plain http; use https (http is accepted for loopback hosts only, such as a local emulator).")]
    [InlineData("https://westus2.login.microsoft.com/path", "RegionalInstance 'https://westus2.login.microsoft.com/path' has a path; give only scheme, host and port.")]
    public void A_regional_instance_over_plain_http_off_the_machine_or_with_a_path_is_refused(string instance, string message)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => EntraRegion.Named("westus2", instance));
        Assert.Equal(("RegionalInstance", message), (error.Setting, error.Message));
    }

    [Fact]
    public async Task The_regional_endpoint_issues_the_token_and_the_assertion_names_it()
    {
        var token = await Client(Regional(), new CertificateCredential(TestCertificates.SharedRsa2048)).GetTokenAsync();

        Assert.Equal("regional", token.Token);
        Assert.Equal(RegionalRoute.Regional, token.RegionalRoute);
        Assert.Empty(_global.Requests);
        var assertion = Uri.UnescapeDataString(_regional.Requests.Single().Body.Split('&').Select(p => p.Split('=', 2)).Single(p => p[0] == "client_assertion")[1]);
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(assertion.Split('.')[1]));
        Assert.Equal($"http://127.0.0.2:{_regional.BaseAddress.Port}/{Tenant}/oauth2/v2.0/token", payload.RootElement.GetProperty("aud").GetString());
    }

    [Fact]
    public async Task A_5xx_from_the_regional_endpoint_sends_that_request_to_the_global_one_and_is_counted()
    {
        _regional.Play(new RecordedResponse(503, Json, """{"error":"temporarily_unavailable","error_description":"AADSTS90024: busy"}"""), Ok("regional-again"));
        using var fallbacks = new FallbackCounter(_region);
        var client = Client(Regional());

        var token = await client.GetTokenAsync();

        Assert.Equal("global", token.Token);
        Assert.Equal(RegionalRoute.GlobalAfterRegionalFailure, token.RegionalRoute);
        Assert.Single(_regional.Requests);
        Assert.Single(_global.Requests);
        Assert.Equal(["server_error"], fallbacks.Reasons);

        // The fallback was for that request only: the next one goes to the regional endpoint again.
        var next = await client.GetTokenAsync(new TokenRequestParameters(Scope) { ForceRefresh = true });
        Assert.Equal(RegionalRoute.Regional, next.RegionalRoute);
        Assert.Equal(2, _regional.Requests.Count);
    }

    [Fact]
    public async Task An_unreachable_regional_endpoint_falls_back_to_the_global_one()
    {
        Uri closed;
        await using (var gone = await ReplayEndpoint.StartAsync(address: IPAddress.Parse("127.0.0.2")))
        {
            closed = gone.BaseAddress;
        }

        using var fallbacks = new FallbackCounter(_region);
        var token = await Client(Regional(closed)).GetTokenAsync();

        Assert.Equal(RegionalRoute.GlobalAfterRegionalFailure, token.RegionalRoute);
        Assert.Equal(["network"], fallbacks.Reasons);
    }

    [Fact]
    public async Task An_attempt_that_times_out_at_the_regional_endpoint_makes_the_next_attempt_go_global()
    {
        var silent = new System.Net.Sockets.TcpListener(IPAddress.Parse("127.0.0.2"), 0);
        silent.Start();
        try
        {
            using var fallbacks = new FallbackCounter(_region);
            var client = Client(
                Regional(new Uri($"http://127.0.0.2:{((IPEndPoint)silent.LocalEndpoint).Port}/")),
                resilience: new TokenRequestResilienceOptions { MaxRetries = 1, AttemptTimeout = TimeSpan.FromSeconds(2), RetryBaseDelay = TimeSpan.Zero, MaxRetryAfterWait = TimeSpan.Zero, TotalTimeout = TimeSpan.FromSeconds(20) });

            var token = await client.GetTokenAsync();

            Assert.Equal("global", token.Token);
            Assert.Equal(RegionalRoute.GlobalAfterRegionalFailure, token.RegionalRoute);
            Assert.Equal(["timeout"], fallbacks.Reasons);
        }
        finally
        {
            silent.Stop();
        }
    }

    [Fact]
    public async Task A_4xx_from_the_regional_endpoint_is_the_answer_no_fallback()
    {
        _regional.Play(new RecordedResponse(401, Json, """{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","error_codes":[7000215]}"""));
        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await Client(Regional()).GetTokenAsync());
        Assert.Equal([7000215], error.ErrorCodes);
        Assert.Empty(_global.Requests);
    }

    [Fact]
    public async Task Without_a_region_the_global_endpoint_is_used_and_nothing_is_discovered()
    {
        using var guard = new LoopbackOnlyHandler();
        var token = await new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = TokenAuthority.Entra(Tenant, _global.BaseAddress.AbsoluteUri, EntraRegion.FromEnvironment(n => n == "AZURE_REGIONAL_AUTHORITY_NAME" ? "AutoDiscoverRegion" : null)),
            ClientId = ClientId,
            Credential = new ClientSecretCredential("secret"),
            Scopes = [Scope],
            HttpClient = new HttpClient(guard, disposeHandler: false),
        }).GetTokenAsync();

        Assert.Equal(RegionalRoute.NotRegional, token.RegionalRoute);
        Assert.Equal([_global.BaseAddress.Authority], guard.Destinations.Select(d => d.Authority));
    }

    private const string GlobalHost = "login.microsoftonline.com";

    private string RegionalHost => $"{_region}.login.microsoft.com";

    private static TokenRequestParameters Logged => new(Scope) { CorrelationId = "regional-log" };

    /// <summary>A client for the public cloud with <see cref="_region"/>, over an in-memory handler.</summary>
    private ClientCredentialsClient Scripted(ScriptedHttpHandler handler, RecordingLogger? logger = null, int maxRetries = 0) => new(new ClientCredentialsClientOptions
    {
        Authority = TokenAuthority.Entra(Tenant, GlobalHost, EntraRegion.Named(_region)),
        ClientId = ClientId,
        Credential = new ClientSecretCredential("secret"),
        Scopes = [Scope],
        HttpClient = new HttpClient(handler),
        LoggerFactory = logger is null ? null : new RecordingLoggerFactory(logger),
        Resilience = new TokenRequestResilienceOptions { MaxRetries = maxRetries, RetryBaseDelay = TimeSpan.Zero },
    });

    /// <summary>Answers the regional host and the global host each from its own list, in order; the last answer repeats.</summary>
    private Func<HttpRequestMessage, HttpResponseMessage> ByHost(Func<HttpResponseMessage>[] regional, Func<HttpResponseMessage>[] global)
    {
        int regionalCount = 0, globalCount = 0;
        return request => request.RequestUri!.Host == RegionalHost
            ? regional[Math.Min(regionalCount++, regional.Length - 1)]()
            : global[Math.Min(globalCount++, global.Length - 1)]();
    }

    private static HttpResponseMessage GlobalToken() => ScriptedHttpHandler.Token("global");

    private static int RequestsTo(ScriptedHttpHandler handler, string host) => handler.Requests.Count(u => u.Host == host);

    private static string FallbackLog(RecordingLogger logger) => Assert.Single(logger.Records, r => r.EventId == 1006).Message;

    [Fact]
    public async Task A_500_from_the_regional_endpoint_falls_back_and_the_log_names_the_status_and_the_error()
    {
        var logger = new RecordingLogger();
        using var fallbacks = new FallbackCounter(_region);
        var handler = new ScriptedHttpHandler(ByHost([() => ScriptedHttpHandler.Json(500, """{"error":"server_error"}""")], [GlobalToken]));

        var token = await Scripted(handler, logger).GetTokenAsync(Logged);

        Assert.Equal(RegionalRoute.GlobalAfterRegionalFailure, token.RegionalRoute);
        Assert.Equal(["server_error"], fallbacks.Reasons);
        Assert.Equal($"The regional token endpoint {RegionalHost} failed (server_error: HTTP 500 server_error); this request goes to the global endpoint (client-request-id regional-log).", FallbackLog(logger));
    }

    [Fact]
    public async Task A_network_failure_at_the_regional_endpoint_is_logged_with_the_failure_itself()
    {
        var logger = new RecordingLogger();
        var handler = new ScriptedHttpHandler(ByHost([() => throw new HttpRequestException("regional refused")], [GlobalToken]));

        await Scripted(handler, logger).GetTokenAsync(Logged);

        Assert.Equal($"The regional token endpoint {RegionalHost} failed (network: regional refused); this request goes to the global endpoint (client-request-id regional-log).", FallbackLog(logger));
    }

    [Fact]
    public async Task An_HttpClient_timeout_at_the_regional_endpoint_is_a_timeout_fallback()
    {
        var logger = new RecordingLogger();
        using var fallbacks = new FallbackCounter(_region);
        var handler = new ScriptedHttpHandler(ByHost([() => throw new TaskCanceledException("regional silent")], [GlobalToken]));

        var token = await Scripted(handler, logger).GetTokenAsync(Logged);

        Assert.Equal("global", token.Token);
        Assert.Equal(["timeout"], fallbacks.Reasons);
        var log = FallbackLog(logger);
        Assert.StartsWith($"The regional token endpoint {RegionalHost} failed (timeout: ", log, StringComparison.Ordinal);
        Assert.DoesNotContain("did not answer", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_attempt_after_one_that_got_no_answer_goes_global_and_the_log_says_why()
    {
        var logger = new RecordingLogger();
        using var fallbacks = new FallbackCounter(_region);
        var handler = new ScriptedHttpHandler(ByHost([() => ScriptedHttpHandler.Token("regional")], [GlobalToken]));
        var client = Scripted(handler);
        var endpoint = new TokenEndpointClient(new HttpClient(handler), client.Authority, ClientId, new ClientSecretCredential("secret"), TimeProvider.System, null, logger);
        var regional = new RegionalAttempt();
        regional.Started();

        var token = await endpoint.SendAsync(client.KeyFor(new TokenRequestParameters(Scope)), "regional-log", CancellationToken.None, regional);

        Assert.Equal("global", token.Token);
        Assert.Equal(0, RequestsTo(handler, RegionalHost));
        Assert.Equal(["timeout"], fallbacks.Reasons);
        Assert.Equal($"The regional token endpoint {RegionalHost} failed (timeout: an earlier attempt timed out there); this request goes to the global endpoint (client-request-id regional-log).", FallbackLog(logger));
    }

    [Fact]
    public async Task A_429_from_the_regional_endpoint_is_an_answer_so_the_retry_goes_there_again()
    {
        using var fallbacks = new FallbackCounter(_region);
        var handler = new ScriptedHttpHandler(ByHost(
            [() => ScriptedHttpHandler.Json(429, """{"error":"temporarily_unavailable"}""", ("Retry-After", "0")), () => ScriptedHttpHandler.Token("regional-again")],
            [GlobalToken]));

        var token = await Scripted(handler, maxRetries: 1).GetTokenAsync();

        Assert.Equal("regional-again", token.Token);
        Assert.Equal(RegionalRoute.Regional, token.RegionalRoute);
        Assert.Equal(2, RequestsTo(handler, RegionalHost));
        Assert.Equal(0, RequestsTo(handler, GlobalHost));
        Assert.Empty(fallbacks.Reasons);
    }

    [Fact]
    public async Task After_a_fallback_the_retries_of_that_request_stay_on_the_global_endpoint()
    {
        using var fallbacks = new FallbackCounter(_region);
        var handler = new ScriptedHttpHandler(ByHost(
            [() => ScriptedHttpHandler.Json(503, """{"error":"temporarily_unavailable"}""")],
            [() => ScriptedHttpHandler.Json(503, """{"error":"temporarily_unavailable"}"""), GlobalToken]));

        var token = await Scripted(handler, maxRetries: 1).GetTokenAsync();

        Assert.Equal("global", token.Token);
        Assert.Equal(1, RequestsTo(handler, RegionalHost));
        Assert.Equal(2, RequestsTo(handler, GlobalHost));
        Assert.Equal(["server_error"], fallbacks.Reasons);
    }

    /// <summary>Collects the <c>reason</c> of each regional fallback counted for one region.</summary>
    private sealed class FallbackCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<string> _reasons = [];

        public FallbackCounter(string region)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ClientCredentialsTelemetry.Name && instrument.Name == ClientCredentialsTelemetry.RegionalFallbacks)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
            {
                string? tagRegion = null, reason = null;
                foreach (var tag in tags)
                {
                    if (tag.Key == "region") { tagRegion = tag.Value as string; }
                    if (tag.Key == "reason") { reason = tag.Value as string; }
                }

                if (tagRegion == region)
                {
                    lock (_reasons)
                    {
                        _reasons.Add(reason!);
                    }
                }
            });
            _listener.Start();
        }

        public IReadOnlyList<string> Reasons
        {
            get
            {
                lock (_reasons)
                {
                    return [.. _reasons];
                }
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
