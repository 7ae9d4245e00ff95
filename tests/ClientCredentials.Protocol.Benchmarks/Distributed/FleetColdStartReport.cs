using System.Diagnostics;
using System.Globalization;
using ClientCredentials.Protocol.Benchmarks.Fakes;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using StackExchange.Redis;

namespace ClientCredentials.Protocol.Benchmarks.Distributed;

/// <summary>
/// Fleet cold start: K = 2, 4, 8 separate OS processes (this program in its <c>fleet-member</c> mode), each a cold
/// instance with its own memory, start against one Garnet and one counting token endpoint on 127.0.0.1, are released
/// at once, and each asks for the same token. Separate processes, because that is what a fleet is (no shared memory,
/// own connections, own start-up); the count is the token requests the endpoint saw. This library: DistributedTokenCache
/// on Redis (lease per key). Microsoft.Identity.Web: MSAL.NET with <c>AddDistributedTokenCache</c> over RedisCache
/// (its defaults: L1 on, not encrypted). A count, not a time: outside BenchmarkDotNet.
/// </summary>
internal static class FleetColdStartReport
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(120);

    public static async Task RunAsync(int[] fleetSizes, int trials, TimeSpan endpointDelay)
    {
        using var garnet = new GarnetOnLoopback();
        var token = new string('t', 1_800);
        using var endpoint = new CountingTokenEndpoint(token, endpointDelay);
        var keyRing = Directory.CreateTempSubdirectory("ccp-fleet-bench-keys-");
        try
        {
            // The fleet's one Data Protection key, created before the instances start (as a deployment provisions it).
            SharedKeyRing(keyRing.FullName).CreateProtector("warm-up").Protect([1]);

            Console.WriteLine($"Token endpoint delay {endpointDelay.TotalMilliseconds:N0} ms, {trials} trial(s) per cell, a 1,800-character token.");
            Console.WriteLine();
            Console.WriteLine("| Contender | Instances (processes) | Token requests (median) | min–max | Answers from the endpoint / the store |");
            Console.WriteLine("|---|---:|---:|---:|---|");
            foreach (var instances in fleetSizes)
            {
                foreach (var contender in new[] { "ours", "miw" })
                {
                    var counts = new List<int>();
                    var sources = new List<string>();
                    for (var trial = 0; trial < trials; trial++)
                    {
                        var before = endpoint.TokenRequests;
                        var answers = await RunTrialAsync(contender, instances, garnet, endpoint, keyRing.FullName, $"fleet{Guid.NewGuid():N}:");
                        counts.Add(endpoint.TokenRequests - before);
                        sources.Add($"{answers.Count(a => a == "IdentityProvider")}/{answers.Count(a => a is "DistributedCache" or "Cache")}");
                    }

                    counts.Sort();
                    var name = contender == "ours" ? "ClientCredentials.Protocol (DistributedTokenCache on Redis)" : "Microsoft.Identity.Web 4.18 (AddDistributedTokenCache, RedisCache)";
                    Console.WriteLine($"| {name} | {instances} | {counts[counts.Count / 2]} | {counts[0]}–{counts[^1]} | {string.Join(", ", sources)} |");
                }
            }

            if (endpoint.OtherRequests != 0)
            {
                throw new InvalidOperationException($"{endpoint.OtherRequests} requests other than token requests reached the endpoint.");
            }
        }
        finally
        {
            keyRing.Delete(recursive: true);
        }
    }

    /// <summary>The child side: one cold instance. Prints "ready", waits for "go", gets the token, prints its source.</summary>
    public static async Task<int> RunMemberAsync(string[] args)
    {
        if (args.Length != 6)
        {
            Console.Error.WriteLine("usage: fleet-member <ours|miw> <redis configuration> <endpoint port> <key prefix> <key ring directory>");
            return 2;
        }

        var (contender, configuration, port, prefix, keyRing) = (args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture), args[4], args[5]);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        Func<Task<string>> acquire;
        if (contender == "ours")
        {
            // The Entra authority on the loopback instance (http is accepted for loopback only). This client refuses an
            // answer from another URL than the one it posted to, so it is not redirected as MSAL.NET is below.
            var authority = TokenAuthority.Entra(BenchmarkTenant.TenantId, $"http://127.0.0.1:{port}/");
            var (client, _, level) = DistributedContenders.OursOnRedis(new SocketsHttpHandler { UseProxy = false }, redis, prefix, SharedKeyRing(keyRing), authority);
            acquire = async () =>
            {
                var token = await client.GetTokenAsync();
                await level.WhenIdleAsync();
                return token.Source.ToString();
            };
        }
        else
        {
            var store = new RedisCache(new RedisCacheOptions { InstanceName = prefix, ConnectionMultiplexerFactory = () => Task.FromResult<IConnectionMultiplexer>(redis) });
            var app = DistributedContenders.Miw(new LoopbackRedirectHandler(port), store, disableL1: false, encrypt: false);
            acquire = async () => (await app.AcquireTokenForClient([BenchmarkTenant.Scope]).ExecuteAsync()).AuthenticationResultMetadata.TokenSource switch
            {
                Microsoft.Identity.Client.TokenSource.IdentityProvider => "IdentityProvider",
                _ => "DistributedCache",
            };
        }

        Console.WriteLine("ready");
        if (Console.ReadLine() != "go")
        {
            return 1;
        }

        try
        {
            Console.WriteLine(await acquire());
        }
        catch (Exception ex)
        {
            Console.WriteLine($"error {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}");
        }

        Console.ReadLine();
        return 0;
    }

    private static IDataProtectionProvider SharedKeyRing(string directory) =>
        DataProtectionProvider.Create(new DirectoryInfo(directory), builder => builder.SetApplicationName("ccp-fleet-benchmark"));

    private static async Task<string[]> RunTrialAsync(string contender, int instances, GarnetOnLoopback garnet, CountingTokenEndpoint endpoint, string keyRing, string prefix)
    {
        var members = await Task.WhenAll(Enumerable.Range(0, instances).Select(_ => StartMemberAsync(contender, garnet.Configuration, endpoint.Port, prefix, keyRing)));
        try
        {
            await Task.WhenAll(members.Select(m => m.StandardInput.WriteLineAsync("go")));
            var answers = await Task.WhenAll(members.Select(m => ReadLineAsync(m)));
            var failed = answers.FirstOrDefault(a => a.StartsWith("error", StringComparison.Ordinal));
            return failed is null ? answers : throw new InvalidOperationException($"A {contender} instance failed: {failed}.");
        }
        finally
        {
            foreach (var member in members)
            {
                await StopAsync(member);
            }
        }
    }

    private static async Task<Process> StartMemberAsync(string contender, string redis, int port, string prefix, string keyRing)
    {
        var host = Environment.ProcessPath ?? "dotnet";
        List<string> arguments = Path.GetFileNameWithoutExtension(host) == "dotnet" ? [typeof(FleetColdStartReport).Assembly.Location] : [];
        arguments.AddRange(["fleet-member", contender, redis, port.ToString(CultureInfo.InvariantCulture), prefix, keyRing]);
        var process = Process.Start(new ProcessStartInfo(host, arguments) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false })
            ?? throw new InvalidOperationException("A fleet member did not start.");
        var ready = await ReadLineAsync(process);
        return ready == "ready" ? process : throw new InvalidOperationException($"A fleet member answered \"{ready}\" instead of \"ready\".");
    }

    private static async Task<string> ReadLineAsync(Process process)
    {
        using var timeout = new CancellationTokenSource(AnswerTimeout);
        return await process.StandardOutput.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("A fleet member ended without answering.");
    }

    private static async Task StopAsync(Process process)
    {
        try
        {
            await process.StandardInput.WriteLineAsync("exit");
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            process.Kill(entireProcessTree: true);
        }
        finally
        {
            process.Dispose();
        }
    }
}
