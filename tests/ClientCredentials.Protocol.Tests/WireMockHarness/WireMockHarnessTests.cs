using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using ClientCredentials.Protocol.Testing;
using Xunit.Abstractions;

namespace ClientCredentials.Protocol.Tests.WireMockHarness;

/// <summary>The shared-server harness: stubs, journal, scenarios, faults and delays, each test in its own scope.</summary>
public sealed class WireMockHarnessTests(WireMockFixture wireMock) : IClassFixture<WireMockFixture>, IAsyncLifetime, IDisposable
{
    private readonly WireMockTestScope _scope = wireMock.CreateScope();
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _scope.DisposeAsync().AsTask();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Token_endpoint_stub_answers_its_status_headers_and_json_body()
    {
        var path = _scope.Path("tenant-a/oauth2/v2.0/token");
        await _scope.AddMappingAsync(WireMockMapping.TokenEndpoint(
            path, 200, WireMockMapping.AccessTokenBody("token-value", 3599), new Dictionary<string, string> { ["x-ms-request-id"] = "req-1" }));

        using var response = await _http.PostAsync(_scope.Url("tenant-a/oauth2/v2.0/token"), new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("req-1", Assert.Single(response.Headers.GetValues("x-ms-request-id")));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Bearer", body["token_type"]!.GetValue<string>());
        Assert.Equal(3599, body["expires_in"]!.GetValue<int>());
        Assert.Equal("token-value", body["access_token"]!.GetValue<string>());
    }

    [Fact]
    public async Task Journal_records_form_fields_in_order_and_headers_case_insensitively()
    {
        var path = _scope.Path("tenant-b/oauth2/v2.0/token");
        await _scope.AddMappingAsync(WireMockMapping.TokenEndpoint(path, 200, WireMockMapping.AccessTokenBody("t")));
        using var request = new HttpRequestMessage(HttpMethod.Post, _scope.Url("tenant-b/oauth2/v2.0/token"))
        {
            Content = new FormUrlEncodedContent(
            [
                new("client_id", "app-1"),
                new("client_secret", "s3cr3t&=+"),
                new("scope", "https://graph.microsoft.com/.default openid"),
                new("grant_type", "client_credentials"),
            ]),
        };
        request.Headers.Add("client-request-id", "5b1c3a36-0000-4000-8000-000000000001");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.TryAddWithoutValidation("x-ms-lib-capability", "retry-after, h429");

        using var response = await _http.SendAsync(request);
        var recorded = Assert.Single(await _scope.GetRequestsAsync());

        Assert.Equal("POST", recorded.Method);
        Assert.Equal(path, recorded.Url);
        Assert.Equal(new Uri(wireMock.Server.BaseAddress, path), recorded.AbsoluteUrl);
        Assert.Equal("5b1c3a36-0000-4000-8000-000000000001", recorded.GetHeader("Client-Request-Id"));
        Assert.Equal("retry-after, h429", recorded.GetHeader("X-MS-LIB-CAPABILITY"));
        Assert.Equal("application/json", recorded.GetHeader("accept"));
        Assert.Null(recorded.GetHeader("Authorization"));
        var form = recorded.ReadForm();
        Assert.Equal(["client_id", "client_secret", "scope", "grant_type"], form.Names);
        Assert.Equal("s3cr3t&=+", form["client_secret"]);
        Assert.Equal("https://graph.microsoft.com/.default openid", form["scope"]);
        Assert.Contains("client_secret=s3cr3t%26%3D%2B", recorded.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_are_counted_by_pattern_and_per_scope()
    {
        var tokenPath = _scope.Path("tenant-c/oauth2/v2.0/token");
        await _scope.AddMappingAsync(WireMockMapping.TokenEndpoint(tokenPath, 200, WireMockMapping.AccessTokenBody("t")));

        for (var i = 0; i < 3; i++)
        {
            using var ok = await _http.PostAsync(_scope.Url("tenant-c/oauth2/v2.0/token"), new FormUrlEncodedContent([]));
        }

        using var unmatched = await _http.GetAsync(_scope.Url("not-stubbed"));

        Assert.Equal(HttpStatusCode.NotFound, unmatched.StatusCode);
        Assert.Equal(3, await wireMock.Server.CountRequestsAsync(new JsonObject { ["method"] = "POST", ["urlPath"] = tokenPath }));
        Assert.Equal(0, await wireMock.Server.CountRequestsAsync(new JsonObject { ["method"] = "GET", ["urlPath"] = tokenPath }));
        Assert.Equal(4, await _scope.CountRequestsAsync());
    }

    [Fact]
    public async Task Scenario_sequence_answers_500_then_200_and_restarts_when_its_state_is_reset()
    {
        var path = _scope.Path("tenant-d/oauth2/v2.0/token");
        var scenario = _scope.ScenarioName("retry");
        await _scope.AddMappingsAsync(WireMockMapping.Sequence(
            scenario,
            WireMockMapping.TokenEndpoint(path, 500, new JsonObject { ["error"] = "temporarily_unavailable" }),
            WireMockMapping.TokenEndpoint(path, 200, WireMockMapping.AccessTokenBody("t"))));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add(await PostStatusAsync(path));
        }

        await wireMock.Server.SetScenarioStateAsync(scenario, WireMockMapping.ScenarioStartedState);
        statuses.Add(await PostStatusAsync(path));

        Assert.Equal([HttpStatusCode.InternalServerError, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.InternalServerError], statuses);
    }

    [Fact]
    public async Task Connection_reset_fault_surfaces_as_a_socket_reset()
    {
        var path = _scope.Path("reset/oauth2/v2.0/token");
        await _scope.AddMappingAsync(WireMockMapping.Fault("POST", path, WireMockFault.ConnectionResetByPeer));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => _http.PostAsync(_scope.Url("reset/oauth2/v2.0/token"), new FormUrlEncodedContent([])));

        Assert.Equal(SocketError.ConnectionReset, FindSocketError(error));
        Assert.Equal(1, await _scope.CountRequestsAsync());
    }

    [Theory]
    [InlineData(WireMockFault.EmptyResponse)]
    [InlineData(WireMockFault.RandomDataThenClose)]
    public async Task Faults_that_close_before_a_status_line_surface_as_a_response_that_ended(WireMockFault fault)
    {
        var path = _scope.Path("closing/oauth2/v2.0/token");
        await _scope.AddMappingAsync(WireMockMapping.Fault("POST", path, fault));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => _http.PostAsync(_scope.Url("closing/oauth2/v2.0/token"), new FormUrlEncodedContent([])));

        Assert.Equal(HttpRequestError.ResponseEnded, error.HttpRequestError);
        Assert.Equal(1, await _scope.CountRequestsAsync());
    }

