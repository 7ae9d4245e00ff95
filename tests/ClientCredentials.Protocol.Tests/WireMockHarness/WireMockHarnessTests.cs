using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Tests.WireMockHarness;

/// <summary>The harness the other tests stand on: WireMock.Net on loopback, its journal, sequences, delays, and the fault proxy.</summary>
public sealed class WireMockHarnessTests : IDisposable
{
    private readonly LoopbackWireMock _mock = LoopbackWireMock.Start();
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };

    public void Dispose()
    {
        _http.Dispose();
        _mock.Dispose();
    }

    [Fact]
    public void The_server_listens_on_127_0_0_1()
    {
        Assert.Equal("127.0.0.1", _mock.BaseAddress.Host);
        Assert.Equal(_mock.ServerAddress, _mock.BaseAddress);
    }

    [Fact]
    public async Task Token_endpoint_stub_answers_its_status_headers_and_json_body()
    {
        _mock.Stub(
            WireMockResponses.Post("/tenant-a/oauth2/v2.0/token"),
            WireMockResponses.Json(200, WireMockResponses.AccessTokenBody("token-value", 3599), new Dictionary<string, string> { ["x-ms-request-id"] = "req-1" }));

        using var response = await _http.PostAsync(_mock.Url("tenant-a/oauth2/v2.0/token"), new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("req-1", Assert.Single(response.Headers.GetValues("x-ms-request-id")));
        Assert.Equal("""{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"token-value"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Journal_records_form_fields_in_order_and_headers_case_insensitively()
    {
        _mock.Stub(WireMockResponses.Post("/tenant-b/oauth2/v2.0/token"), WireMockResponses.AccessToken("t"));
        using var request = new HttpRequestMessage(HttpMethod.Post, _mock.Url("tenant-b/oauth2/v2.0/token?x=1"))
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
        var recorded = Assert.Single(_mock.Requests);

        Assert.Equal("POST", recorded.Method);
        Assert.Equal("/tenant-b/oauth2/v2.0/token?x=1", recorded.Url);
        Assert.Equal(_mock.Url("tenant-b/oauth2/v2.0/token?x=1"), recorded.AbsoluteUrl);
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
    public async Task Requests_are_journaled_oldest_first_matched_or_not()
    {
        _mock.Stub(WireMockResponses.Post("/tenant-c/oauth2/v2.0/token"), WireMockResponses.AccessToken("t"));

        for (var i = 0; i < 3; i++)
        {
            using var ok = await _http.PostAsync(_mock.Url("tenant-c/oauth2/v2.0/token"), new FormUrlEncodedContent([]));
        }

        using var unmatched = await _http.DeleteAsync(_mock.Url("not-stubbed"));

        Assert.Equal(HttpStatusCode.NotFound, unmatched.StatusCode);
        Assert.Equal(4, _mock.RequestCount);
        Assert.Equal(
            ["POST /tenant-c/oauth2/v2.0/token", "POST /tenant-c/oauth2/v2.0/token", "POST /tenant-c/oauth2/v2.0/token", "DELETE /not-stubbed"],
            _mock.Requests.Select(r => r.ToString()));
        Assert.Equal("DELETE /not-stubbed", Assert.Single(_mock.UnmatchedRequests).ToString());
    }

    [Fact]
    public async Task A_sequence_answers_in_order_keeps_repeating_its_last_answer_and_restarts_when_scenarios_are_reset()
    {
        const string path = "/tenant-d/oauth2/v2.0/token";
        _mock.StubSequence(
            WireMockResponses.Post(path),
            WireMockResponses.Json(500, new JsonObject { ["error"] = "temporarily_unavailable" }),
            WireMockResponses.Json(503, new JsonObject { ["error"] = "temporarily_unavailable" }),
            WireMockResponses.AccessToken("t"));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add(await PostStatusAsync(path));
        }

        _mock.Server.ResetScenarios();
        statuses.Add(await PostStatusAsync(path));

        Assert.Equal(
            [HttpStatusCode.InternalServerError, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.InternalServerError],
            statuses);
    }

    [Fact]
    public async Task Each_server_has_its_own_stubs_and_journal()
    {
        using var other = LoopbackWireMock.Start();
        other.Stub(WireMockResponses.Post("/token"), WireMockResponses.AccessToken("t"));

        using var here = await _http.PostAsync(_mock.Url("token"), new FormUrlEncodedContent([]));
        using var there = await _http.PostAsync(other.Url("token"), new FormUrlEncodedContent([]));

        Assert.NotEqual(_mock.BaseAddress, other.BaseAddress);
        Assert.Equal(HttpStatusCode.NotFound, here.StatusCode);
        Assert.Equal(HttpStatusCode.OK, there.StatusCode);
        Assert.Equal(1, _mock.RequestCount);
        Assert.Equal(1, other.RequestCount);
    }

    [Fact]
    public async Task A_fixed_delay_trips_a_shorter_client_timeout_but_the_response_still_arrives_for_a_patient_client()
    {
        _mock.Stub(WireMockResponses.Post("/slow/oauth2/v2.0/token"), WireMockResponses.AccessToken("t").DelayedBy(TimeSpan.FromSeconds(2)));
        using var impatient = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromMilliseconds(200) };

        var timeout = await Assert.ThrowsAsync<TaskCanceledException>(() => impatient.PostAsync(_mock.Url("slow/oauth2/v2.0/token"), new FormUrlEncodedContent([])));
        using var response = await _http.PostAsync(_mock.Url("slow/oauth2/v2.0/token"), new FormUrlEncodedContent([]));

        Assert.IsType<TimeoutException>(timeout.InnerException);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_delayed_request_is_journaled_when_it_arrives_not_when_it_is_answered()
    {
        _mock.Stub(WireMockResponses.Post("/slow"), WireMockResponses.AccessToken("t").DelayedBy(TimeSpan.FromSeconds(30)));
        using var abandon = new CancellationTokenSource();
        var pending = _http.PostAsync(_mock.Url("slow"), new FormUrlEncodedContent([]), abandon.Token);

        await _mock.WaitForRequestsAsync(1);

        Assert.False(pending.IsCompleted);
        Assert.Equal("POST /slow", Assert.Single(_mock.Requests).ToString());
        await abandon.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
    }

    [Fact]
    public async Task Disposing_the_server_stops_it_and_its_proxy()
    {
        var stopped = LoopbackWireMock.StartWithNetworkFaults();
        var marker = Guid.NewGuid().ToString("N");
        stopped.Stub(WireMockResponses.Get("/marker"), WireMockResponses.Text(200, marker));
        var addresses = new[] { stopped.BaseAddress, stopped.ServerAddress };
        foreach (var address in addresses)
        {
            Assert.Equal(marker, await _http.GetStringAsync(new Uri(address, "marker")));
        }

        stopped.Dispose();

        Assert.False(stopped.Server.IsStarted);
        foreach (var address in addresses)
        {
            // Refused, unless a server of a test running in parallel got the freed port; either way not this one.
            try
            {
                using var response = await _http.GetAsync(new Uri(address, "marker"));
                Assert.NotEqual(marker, await response.Content.ReadAsStringAsync());
            }
            catch (HttpRequestException refused)
            {
                Assert.Equal(SocketError.ConnectionRefused, Assert.IsType<SocketException>(refused.InnerException).SocketErrorCode);
            }
        }
    }

    private async Task<HttpStatusCode> PostStatusAsync(string path)
    {
        using var response = await _http.PostAsync(_mock.Url(path), new FormUrlEncodedContent([]));
        return response.StatusCode;
    }
}

/// <summary>The socket front that carries out network faults and dribbled bodies, and passes everything else through unchanged.</summary>
public sealed class NetworkFaultProxyTests : IDisposable
{
    private readonly LoopbackWireMock _mock = LoopbackWireMock.StartWithNetworkFaults();
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };

    public void Dispose()
    {
        _http.Dispose();
        _mock.Dispose();
    }

    [Fact]
    public async Task Requests_and_answers_pass_through_unchanged_and_WireMock_journals_them()
    {
        _mock.Stub(
            WireMockResponses.Post("/t/oauth2/v2.0/token"),
            WireMockResponses.Text(429, "Too many requests", "text/plain", new Dictionary<string, string> { ["Retry-After"] = "7" }));
        using var request = new HttpRequestMessage(HttpMethod.Post, _mock.Url("t/oauth2/v2.0/token?q=1"))
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("scope", "a b")]),
        };
        request.Headers.Add("client-request-id", "abc");

        using var response = await _http.SendAsync(request);

        Assert.NotEqual(_mock.ServerAddress, _mock.BaseAddress);
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("7", response.Headers.GetValues("Retry-After").Single());
        Assert.Equal("Too many requests", await response.Content.ReadAsStringAsync());
        var recorded = Assert.Single(_mock.Requests);
        Assert.Equal("/t/oauth2/v2.0/token?q=1", recorded.Url);
        Assert.Equal("abc", recorded.GetHeader("client-request-id"));
        Assert.Equal("grant_type=client_credentials&scope=a+b", recorded.Body);
    }

    [Fact]
    public async Task Connection_reset_fault_surfaces_as_a_socket_reset()
    {
        _mock.Stub(WireMockResponses.Post("/reset"), WireMockResponses.NetworkFault(NetworkFault.ConnectionResetByPeer));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => _http.PostAsync(_mock.Url("reset"), new FormUrlEncodedContent([])));

        Assert.Equal(SocketError.ConnectionReset, FindSocketError(error));
        Assert.Equal(1, _mock.RequestCount);
    }

    [Theory]
    [InlineData(NetworkFault.EmptyResponse)]
    [InlineData(NetworkFault.RandomDataThenClose)]
    public async Task Faults_that_close_before_a_status_line_surface_as_a_response_that_ended(NetworkFault fault)
    {
        _mock.Stub(WireMockResponses.Post("/closing"), WireMockResponses.NetworkFault(fault));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => _http.PostAsync(_mock.Url("closing"), new FormUrlEncodedContent([])));

        Assert.Equal(HttpRequestError.ResponseEnded, error.HttpRequestError);
        Assert.Equal(1, _mock.RequestCount);
    }

    [Fact]
    public async Task Malformed_chunk_fault_sends_a_200_status_then_fails_while_the_body_is_read()
    {
        _mock.Stub(WireMockResponses.Post("/chunk"), WireMockResponses.NetworkFault(NetworkFault.MalformedResponseChunk));

        using var request = new HttpRequestMessage(HttpMethod.Post, _mock.Url("chunk")) { Content = new FormUrlEncodedContent([]) };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpRequestError.ResponseEnded, Assert.IsType<HttpIOException>(error.InnerException).HttpRequestError);
    }

    [Fact]
    public async Task A_fault_stub_reached_without_the_proxy_answers_599_saying_how_to_start_the_server()
    {
        _mock.Stub(WireMockResponses.Post("/reset"), WireMockResponses.NetworkFault(NetworkFault.ConnectionResetByPeer));

        using var direct = await _http.PostAsync(new Uri(_mock.ServerAddress, "reset"), new FormUrlEncodedContent([]));

        Assert.Equal(599, (int)direct.StatusCode);
        Assert.Contains(nameof(LoopbackWireMock.StartWithNetworkFaults), await direct.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dribbled_body_arrives_in_pieces_after_the_headers()
    {
        var body = new string('x', 400);
        _mock.Stub(WireMockResponses.Post("/dribble"), WireMockResponses.Text(200, body).WithBodyDribbled(4, TimeSpan.FromSeconds(2)));

        using var request = new HttpRequestMessage(HttpMethod.Post, _mock.Url("dribble")) { Content = new FormUrlEncodedContent([]) };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var first = new byte[body.Length];
        var firstRead = await stream.ReadAsync(first);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.InRange(firstRead, 1, body.Length - 1);
        Assert.Equal(body[firstRead..], await new StreamReader(stream).ReadToEndAsync());
    }

    [Fact]
    public async Task Forty_concurrent_clients_waiting_on_a_delayed_stub_are_all_answered()
    {
        _mock.Stub(WireMockResponses.Post("/busy"), WireMockResponses.AccessToken("t").DelayedBy(TimeSpan.FromMilliseconds(500)));
        using var handler = new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 64 };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };

        var statuses = await Task.WhenAll(Enumerable.Range(0, 40).Select(async _ =>
        {
            using var response = await client.PostAsync(_mock.Url("busy"), new FormUrlEncodedContent([]));
            return response.StatusCode;
        }));

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(40, _mock.RequestCount);
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
