using System.Text;
using System.Text.Json.Nodes;
using ClientCredentials.Protocol.Extensions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClientCredentials.Protocol.Extensions.Tests.Infrastructure;

/// <summary>
/// A generic host built the way a service builds it: configuration from a JSON document (an in-memory stream), the
/// client registered by name, an HttpClient named <c>api</c> for the test API with the client credentials handler.
/// </summary>
public sealed class TestHost : IAsyncDisposable
{
    private TestHost(IHost host, TokenRequestLog tokenRequests, CapturingLoggerProvider logs)
    {
        Host = host;
        TokenRequests = tokenRequests;
        Logs = logs;
    }

    public IHost Host { get; }

    public IServiceProvider Services => Host.Services;

    public TokenRequestLog TokenRequests { get; }

    public CapturingLoggerProvider Logs { get; }

    public HttpClient ApiClient => Services.GetRequiredService<IHttpClientFactory>().CreateClient("api");

    /// <summary>Configuration for one Entra client named <paramref name="name"/> against the emulator.</summary>
    public static JsonObject EntraClient(LoopbackFixture fixture, string clientId, JsonArray credentials, string name = "api") => new()
    {
        ["ClientCredentials"] = new JsonObject
        {
            [name] = new JsonObject
            {
                ["Instance"] = fixture.Emulator.BaseAddress.ToString(),
                ["TenantId"] = LoopbackFixture.TenantId,
                ["ClientId"] = clientId,
                ["Scopes"] = new JsonArray(LoopbackFixture.ApiScope),
                ["Credentials"] = credentials,
            },
        },
    };

    public static JsonArray Secret(string secret) => new(new JsonObject { ["SourceType"] = "ClientSecret", ["ClientSecret"] = secret });

    /// <summary>Builds and starts the host; <c>StartAsync</c> runs options validation (ValidateOnStart).</summary>
    public static async Task<TestHost> StartAsync(LoopbackFixture fixture, JsonNode configuration, Action<IServiceCollection>? configure = null, string clientName = "api")
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(configuration.ToJsonString())));
        var logs = new CapturingLoggerProvider();
        builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
        var tokenRequests = new TokenRequestLog();
        builder.Services.AddSingleton(tokenRequests);
        builder.Services.AddHttpClient(ClientCredentialsDefaults.TokenEndpointHttpClientName)
            .AddHttpMessageHandler(provider => new TokenRequestRecorder(provider.GetRequiredService<TokenRequestLog>()));

        builder.Services.AddClientCredentials(clientName);
        builder.Services.AddHttpClient("api", client =>
        {
            client.BaseAddress = fixture.Api.BaseAddress;
            client.Timeout = TimeSpan.FromSeconds(30);
        }).AddClientCredentialsHandler(clientName);
        configure?.Invoke(builder.Services);

        var host = builder.Build();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await host.StartAsync(timeout.Token);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new TestHost(host, tokenRequests, logs);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await Host.StopAsync(timeout.Token);
        Host.Dispose();
    }
}
