using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClientCredentials.Security.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace ClientCredentials.Security.Tests;

/// <summary>
/// Attack class: hostile requests to the emulator. Edge time claims, oversized bodies, a forged Host header and an
/// oversized jti each get AAD's error shape with the right reason — never a 500, a bare Kestrel 413, a reset, an
/// unhandled exception in the log, or a token.
/// </summary>
[Collection(AllocationMeasuring.Name)]
public sealed class EmulatorTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private const long MaxNumericDate = 253402300799;
    private const long MinNumericDate = -62135596800;

    public static TheoryData<string, string, long, int> EdgeTimeClaims => new()
    {
        { "certificate", "exp", MaxNumericDate, 50027 },
        { "certificate", "nbf", MinNumericDate, 50027 },
        { "federated", "exp", MaxNumericDate, 70023 },
        { "federated", "nbf", MinNumericDate, 70023 },
    };

    [Theory]
    [MemberData(nameof(EdgeTimeClaims))]
    public async Task A_validly_signed_assertion_with_an_edge_time_claim_gets_the_aad_lifetime_error_not_a_500(string kind, string claim, long value, int code)
    {
        var assertion = kind == "certificate" ? CertificateAssertion(p => p[claim] = value) : FederatedAssertion(p => p[claim] = value);

        var (status, json) = await PostAsync(kind == "certificate" ? TestIds.ClientId : TestIds.FederatedClientId, assertion);

        Assert.True(status is 400 or 401, $"HTTP {status}: {json}");
        Assert.Equal(code, json["error_codes"]![0]!.GetValue<int>());
        Assert.StartsWith($"AADSTS{code}:", json["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
        AssertNoUnhandledErrors();
    }

    [Theory]
    [InlineData("exp", "253402300800")]
    [InlineData("nbf", "-62135596801")]
    [InlineData("exp", "1e300")]
    public async Task A_time_claim_outside_the_calendar_is_refused_for_that_reason(string claim, string value)
    {
        var assertion = CertificateAssertion(p => p[claim] = JsonNode.Parse(value));

        var (status, json) = await PostAsync(TestIds.ClientId, assertion);

        Assert.Equal(401, status);
        Assert.Equal(50027, json["error_codes"]![0]!.GetValue<int>());
        Assert.Contains($"'{claim}'", json["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_over_30_MB_gets_an_aad_shaped_413_and_nothing_is_logged_as_unhandled()
    {
        var padding = new string('a', 31 * 1024 * 1024);
        using var content = new StringContent($"grant_type=client_credentials&client_id={TestIds.ClientId}&pad={padding}", Encoding.ASCII, "application/x-www-form-urlencoded");
        using var http = new HttpClient();

        using var response = await http.PostAsync(emulator.TokenEndpoint, content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("invalid_request", json["error"]!.GetValue<string>());
        Assert.Contains("at most 4 MiB", json["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(json["trace_id"]);
        AssertNoUnhandledErrors();
    }

    [Fact]
    public async Task The_assertion_audience_comes_from_the_emulators_address_not_the_request_host_header()
    {
        const string forgedHost = "evil.example";
        var assertion = CertificateAssertion(p => p["aud"] = $"http://{forgedHost}/{TestIds.TenantId}/oauth2/v2.0/token");
        using var request = new HttpRequestMessage(HttpMethod.Post, emulator.TokenEndpoint) { Content = Form(TestIds.ClientId, assertion) };
        request.Headers.Host = forgedHost;
        using var http = new HttpClient();

        using var response = await http.SendAsync(request);

        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(50012, json["error_codes"]![0]!.GetValue<int>());
        Assert.Null(json["access_token"]);
    }

    [Fact]
    public async Task The_assertion_audience_of_the_emulators_own_address_is_accepted_whatever_the_host_header()
    {
        var assertion = CertificateAssertion(_ => { });
        using var request = new HttpRequestMessage(HttpMethod.Post, emulator.TokenEndpoint) { Content = Form(TestIds.ClientId, assertion) };
        request.Headers.Host = "evil.example";
        using var http = new HttpClient();

        using var response = await http.SendAsync(request);

        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_validly_signed_assertion_with_a_1_MB_jti_is_refused_for_its_jti()
    {
        var assertion = CertificateAssertion(p => p["jti"] = new string('j', 1024 * 1024));

        var (status, json) = await PostAsync(TestIds.ClientId, assertion);

        Assert.Equal(401, status);
        Assert.Equal(50027, json["error_codes"]![0]!.GetValue<int>());
        Assert.Contains("'jti'", json["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("signature", json["error_description"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Request_values_written_to_the_log_are_neutralised()
    {
        var marker = Guid.NewGuid().ToString("N");
        using var content = new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("client_id", $"{marker}\r\n2026-01-01 INFO forged\u001b[2J"), new("client_secret", "x")]);
        using var http = new HttpClient();

        using var response = await http.PostAsync(emulator.TokenEndpoint, content);

        var logged = Assert.Single(emulator.Logs.Events, e => e.Message.Contains(marker, StringComparison.Ordinal));
        TextAssert.Printable(logged.Message, "emulator log event");
    }

    private void AssertNoUnhandledErrors() =>
        Assert.DoesNotContain(emulator.Logs.Events, e => e.Level >= LogLevel.Error);

    private string CertificateAssertion(Action<JsonObject> change)
    {
        var now = DateTimeOffset.UtcNow;
        var payload = new JsonObject
        {
            ["aud"] = emulator.TokenEndpoint.AbsoluteUri,
            ["iss"] = TestIds.ClientId,
            ["sub"] = TestIds.ClientId,
            ["jti"] = Guid.NewGuid().ToString(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(10).ToUnixTimeSeconds(),
        };
        change(payload);
        return SignedJwt.Rs256(new JsonObject { ["x5t#S256"] = SignedJwt.X5tS256(emulator.Certificate) }, payload, emulator.CertificateKey);
    }

    private string FederatedAssertion(Action<JsonObject> change)
    {
        var now = DateTimeOffset.UtcNow;
        var payload = new JsonObject
        {
            ["aud"] = TestIds.FederatedAudience,
            ["iss"] = TestIds.FederatedIssuer,
            ["sub"] = TestIds.FederatedSubject,
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(10).ToUnixTimeSeconds(),
        };
        change(payload);
        return SignedJwt.Rs256([], payload, emulator.FederatedKey);
    }

    private static FormUrlEncodedContent Form(string clientId, string assertion) => new(
    [
        new("client_id", clientId),
        new("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
        new("client_assertion", assertion),
        new("scope", TestIds.Scope),
        new("grant_type", "client_credentials"),
    ]);

    private async Task<(int Status, JsonNode Json)> PostAsync(string clientId, string assertion)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(emulator.TokenEndpoint, Form(clientId, assertion));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        using var _ = JsonDocument.Parse(text);
        return ((int)response.StatusCode, JsonNode.Parse(text)!);
    }
}
