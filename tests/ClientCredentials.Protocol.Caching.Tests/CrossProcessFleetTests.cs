using ClientCredentials.Protocol.Caching.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;

namespace ClientCredentials.Protocol.Caching.Tests;

/// <summary>
/// The fleet as separate OS processes (K instances of the FleetMember program) against one Redis-protocol server and
/// one WireMock.Net token endpoint: one token request for the whole fleet, a restart served from the store, a server
/// killed mid-run that no caller notices.
/// </summary>
[Collection(CrossProcessCollection.Name)]
public sealed class CrossProcessFleetTests : IAsyncLifetime
{
    private readonly LoopbackWireMock _endpoint = LoopbackWireMock.Start();
    private readonly string _keyRing = Directory.CreateTempSubdirectory("ccp-fleet-keys-").FullName;
    private readonly string _prefix = $"x{Guid.NewGuid():N}:";
    private RedisServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await RedisServer.StartAsync();

        // Create the fleet's one key before the instances start, as a deployment provisions its shared key ring.
        DataProtectionProvider.Create(new DirectoryInfo(_keyRing), b => b.SetApplicationName("fleet-member")).CreateProtector("warm-up").Protect([1]);
    }

    public async Task DisposeAsync()
    {
        _endpoint.Dispose();
        await _server.DisposeAsync();
        Directory.Delete(_keyRing, recursive: true);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    public async Task Cold_instances_started_at_once_send_one_token_request_and_a_restart_sends_none(int instances)
    {
        // A token endpoint as slow as a busy Entra: every instance misses and looks for a lease while the first request runs.
        _endpoint.Stub(WireMockResponses.Post(FleetKit.TokenPath), WireMockResponses.AccessToken(FleetKit.NewToken()).DelayedBy(TimeSpan.FromMilliseconds(300)));
        var fleet = await StartFleetAsync(instances, operationTimeoutMs: 2000);
        try
        {
            await Task.WhenAll(fleet.Select(member => member.SendAsync("get")));
            var answers = await Task.WhenAll(fleet.Select(member => member.ReadLineAsync()));

            Assert.All(answers, answer => Assert.StartsWith("token ", answer, StringComparison.Ordinal));
            Assert.Single(answers.Select(answer => answer.Split(' ')[2]).Distinct());
            Assert.Single(answers, answer => answer.Contains(" IdentityProvider ", StringComparison.Ordinal));
            Assert.Equal(instances - 1, answers.Count(answer => answer.Contains(" DistributedCache ", StringComparison.Ordinal)));
            Assert.Equal(1, _endpoint.RequestCount);

            await fleet[0].DisposeAsync();
            fleet[0] = await FleetMemberProcess.StartAsync(_server.Configuration, _endpoint.BaseAddress, _prefix, _keyRing, 2000);
            await fleet[0].SendAsync("get");
            Assert.StartsWith("token DistributedCache ", await fleet[0].ReadLineAsync(), StringComparison.Ordinal);
            Assert.Equal(1, _endpoint.RequestCount);
        }
        finally
        {
            await Task.WhenAll(fleet.Select(member => member.DisposeAsync().AsTask()));
        }
    }

    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    public async Task Instances_past_the_refresh_point_at_once_send_one_request_for_the_refresh_and_all_take_its_token(int instances)
    {
        // The refresh answer is slow, so the other instances find its lease held and wait for its token.
        _endpoint.StubSequence(
            WireMockResponses.Post(FleetKit.TokenPath),
            WireMockResponses.AccessToken("first-" + FleetKit.NewToken(), expiresInSeconds: 3600),
            WireMockResponses.AccessToken("refreshed-" + FleetKit.NewToken(), expiresInSeconds: 3600).DelayedBy(TimeSpan.FromMilliseconds(300)),
            WireMockResponses.AccessToken("extra-" + FleetKit.NewToken(), expiresInSeconds: 3600));
        var clockStart = DateTimeOffset.UtcNow;
        var fleet = await Task.WhenAll(Enumerable.Range(0, instances).Select(_ => FleetMemberProcess.StartAsync(_server.Configuration, _endpoint.BaseAddress, _prefix, _keyRing, 2000, clockStart)));
        try
        {
            var cold = await AskAllAsync(fleet, "get");
            var firstToken = Assert.Single(cold.Select(answer => answer.Split(' ')[2]).Distinct());
            Assert.Equal(1, _endpoint.RequestCount);

            // Half-life of a one-hour token is 30 minutes: 31 minutes on, every hit starts a refresh ahead of expiry.
            Assert.All(await AskAllAsync(fleet, "advance 1860"), answer => Assert.Equal("advanced", answer));
            var duringRefresh = await AskAllAsync(fleet, "get");
            Assert.All(duringRefresh, answer => Assert.Equal($"token Cache {firstToken}", answer));
            Assert.All(await AskAllAsync(fleet, "settle"), answer => Assert.Equal("settled", answer));

            var refreshed = await AskAllAsync(fleet, "get");
            var refreshedToken = Assert.Single(refreshed.Select(answer => answer.Split(' ')[2]).Distinct());
            Assert.NotEqual(firstToken, refreshedToken);
            Assert.All(refreshed, answer => Assert.StartsWith("token Cache ", answer, StringComparison.Ordinal));
            Assert.Equal(2, _endpoint.RequestCount);
        }
        finally
        {
            await Task.WhenAll(fleet.Select(member => member.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task The_store_holds_no_part_of_the_token_and_a_changed_byte_makes_a_restarted_instance_ask_again()
    {
        var token = FleetKit.NewToken();
        _endpoint.Stub(WireMockResponses.Post(FleetKit.TokenPath), WireMockResponses.AccessToken(token));
        await using var redis = await _server.ConnectAsync();
        var member = await FleetMemberProcess.StartAsync(_server.Configuration, _endpoint.BaseAddress, _prefix, _keyRing, 2000);
        try
        {
            await member.SendAsync("get");
            Assert.StartsWith("token IdentityProvider ", await member.ReadLineAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await member.DisposeAsync();
        }

        var database = redis.GetDatabase();
        var key = Assert.Single(await ListKeysAsync(redis));
        var value = (byte[])(await database.StringGetAsync(key))!;
        RedisSecondLevelTests.AssertHoldsNoPartOf(value, token, minimumLength: 9);
        RedisSecondLevelTests.AssertHoldsNoPartOf(value, FleetKit.Secret, minimumLength: 9);
        RedisSecondLevelTests.AssertHoldsNoPartOf(value, TestIds.SecretAppId, minimumLength: 9);

        value[^3] ^= 0x01;
        await database.StringSetAsync(key, value, TimeSpan.FromMinutes(5));
        member = await FleetMemberProcess.StartAsync(_server.Configuration, _endpoint.BaseAddress, _prefix, _keyRing, 2000);
        try
        {
            await member.SendAsync("get");
            Assert.StartsWith("token IdentityProvider ", await member.ReadLineAsync(), StringComparison.Ordinal);
            Assert.Equal(2, _endpoint.RequestCount);
        }
        finally
        {
            await member.DisposeAsync();
        }
    }

    [Fact]
    public async Task Killing_the_server_in_the_middle_of_a_run_makes_no_caller_see_an_error()
    {
        _endpoint.Stub(WireMockResponses.Post(FleetKit.TokenPath), WireMockResponses.AccessToken(FleetKit.NewToken()));
        var fleet = await StartFleetAsync(4, operationTimeoutMs: 50);
        try
        {
            for (var round = 0; round < 12; round++)
            {
                if (round == 6)
                {
                    _server.Kill();
                }

                // Each round is a new key for every instance: a memory miss that goes to the store (alive, then dead).
                await Task.WhenAll(fleet.Select(member => member.SendAsync($"get-scope {round}")));
                var answers = await Task.WhenAll(fleet.Select(member => member.ReadLineAsync()));
                Assert.All(answers, answer => Assert.StartsWith("token ", answer, StringComparison.Ordinal));
                Assert.Single(answers.Select(answer => answer.Split(' ')[2]).Distinct());
            }
        }
        finally
        {
            await Task.WhenAll(fleet.Select(member => member.DisposeAsync().AsTask()));
        }
    }

    /// <summary>Sends <paramref name="command"/> to every instance at once and reads each answer.</summary>
    private static async Task<string[]> AskAllAsync(FleetMemberProcess[] fleet, string command)
    {
        await Task.WhenAll(fleet.Select(member => member.SendAsync(command)));
        return await Task.WhenAll(fleet.Select(member => member.ReadLineAsync()));
    }

    private async Task<FleetMemberProcess[]> StartFleetAsync(int instances, int operationTimeoutMs) =>
        await Task.WhenAll(Enumerable.Range(0, instances).Select(_ => FleetMemberProcess.StartAsync(_server.Configuration, _endpoint.BaseAddress, _prefix, _keyRing, operationTimeoutMs)));

    private async Task<List<string>> ListKeysAsync(StackExchange.Redis.IConnectionMultiplexer redis)
    {
        var keys = new List<string>();
        await foreach (var key in redis.GetServer(redis.GetEndPoints()[0]).KeysAsync(pattern: _prefix + "t:*"))
        {
            keys.Add(key.ToString());
        }

        return keys;
    }
}

/// <summary>The cross-process tests start many processes: they run one class at a time, not beside each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CrossProcessCollection
{
    public const string Name = "Cross-process fleet";
}
