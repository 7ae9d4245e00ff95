using System.Net;

namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>
/// The public members the Extensions and Azure packages and the CLI build on (they see the core's public API only):
/// their argument checks and the behaviour those packages rely on.
/// </summary>
public sealed class PackageFacingApiTests
{
    private static readonly Uri Endpoint = new("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");

    [Theory]
    [InlineData("AADSTS7000215: Invalid client secret provided. Trace ID: 0f1e Correlation ID: 9a8b Timestamp: 2025-01-02 03:04:05Z")]
    [InlineData("AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 0f1e\r\nCorrelation ID: 9a8b\r\nTimestamp: 2025-01-02 03:04:05Z")]
    public void ErrorSummary_is_the_description_without_aads_trace_lines_in_either_layout(string description)
    {
        var error = new TokenEndpointError { StatusCode = HttpStatusCode.Unauthorized, Error = "invalid_client", ErrorDescription = description };

        Assert.Equal("AADSTS7000215: Invalid client secret provided.", error.ErrorSummary);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("  ")]
    [InlineData("Trace ID: 0f1e Correlation ID: 9a8b Timestamp: 2025-01-02 03:04:05Z")]
    public void ErrorSummary_is_null_when_the_description_has_no_human_part(string? description)
    {
        var error = new TokenEndpointError { StatusCode = HttpStatusCode.BadRequest, Error = "invalid_request", ErrorDescription = description };

        Assert.Null(error.ErrorSummary);
    }

    [Fact]
    public void ErrorSummary_keeps_a_description_without_trace_lines_collapsing_its_white_space()
    {
        var error = new TokenEndpointError { StatusCode = HttpStatusCode.BadRequest, Error = "invalid_scope", ErrorDescription = "The scope\n  is not valid." };

        Assert.Equal("The scope is not valid.", error.ErrorSummary);
    }

    [Fact]
    public void Validate_without_a_clock_checks_the_certificate_against_the_current_time()
    {
        using var expired = TestCertificates.Rsa(notBefore: DateTimeOffset.UtcNow.AddDays(-30), notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        var credential = new CertificateCredential(expired);

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => credential.Validate(TokenAuthority.Entra("contoso.onmicrosoft.com")));

        Assert.Contains("expired", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Validate_accepts_a_certificate_that_suits_the_authority_at_the_given_time()
    {
        var credential = new CertificateCredential(TestCertificates.SharedRsa2048);

        credential.Validate(TokenAuthority.Entra("contoso.onmicrosoft.com"), TimeProvider.System);
        new ClientSecretCredential("s3cret").Validate(TokenAuthority.TokenEndpoint(Endpoint));
    }

    [Fact]
    public void Validate_refuses_a_missing_authority()
    {
        Assert.Throws<ArgumentNullException>(() => new ClientSecretCredential("s3cret").Validate(null!));
    }

    [Fact]
    public void CreateAssertion_refuses_blank_ids_and_a_relative_endpoint()
    {
        var credential = new CertificateCredential(TestCertificates.SharedRsa2048);
        var now = DateTimeOffset.UtcNow;

        Assert.Throws<ArgumentException>(() => credential.CreateAssertion(" ", Endpoint, AuthorityKind.Entra, now, "jti-1"));
        Assert.Throws<ArgumentException>(() => credential.CreateAssertion("client", Endpoint, AuthorityKind.Entra, now, ""));
        Assert.Throws<ArgumentNullException>(() => credential.CreateAssertion("client", null!, AuthorityKind.Entra, now, "jti-1"));
        Assert.Throws<ArgumentException>(() => credential.CreateAssertion("client", new Uri("/token", UriKind.Relative), AuthorityKind.Entra, now, "jti-1"));
    }

    [Fact]
    public void CreateAssertion_is_a_compact_jws_carrying_the_given_id()
    {
        var credential = new CertificateCredential(TestCertificates.SharedRsa2048);

        var assertion = credential.CreateAssertion("client", Endpoint, AuthorityKind.Entra, DateTimeOffset.UtcNow, "jti-given");

        var parts = assertion.Split('.');
        Assert.Equal(3, parts.Length);
        var payload = System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1]));
        Assert.Contains("\"jti\":\"jti-given\"", payload, StringComparison.Ordinal);
        Assert.Contains($"\"aud\":\"{Endpoint.AbsoluteUri}\"", payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetTokenEndpointAsync_answers_entra_adfs_and_explicit_endpoints_without_a_request()
    {
        using var http = new HttpClient(new RefusingHandler());

        Assert.Equal(Endpoint, await TokenAuthority.Entra("contoso.onmicrosoft.com").GetTokenEndpointAsync(http));
        Assert.Equal(new Uri("https://sts.contoso.com/adfs/oauth2/token"), await TokenAuthority.Adfs(new Uri("https://sts.contoso.com/adfs")).GetTokenEndpointAsync(http));
        Assert.Equal(Endpoint, await TokenAuthority.TokenEndpoint(Endpoint).GetTokenEndpointAsync(http));
    }

    [Fact]
    public void ClaimsChallenge_decodes_base64url_json_and_refuses_what_is_not_a_json_object()
    {
        Assert.True(ClaimsChallenge.TryDecode("eyJhY2Nlc3NfdG9rZW4iOnt9fQ", out var claims));
        Assert.Equal("""{"access_token":{}}""", claims);
        Assert.False(ClaimsChallenge.TryDecode("WzFd", out var notObject));
        Assert.Equal(string.Empty, notObject);
    }

    private sealed class RefusingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException($"No request was expected, got {request.Method} {request.RequestUri}.");
    }
}
