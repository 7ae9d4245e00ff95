// One instance of a fleet: builds a client whose memory cache has a DistributedTokenCache on Redis, prints "ready",
// then answers one line per command read from stdin:
//   get            -> "token <source> <fingerprint>" for the configured scope (once stored), or "error <type>"
//   get-scope <n>  -> the same for the scope https://fleet<n>.example/.default (a new key: a miss in memory)
//   advance <s>    -> moves the fleet clock on by s seconds (only with a clock start), "advanced"
//   settle         -> "settled" once no background refresh, store write or lease release is under way
//   exit           -> ends the process
// Arguments: <redis configuration> <token endpoint instance URL> <key prefix> <key ring directory> <operation timeout ms>
//            [<fleet clock start, Unix ms>]
// With a clock start, the client and its memory cache run on a FakeTimeProvider that every instance of the test starts
// at the same instant and moves on by the same commands: the fleet passes a token's refresh point at once, without
// waiting real time. The store calls keep the real clock for their timeouts, lease expiry and polls.
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ClientCredentials.Protocol;
using ClientCredentials.Protocol.Caching;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

if (args.Length is not (5 or 6))
{
    Console.Error.WriteLine("usage: FleetMember <redis configuration> <instance URL> <key prefix> <key ring directory> <operation timeout ms> [<clock start, Unix ms>]");
    return 2;
}

var fleetClock = args.Length == 6 ? new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(args[5], CultureInfo.InvariantCulture))) : null;

var redis = await ConnectionMultiplexer.ConnectAsync(args[0]);
var protector = DataProtectionProvider.Create(new DirectoryInfo(args[3]), builder => builder.SetApplicationName("fleet-member"))
    .CreateProtector(DistributedTokenCache.ProtectorPurpose);
var secondLevel = DistributedTokenCache.OnRedis(redis, protector, new DistributedTokenCacheOptions
{
    KeyPrefix = args[2],
    OperationTimeout = TimeSpan.FromMilliseconds(int.Parse(args[4], CultureInfo.InvariantCulture)),
    LeasePollInterval = TimeSpan.FromMilliseconds(50),
});
var cache = new TokenCache(new TokenCacheOptions { SecondLevel = secondLevel }, fleetClock);
var client = new ClientCredentialsClient(new ClientCredentialsClientOptions
{
    Authority = TokenAuthority.Entra("11111111-1111-1111-1111-111111111111", args[1]),
    ClientId = "aaaaaaaa-0000-0000-0000-000000000001",
    Credential = new ClientSecretCredential("fleet-secret-Value-7f3a9c21d4e8b6"),
    Scopes = ["https://graph.microsoft.com/.default"],
    Cache = cache,
    TimeProvider = fleetClock,
});

Console.WriteLine("ready");
while (Console.ReadLine() is { } command)
{
    if (command == "exit")
    {
        break;
    }

    if (command.StartsWith("advance ", StringComparison.Ordinal) && fleetClock is not null)
    {
        fleetClock.Advance(TimeSpan.FromSeconds(int.Parse(command["advance ".Length..], CultureInfo.InvariantCulture)));
        Console.WriteLine("advanced");
        continue;
    }

    if (command == "settle")
    {
        await cache.WhenIdleAsync();
        await secondLevel.WhenIdleAsync();
        Console.WriteLine("settled");
        continue;
    }

    try
    {
        var token = command.StartsWith("get-scope ", StringComparison.Ordinal)
            ? await client.GetTokenAsync(new TokenRequestParameters([$"https://fleet{command["get-scope ".Length..]}.example/.default"]))
            : await client.GetTokenAsync();
        await secondLevel.WhenIdleAsync(); // answer once the token is in the store, so the next instance can find it
        var fingerprint = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token.Token)))[..16];
        Console.WriteLine($"token {token.Source} {fingerprint}");
    }
    catch (Exception ex)
    {
        Console.WriteLine($"error {ex.GetType().Name}");
    }
}

await redis.DisposeAsync();
return 0;
