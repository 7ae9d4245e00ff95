using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace ClientCredentials.Emulator.Tests.Infrastructure;

/// <summary>A running emulator and a plain <see cref="HttpClient"/> pointed at it.</summary>
internal sealed class EmulatorHarness : IAsyncDisposable
{
    private EmulatorHarness(EmulatorServer server)
    {
        Server = server;
        Http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    public EmulatorServer Server { get; }

    public HttpClient Http { get; }

    public string Root => Server.BaseAddress.ToString().TrimEnd('/');

    public static async Task<EmulatorHarness> StartAsync(EmulatorOptions? options = null, EmulatorServerSettings? settings = null)
    {
        var server = await EmulatorServer.StartAsync(options ?? TestDirectory.Options(), settings ?? new EmulatorServerSettings());
        return new EmulatorHarness(server);
    }

    public string V2TokenUrl(string tenant = TestDirectory.TenantId) => $"{Root}/{tenant}/oauth2/v2.0/token";

    public string V1TokenUrl(string tenant = TestDirectory.TenantId) => $"{Root}/{tenant}/oauth2/token";

    public Task<EndpointResponse> PostV2Async(IDictionary<string, string> form, string tenant = TestDirectory.TenantId, Action<HttpRequestMessage>? configure = null) =>
        PostAsync($"{tenant}/oauth2/v2.0/token", form, configure);

    public Task<EndpointResponse> PostV1Async(IDictionary<string, string> form, string tenant = TestDirectory.TenantId, Action<HttpRequestMessage>? configure = null) =>
        PostAsync($"{tenant}/oauth2/token", form, configure);

    public async Task<EndpointResponse> PostAsync(string path, IDictionary<string, string> form, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        configure?.Invoke(request);
        return await SendAsync(request);
    }

    public async Task<EndpointResponse> GetAsync(string path, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await SendAsync(request);
    }

    /// <summary>A v2 client-secret request for the sample API.</summary>
    public static Dictionary<string, string> SecretForm(string clientId = TestDirectory.SecretClientId, string secret = TestDirectory.Secret, string scope = TestDirectory.ApiUri + "/.default") => new()
    {
        ["client_id"] = clientId,
        ["client_secret"] = secret,
        ["scope"] = scope,
        ["grant_type"] = "client_credentials",
    };

    /// <summary>A v2 client-assertion request for the sample API.</summary>
    public static Dictionary<string, string> AssertionForm(string clientId, string assertion, string scope = TestDirectory.ApiUri + "/.default") => new()
    {
        ["client_id"] = clientId,
        ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ["client_assertion"] = assertion,
        ["scope"] = scope,
        ["grant_type"] = "client_credentials",
    };

    public async Task<string> GetAccessTokenAsync(string clientId = TestDirectory.SecretClientId, string scope = TestDirectory.ApiUri + "/.default")
    {
        var response = await PostV2Async(SecretForm(clientId, scope: scope));
        Assert.Equal(HttpStatusCode.OK, response.Status);
        return response.String("access_token");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }

    private async Task<EndpointResponse> SendAsync(HttpRequestMessage request)
    {
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        JsonDocument? json = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/json" && body.Length > 0)
        {
            json = JsonDocument.Parse(body);
        }

        return new EndpointResponse(response.StatusCode, json, response.Headers, body);
    }
}

/// <summary>A response read fully: status, headers and JSON body.</summary>
internal sealed record EndpointResponse(HttpStatusCode Status, JsonDocument? Json, HttpResponseHeaders Headers, string Body)
{
    public JsonElement Root => Json?.RootElement ?? throw new InvalidOperationException($"No JSON body (HTTP {(int)Status}): {Body}");

    public string String(string name) => Root.GetProperty(name).GetString()!;

    public string? Header(string name) => Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}

/// <summary>Assertions on AAD-shaped error bodies.</summary>
internal static class AadAssert
{
    public static void Error(EndpointResponse response, HttpStatusCode status, string error, int code)
    {
        Assert.True(response.Status == status, $"Expected HTTP {(int)status} but got {(int)response.Status}: {response.Body}");
        Assert.Equal(error, response.String("error"));
        Assert.Equal([code], response.Root.GetProperty("error_codes").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        Assert.StartsWith($"AADSTS{code}: ", response.String("error_description"), StringComparison.Ordinal);
    }
}