    [Fact]
    public async Task Malformed_chunk_fault_sends_a_200_status_then_fails_while_the_body_is_read()
    {
        var path = _scope.Path("chunk/oauth2/v2.0/token");
        await _scope.AddMappingAsync(WireMockMapping.Fault("POST", path, WireMockFault.MalformedResponseChunk));

        using var request = new HttpRequestMessage(HttpMethod.Post, _scope.Url("chunk/oauth2/v2.0/token")) { Content = new FormUrlEncodedContent([]) };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpRequestError.ResponseEnded, Assert.IsType<HttpIOException>(error.InnerException).HttpRequestError);
    }

    [Fact]
    public async Task Fixed_delay_trips_a_shorter_client_timeout_but_the_response_still_arrives_for_a_patient_client()
    {
        var path = _scope.Path("slow/oauth2/v2.0/token");
        await _scope.AddMappingAsync(WireMockMapping.TokenEndpoint(path, 200, WireMockMapping.AccessTokenBody("t")).WithFixedDelay(TimeSpan.FromSeconds(2)));
        using var impatient = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromMilliseconds(200) };

        var timeout = await Assert.ThrowsAsync<TaskCanceledException>(() => impatient.PostAsync(_scope.Url("slow/oauth2/v2.0/token"), new FormUrlEncodedContent([])));
        using var response = await _http.PostAsync(_scope.Url("slow/oauth2/v2.0/token"), new FormUrlEncodedContent([]));

        Assert.IsType<TimeoutException>(timeout.InnerException);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Forty_concurrent_clients_waiting_on_a_delayed_stub_are_all_answered()
    {
        var path = _scope.Path("busy/oauth2/v2.0/token");
        await _scope.AddMappingAsync(WireMockMapping.TokenEndpoint(path, 200, WireMockMapping.AccessTokenBody("t")).WithFixedDelay(TimeSpan.FromMilliseconds(500)));
        using var handler = new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 64 };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };

        var statuses = await Task.WhenAll(Enumerable.Range(0, 40).Select(async _ =>
        {
            using var response = await client.PostAsync(_scope.Url("busy/oauth2/v2.0/token"), new FormUrlEncodedContent([]));
            return response.StatusCode;
        }));

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(40, await _scope.CountRequestsAsync());
    }

    [Fact]
    public async Task Disposing_a_scope_removes_only_its_own_stubs_and_journal_entries()
    {
        var other = wireMock.CreateScope();
        await using var survivor = wireMock.CreateScope();
        await other.AddMappingAsync(WireMockMapping.TokenEndpoint(other.Path("token"), 200, WireMockMapping.AccessTokenBody("t")));
        await survivor.AddMappingAsync(WireMockMapping.TokenEndpoint(survivor.Path("token"), 200, WireMockMapping.AccessTokenBody("t")));
        Assert.Equal(HttpStatusCode.OK, await PostStatusAsync(other.Path("token")));
        Assert.Equal(HttpStatusCode.OK, await PostStatusAsync(survivor.Path("token")));

        await other.DisposeAsync();

        Assert.Equal(0, await other.CountRequestsAsync());
        Assert.Equal(HttpStatusCode.NotFound, await PostStatusAsync(other.Path("token")));
        Assert.Equal(HttpStatusCode.OK, await PostStatusAsync(survivor.Path("token")));
        Assert.Equal(2, await survivor.CountRequestsAsync());
    }

    [Fact]
    public async Task Scope_refuses_a_stub_outside_its_prefix()
    {
        var outside = WireMockMapping.TokenEndpoint("/tenant/oauth2/v2.0/token", 200, WireMockMapping.AccessTokenBody("t"));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => _scope.AddMappingAsync(outside));

        Assert.Contains(_scope.PathPrefix, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_mapping_json_is_reported_with_WireMocks_answer()
    {
        var error = await Assert.ThrowsAsync<WireMockAdminException>(() => wireMock.Server.AddMappingAsync(
            $$$"""{"request":{"method":"POST","urlPath":"{{{_scope.Path("x")}}}"},"response":{"status":"not-a-number"}}"""));

        Assert.False(((int)error.StatusCode) is >= 200 and < 300);
        Assert.Contains("/__admin/mappings", error.Message, StringComparison.Ordinal);
    }

    private static SocketError? FindSocketError(Exception error)
    {
        for (Exception? inner = error; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return socket.SocketErrorCode;
            }
        }

        return null;
    }

    private async Task<HttpStatusCode> PostStatusAsync(string path)
    {
        using var response = await _http.PostAsync(new Uri(wireMock.Server.BaseAddress, path), new FormUrlEncodedContent([]));
        return response.StatusCode;
    }
}

