using System.Net;
using ClientCredentials.Protocol;
using ClientCredentials.Protocol.Extensions;
using ClientCredentials.Security.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClientCredentials.Security.Tests;

/// <summary>
/// Attack class: a hostile resource server. The API the handler's HttpClient calls (127.0.0.1) redirects to another
/// host (127.0.0.2), which answers 401. The token is for the request URI the caller sent: the other host never gets
/// it, and its 401 never makes the handler invalidate the real token, fetch a new one or resend anything — for every
/// redirect status, with the default primary handler and with a caller's handler that follows redirects.
/// </summary>
public sealed class HostileResourceServerTests
{
    public static TheoryData<int, string> RedirectsAndHandlers()
    {
        var data = new TheoryData<int, string>();
        foreach (var status in new[] { 301, 302, 303, 307, 308 })
        {
            foreach (var handler in new[] { PrimaryHandler.Default, PrimaryHandler.SocketsFollowingRedirects, PrimaryHandler.HttpClientHandlerFollowingRedirects })
            {
                data.Add(status, handler);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RedirectsAndHandlers))]
    public async Task A_401_from_the_host_a_redirect_led_to_neither_receives_the_token_nor_triggers_a_new_one(int status, string primaryHandler)
    {
        await using var tokenEndpoint = await LoopbackServer.StartAsync(LoopbackServer.First, Replies.CountingTokens("api-token"));
        await using var elsewhere = await LoopbackServer.StartAsync(LoopbackServer.Second, Replies.Status(401, "Bearer error=\"invalid_token\""));
        await using var api = await LoopbackServer.StartAsync(LoopbackServer.First, Replies.Redirect(status, elsewhere.Url("collect")));
        var logs = new CapturedLogs();
        await using var services = Services(tokenEndpoint, api, primaryHandler, logs);
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient("orders-api");

        using var first = await http.PostAsync("orders", new StringContent("{\"order\":1}"));
        using var second = await http.PostAsync("orders", new StringContent("{\"order\":2}"));

        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Single(tokenEndpoint.Requests); // no new token: the real one was neither invalidated nor replaced
        Assert.Equal(2, api.Requests.Count);
        Assert.All(api.Requests, r => Assert.Equal("Bearer api-token-1", r.Authorization));
        Assert.Equal(2, elsewhere.Requests.Count); // followed once per call by the primary handler, never resent by ours
        Assert.All(elsewhere.Requests, r => Assert.Null(r.Authorization));
        Assert.Equal(2, logs.Events.Count(e => e.EventId == 3008));
    }

    [Fact]
    public async Task A_401_from_the_api_itself_still_refreshes_the_token_once()
    {
        await using var tokenEndpoint = await LoopbackServer.StartAsync(LoopbackServer.First, Replies.CountingTokens("api-token"));
        await using var api = await LoopbackServer.StartAsync(LoopbackServer.First, Replies.Status(401, "Bearer error=\"invalid_token\""));
        await using var services = Services(tokenEndpoint, api, PrimaryHandler.Default, new CapturedLogs());
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient("orders-api");

        using var response = await http.PostAsync("orders", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(2, tokenEndpoint.Requests.Count);
        Assert.Equal(["Bearer api-token-1", "Bearer api-token-2"], api.Requests.Select(r => r.Authorization));
    }

    [Fact]
    public async Task A_redirect_to_the_other_host_that_answers_200_still_carries_no_token_there()
    {
        await using var tokenEndpoint = await LoopbackServer.StartAsync(LoopbackServer.First, Replies.CountingTokens("api-token"));
        await using var elsewhere = await LoopbackServer.StartAsync(LoopbackServer.Second, Replies.Status(200));
        await using var api = await LoopbackServer.StartAsync(LoopbackServer.First, Replies.Redirect(307, elsewhere.Url("collect")));
        await using var services = Services(tokenEndpoint, api, PrimaryHandler.Default, new CapturedLogs());
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient("orders-api");

        using var response = await http.PostAsync("orders", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(Assert.Single(elsewhere.Requests).Authorization);
    }

    private static ServiceProvider Services(LoopbackServer tokenEndpoint, LoopbackServer api, string primaryHandler, CapturedLogs logs)
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(logs);
        services.AddClientCredentials("orders", options =>
        {
            options.TokenEndpoint = tokenEndpoint.Url("token").AbsoluteUri;
            options.ClientId = TestIds.ClientId;
            options.Credential = new ClientSecretCredential(TestIds.Secret);
            options.Scopes = [TestIds.Scope];
        });
        var builder = services.AddHttpClient("orders-api", client => client.BaseAddress = api.BaseAddress).AddClientCredentialsHandler("orders");
        switch (primaryHandler)
        {
            case PrimaryHandler.SocketsFollowingRedirects:
                builder.ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = true, MaxAutomaticRedirections = 5 });
                break;
            case PrimaryHandler.HttpClientHandlerFollowingRedirects:
                builder.ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler { AllowAutoRedirect = true });
                break;
        }

        return services.BuildServiceProvider();
    }

    /// <summary>Which primary handler the API's HttpClient has.</summary>
    public static class PrimaryHandler
    {
        public const string Default = "IHttpClientFactory default";
        public const string SocketsFollowingRedirects = "caller's SocketsHttpHandler following redirects";
        public const string HttpClientHandlerFollowingRedirects = "caller's HttpClientHandler following redirects";
    }
}
