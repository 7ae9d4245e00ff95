using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ClientCredentials.Protocol;
using ClientCredentials.Protocol.Soak;
using ClientCredentials.Protocol.Testing;

// Bounded soak: many token calls over many keys from concurrent workers against WireMock.Net answering ~10 % faults.
// Exit code 0 only when every call ended in time with a token or a typed error and no expired token was returned.
SoakSettings settings;
try
{
    settings = SoakSettings.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 64;
}

var time = TimeProvider.System;
Console.WriteLine("Starting WireMock.Net in process, with its fault proxy (requests are counted by the client's handler)...");
using var mock = LoopbackWireMock.StartWithNetworkFaults();
FaultStubs.Register(mock, "/soak/token");

using var handler = new DieRollHandler(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
var client = new ClientCredentialsClient(new ClientCredentialsClientOptions
{
    Authority = TokenAuthority.TokenEndpoint(mock.Url("soak/token")),
    ClientId = "soak-client",
    Credential = new ClientSecretCredential("soak-secret"),
    HttpClient = http,
    Resilience = settings.Resilience,
    CacheOptions = settings.Cache,
    TimeProvider = time,
});
var keys = Enumerable.Range(0, settings.Keys)
    .Select(k => new TokenRequestParameters($"api://soak/key-{k:D4}.read"))
    .ToArray();

var deadline = settings.Resilience.TotalTimeout + settings.DeadlineSlack;
var durations = new long[settings.Calls];
var errors = new ConcurrentDictionary<string, int>();
long tokens = 0, fromServer = 0, extended = 0, expiredReturned = 0, lateCalls = 0, untyped = 0, nextCall = -1;
var interval = settings.Duration / settings.Calls;
var started = time.GetTimestamp();
using var watchdog = new CancellationTokenSource(settings.Duration + TimeSpan.FromMinutes(2), time);

Console.WriteLine($"{settings.Calls:N0} calls over {settings.Keys:N0} keys from {settings.Workers} workers, spread over {settings.Duration.TotalSeconds:0} s; " +
                  $"attempt timeout {settings.Resilience.AttemptTimeout.TotalSeconds:0.#} s, deadline {settings.Resilience.TotalTimeout.TotalSeconds:0.#} s, " +
                  $"{settings.Resilience.MaxRetries} retries; faults on {FaultStubs.FaultRolls}/256 = {FaultStubs.FaultRolls / 256.0:P1} of requests.");

var workers = Enumerable.Range(0, settings.Workers).Select(_ => Task.Run(WorkAsync)).ToArray();
var finished = await Task.WhenAny(Task.WhenAll(workers), Task.Delay(Timeout.InfiniteTimeSpan, watchdog.Token).ContinueWith(_ => { }, TaskScheduler.Default));
var elapsed = time.GetElapsedTime(started);
if (!workers.All(w => w.IsCompleted))
{
    Console.Error.WriteLine($"ABORTED: the workers did not finish within {settings.Duration + TimeSpan.FromMinutes(2)}.");
    return 2;
}

await Task.WhenAll(workers);
var completed = Interlocked.Read(ref nextCall) + 1;
Array.Sort(durations);
double Percentile(double p) => time.GetElapsedTime(0, durations[Math.Min(durations.Length - 1, (int)(p * durations.Length))]).TotalMilliseconds;
var meanLifetime = TimeSpan.FromSeconds(14);
var lowerBound = settings.Keys * (long)Math.Ceiling(elapsed / TimeSpan.FromSeconds(20));
var idealMinimum = (long)(settings.Keys * (elapsed / meanLifetime));
var failures = errors.Values.Sum();

Console.WriteLine();
Console.WriteLine($"Run time                         {elapsed.TotalSeconds:0.0} s");
Console.WriteLine($"Calls                            {completed:N0} ({tokens:N0} tokens, {failures:N0} typed errors, {untyped:N0} untyped errors)");
Console.WriteLine($"  tokens from the server         {fromServer:N0}; extended-lifetime fallbacks {extended:N0}");
foreach (var (type, count) in errors.OrderByDescending(e => e.Value))
{
    Console.WriteLine($"  {type,-30} {count:N0}");
}

Console.WriteLine($"Call duration ms                 p50 {Percentile(0.50):0.###}  p99 {Percentile(0.99):0.###}  p99.9 {Percentile(0.999):0.#}  max {Percentile(1):0.#}");
Console.WriteLine($"Calls over deadline + slack      {lateCalls:N0} (limit {deadline.TotalSeconds:0.#} s)");
Console.WriteLine($"Expired tokens returned          {expiredReturned:N0}");
Console.WriteLine($"Requests reaching the server     {handler.Sent:N0}");
foreach (var (outcome, count) in handler.Outcomes.OrderByDescending(o => o.Value))
{
    Console.WriteLine($"  {outcome,-30} {count:N0}");
}

Console.WriteLine($"  minimum, mean lifetime 14 s    {idealMinimum:N0} (keys x run time / 14 s); ratio {handler.Sent / (double)idealMinimum:0.00}");
Console.WriteLine($"  lower bound, all tokens 20 s   {lowerBound:N0}");
var ok = lateCalls == 0 && expiredReturned == 0 && untyped == 0 && completed == settings.Calls;
Console.WriteLine(ok ? "RESULT: PASS" : "RESULT: FAIL");
return ok ? 0 : 1;

async Task WorkAsync()
{
    while (true)
    {
        var call = Interlocked.Increment(ref nextCall);
        if (call >= settings.Calls)
        {
            Interlocked.Decrement(ref nextCall);
            return;
        }

        var due = interval * call - time.GetElapsedTime(started);
        if (due > TimeSpan.FromMilliseconds(1))
        {
            await Task.Delay(due, time);
        }

        var key = keys[Random.Shared.Next(keys.Length)];
        var callStarted = time.GetTimestamp();
        try
        {
            var token = await client.GetTokenAsync(key);
            var now = time.GetUtcNow();
            Interlocked.Increment(ref tokens);
            if (token.ExpiresOn <= now)
            {
                Interlocked.Increment(ref expiredReturned);
            }

            if (token.Source == TokenSource.IdentityProvider)
            {
                Interlocked.Increment(ref fromServer);
            }

            if (token.IsExtendedLifetime)
            {
                Interlocked.Increment(ref extended);
            }
        }
        catch (ClientCredentialsException e)
        {
            errors.AddOrUpdate(e is TokenEndpointUnreachableException { TimedOut: true } ? "TokenEndpointUnreachable (timed out)" : e.GetType().Name, 1, static (_, n) => n + 1);
        }
        catch (Exception e)
        {
            if (Interlocked.Increment(ref untyped) <= 5)
            {
                Console.Error.WriteLine($"Untyped error: {e}");
            }
        }

        var took = time.GetTimestamp() - callStarted;
        durations[call] = took;
        if (time.GetElapsedTime(0, took) > deadline)
        {
            Interlocked.Increment(ref lateCalls);
        }
    }
}
