using System.Net;
using System.Runtime.CompilerServices;
using ClientCredentials.Protocol.Testing;
using Microsoft.Extensions.DependencyInjection;
using Polly;

namespace ClientCredentials.Protocol.Tests.Resilience;

/// <summary>
/// The client sends through one HttpClient for its lifetime: the caller's, one from IHttpClientFactory, or its own
/// shared one. The resilience pipeline is the caller's to replace.
/// </summary>
public sealed class HttpClientTests : IDisposable
{
    private readonly LoopbackWireMock _mock = LoopbackWireMock.Start();

    public void Dispose() => _mock.Dispose();

    [Fact]
    public async Task Every_request_goes_through_the_callers_HttpClient()
    {
        _mock.AnswerInOrder(ResilienceTestClient.Error(500, "server_error", 90033), ResilienceTestClient.Ok("via-caller"));
        var sent = new StrongBox<int>();
        using var http = new HttpClient(new CountingHandler(sent) { InnerHandler = new SocketsHttpHandler { UseProxy = false } });
        var client = ResilienceTestClient.Create(_mock, httpClient: http);

        var first = await client.GetTokenAsync();
        var refreshed = await client.GetTokenAsync(new TokenRequestParameters(ResilienceTestClient.Scope) { ForceRefresh = true });

        Assert.Equal("via-caller", first.Token);
        Assert.Equal(TokenSource.IdentityProvider, refreshed.Source);
        Assert.Equal(3, sent.Value);
        Assert.Equal(3, _mock.RequestCount);
    }

    [Fact]
    public async Task An_HttpClient_from_IHttpClientFactory_works_with_its_handler_pipeline()
    {
        _mock.AnswerAlways(ResilienceTestClient.Ok("via-factory"));
        var sent = new StrongBox<int>();
        var services = new ServiceCollection();
        services.AddHttpClient("token-endpoint").AddHttpMessageHandler(() => new CountingHandler(sent));
        await using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IHttpClientFactory>();
        var client = ResilienceTestClient.Create(_mock, httpClient: factory.CreateClient("token-endpoint"));

        var token = await client.GetTokenAsync();
        var hit = await client.GetTokenAsync();

        Assert.Equal("via-factory", token.Token);
        Assert.Equal(TokenSource.Cache, hit.Source);
        Assert.Equal(1, sent.Value);
        Assert.Equal(1, _mock.RequestCount);
    }

    [Fact]
    public async Task A_caller_pipeline_replaces_the_built_in_retries()
    {
        _mock.AnswerInOrder(ResilienceTestClient.Error(500, "server_error", 90033), ResilienceTestClient.Ok("never-reached"));
        var client = ResilienceTestClient.Create(_mock, pipeline: ResiliencePipeline<AccessToken>.Empty);

        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await client.GetTokenAsync());

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Equal(1, _mock.RequestCount);
    }
}
