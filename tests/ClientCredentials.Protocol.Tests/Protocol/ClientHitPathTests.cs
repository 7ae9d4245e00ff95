using System.Net;
using System.Text;

namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>The client's own layer on the hit path: it must not add allocations on top of the cache's.</summary>
public class ClientHitPathTests
{
    private static ClientCredentialsClient Client(CannedTokenEndpoint endpoint) => new(new ClientCredentialsClientOptions
    {
        Authority = TokenAuthority.TokenEndpoint(new Uri("https://idp.example.com/token")),
        ClientId = "svc",
        Credential = new ClientSecretCredential("pw"),
        Scopes = ["default"],
        HttpClient = new HttpClient(endpoint),
    });

    private static long AllocatedDuring(int calls, Func<ValueTask<AccessToken>> call)
    {
        for (var i = 0; i < 1_000; i++)
        {
            Assert.True(call().IsCompletedSuccessfully);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < calls; i++)
        {
            var pending = call();
            Assert.True(pending.IsCompletedSuccessfully);
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public async Task A_hit_with_the_default_scopes_allocates_nothing()
    {
        var endpoint = new CannedTokenEndpoint();
        var client = Client(endpoint);
        await client.GetTokenAsync();
        Assert.Equal(0, AllocatedDuring(10_000, () => client.GetTokenAsync()));
        Assert.Equal(1, endpoint.Requests);
    }

    [Fact]
    public async Task A_hit_with_a_reused_parameters_object_allocates_nothing()
    {
        var endpoint = new CannedTokenEndpoint();
        var client = Client(endpoint);
        var parameters = new TokenRequestParameters("orders.read", "orders.write");
        await client.GetTokenAsync(parameters);
        Assert.Equal(0, AllocatedDuring(10_000, () => client.GetTokenAsync(parameters)));
        Assert.Equal(1, endpoint.Requests);
    }

    [Fact]
    public async Task A_hit_with_a_reused_parameters_object_that_carries_a_correlation_id_allocates_nothing()
    {
        var endpoint = new CannedTokenEndpoint();
        var client = Client(endpoint);
        var parameters = new TokenRequestParameters("orders.read") { CorrelationId = "job-2026-11-22-0001" };
        var acquired = await client.GetTokenAsync(parameters);
        Assert.Equal(0, AllocatedDuring(10_000, () => client.GetTokenAsync(parameters)));
        Assert.Equal(1, endpoint.Requests);
        Assert.Equal("job-2026-11-22-0001", endpoint.LastClientRequestId);
        Assert.Equal("job-2026-11-22-0001", acquired.CorrelationId);
    }

    [Fact]
    public async Task Without_a_correlation_id_each_request_of_a_reused_parameters_object_sends_a_new_one()
    {
        var endpoint = new CannedTokenEndpoint();
        var client = Client(endpoint);
        var parameters = new TokenRequestParameters("orders.read") { ForceRefresh = true };

        await client.GetTokenAsync(parameters);
        var first = endpoint.LastClientRequestId;
        await client.GetTokenAsync(parameters);

        Assert.Equal(2, endpoint.Requests);
        Assert.True(Guid.TryParse(first, out _), $"client-request-id '{first}'");
        Assert.NotEqual(first, endpoint.LastClientRequestId);
    }

    [Fact]
    public async Task Equal_parameters_in_new_objects_share_one_cached_token()
    {
        var endpoint = new CannedTokenEndpoint();
        var client = Client(endpoint);
        var first = await client.GetTokenAsync(new TokenRequestParameters("b", "a"));
        var second = await client.GetTokenAsync(new TokenRequestParameters("a", "b"));
        Assert.Equal(first.Token, second.Token);
        Assert.Equal(TokenSource.Cache, second.Source);
        Assert.Equal(1, endpoint.Requests);
    }

    [Fact]
    public async Task A_hit_for_another_tenant_with_a_reused_parameters_object_allocates_nothing_among_many_tenants()
    {
        var endpoint = new CannedTokenEndpoint();
        var client = new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = TokenAuthority.Entra(TestIds.TenantId),
            ClientId = TestIds.SecretAppId,
            Credential = new ClientSecretCredential("pw"),
            Scopes = ["https://graph.microsoft.com/.default"],
            HttpClient = new HttpClient(endpoint),
        });
        for (var i = 0; i < 200; i++)
        {
            await client.GetTokenAsync(new TokenRequestParameters("https://graph.microsoft.com/.default") { Tenant = $"00000000-0000-0000-0000-{i:D12}" });
        }

        var parameters = new TokenRequestParameters("https://graph.microsoft.com/.default") { Tenant = "00000000-0000-0000-0000-000000000100" };
        var token = await client.GetTokenAsync(parameters);

        Assert.Equal(TokenSource.Cache, token.Source);
        Assert.Equal(0, AllocatedDuring(10_000, () => client.GetTokenAsync(parameters)));
        Assert.Equal(200, endpoint.Requests);
    }

    [Fact]
    public async Task A_copy_of_a_reused_parameters_object_is_its_own_request_and_one_object_serves_two_clients()
    {
        var endpoint = new CannedTokenEndpoint();
        var first = Client(endpoint);
        var second = Client(endpoint);
        var parameters = new TokenRequestParameters("orders.read");

        var fromFirst = await first.GetTokenAsync(parameters);
        var fromSecond = await second.GetTokenAsync(parameters);
        var other = await first.GetTokenAsync(parameters with { Scopes = ["orders.write"] });
        var again = await first.GetTokenAsync(parameters);

        Assert.Equal(3, endpoint.Requests);
        Assert.NotEqual(fromFirst.Token, fromSecond.Token);
        Assert.NotEqual(fromFirst.Token, other.Token);
        Assert.Equal(fromFirst.Token, again.Token);
        Assert.Equal(parameters, parameters with { });
    }

    private sealed class CannedTokenEndpoint : HttpMessageHandler
    {
        private int _requests;

        public int Requests => _requests;

        public string? LastClientRequestId { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            LastClientRequestId = request.Headers.TryGetValues("client-request-id", out var ids) ? ids.Single() : null;
            var n = Interlocked.Increment(ref _requests);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent($$"""{"token_type":"Bearer","expires_in":3599,"access_token":"token-{{n}}"}""", Encoding.UTF8, "application/json"),
            });
        }
    }
}
