using System.Net;
using System.Net.Http.Headers;
using ClientCredentials.Emulator.Tests.Infrastructure;

namespace ClientCredentials.Emulator.Tests;

/// <summary>
/// Token request bodies that are not a readable form (found by the form fuzz target: a multipart body cut before its
/// closing boundary made the endpoint fail with HTTP 500): AAD-shaped 400 invalid_request, AADSTS90023.
/// </summary>
public sealed class MalformedFormBodyTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorHarness _emulator = fixture.Emulator;

    [Theory]
    [InlineData("multipart/form-data; boundary=b0", "--b0\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nclient_cred")]
    [InlineData("multipart/form-data; boundary=b0", "--b0\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nclient_credentials\r\n--b0\r\n")]
    [InlineData("multipart/form-data", "--b0\r\n\r\n--b0--\r\n")]
    public async Task A_body_that_is_not_a_readable_form_is_AADSTS90023(string contentType, string body)
    {
        var response = await _emulator.PostV2Async(new Dictionary<string, string>(), configure: request =>
        {
            request.Content = new StringContent(body);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        });

        AadAssert.Error(response, HttpStatusCode.BadRequest, "invalid_request", 90023);
        Assert.Contains("not a valid form", response.String("error_description"), StringComparison.Ordinal);
    }
}