/// <summary>A WireMock server private to one test class, for tests that reset the whole server (the class runs its tests serially).</summary>
public sealed class PrivateWireMockServer : IAsyncLifetime
{
    public WireMockServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await WireMockServer.StartAsync();

    public Task DisposeAsync() => Server.DisposeAsync().AsTask();
}

/// <summary>Starting, resetting and stopping a server, and the errors that say what is missing.</summary>
public sealed class WireMockServerLifecycleTests(PrivateWireMockServer privateServer, ITestOutputHelper output)
    : IClassFixture<PrivateWireMockServer>, IDisposable
{
    private readonly WireMockServer _server = privateServer.Server;
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Reset_removes_every_stub_every_journal_entry_and_scenario_state()
    {
        await _server.AddMappingsAsync(WireMockMapping.Sequence(
            "s", WireMockMapping.Json("GET", "/a", 503, new JsonObject()), WireMockMapping.Json("GET", "/a", 200, new JsonObject())));
        using (await _http.GetAsync(new Uri(_server.BaseAddress, "/a")))
        {
        }

        await _server.ResetAsync();

        Assert.Empty(await _server.GetRequestsAsync());
        using var afterReset = await _http.GetAsync(new Uri(_server.BaseAddress, "/a"));
        Assert.Equal(HttpStatusCode.NotFound, afterReset.StatusCode);
        await _server.AddMappingsAsync(WireMockMapping.Sequence(
            "s", WireMockMapping.Json("GET", "/a", 503, new JsonObject()), WireMockMapping.Json("GET", "/a", 200, new JsonObject())));
        using var firstOfNewSequence = await _http.GetAsync(new Uri(_server.BaseAddress, "/a"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, firstOfNewSequence.StatusCode);
        await _server.ResetAsync();
    }

    [Fact]
    public async Task Journal_lists_every_request_oldest_first_including_unmatched_ones()
    {
        await _server.ResetAsync();
        await _server.AddMappingAsync("""{"request":{"method":"GET","urlPath":"/first"},"response":{"status":204}}""");

        using (await _http.GetAsync(new Uri(_server.BaseAddress, "/first?x=1")))
        using (await _http.DeleteAsync(new Uri(_server.BaseAddress, "/second")))
        {
        }

        var requests = await _server.GetRequestsAsync();
        Assert.Equal(["GET /first?x=1", "DELETE /second"], requests.Select(r => r.ToString()));
        await _server.ResetAsync();
    }

    [Fact]
    public async Task Disposing_the_server_stops_the_java_process()
    {
        var stopped = await WireMockServer.StartAsync();
        var address = stopped.BaseAddress;
        output.WriteLine($"WireMock startup: {stopped.StartupTime.TotalMilliseconds:0} ms");

        await stopped.DisposeAsync();

        using var client = new TcpClient();
        var refused = await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(address.Host, address.Port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task A_wrong_jar_path_fails_fast_with_a_typed_error_naming_the_path_and_the_fix()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-dir", "wiremock-standalone-0.0.0.jar");

        var error = await Assert.ThrowsAsync<WireMockJarNotFoundException>(() => WireMockServer.StartAsync(new WireMockServerOptions { JarPath = missing }));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("npm ci", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_java_path_fails_fast_with_a_typed_error_saying_how_to_install_java()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-jdk", "bin", "java");

        var error = await Assert.ThrowsAsync<JavaRuntimeNotFoundException>(() => WireMockServer.StartAsync(new WireMockServerOptions { JavaPath = missing }));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("openjdk-17-jre-headless", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_a_jar_fails_startup_with_javas_own_complaint()
    {
        var notAJar = Path.Combine(Path.GetTempPath(), $"not-a-jar-{Guid.NewGuid():N}.jar");
        await File.WriteAllTextAsync(notAJar, "this is not a zip file");
        try
        {
            var error = await Assert.ThrowsAsync<WireMockStartupException>(() => WireMockServer.StartAsync(new WireMockServerOptions { JarPath = notAJar }));

            Assert.Contains("exited with code", error.Message, StringComparison.Ordinal);
            Assert.Contains("err|", error.ProcessOutput, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(notAJar);
        }
    }
}

/// <summary>Decoding of recorded <c>application/x-www-form-urlencoded</c> bodies.</summary>
public sealed class FormUrlEncodedBodyTests
{
    [Fact]
    public void Parse_keeps_wire_order_and_repeats_and_decodes_plus_and_percent_escapes()
    {
        var form = FormUrlEncodedBody.Parse("scope=a+b%2F.default&flag&resource=x&resource=y&empty=");

        Assert.Equal(["scope", "flag", "resource", "resource", "empty"], form.Names);
        Assert.Equal("a b/.default", form["scope"]);
        Assert.Equal(string.Empty, form["flag"]);
        Assert.Equal(["x", "y"], form.GetValues("resource"));
        Assert.Throws<InvalidOperationException>(() => form["resource"]);
        Assert.Throws<KeyNotFoundException>(() => form["client_secret"]);
        Assert.False(form.Contains("client_secret"));
    }
}
