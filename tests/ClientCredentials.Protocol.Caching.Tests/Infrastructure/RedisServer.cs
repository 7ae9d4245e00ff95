using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Garnet;
using StackExchange.Redis;

namespace ClientCredentials.Protocol.Caching.Tests.Infrastructure;

/// <summary>
/// A real Redis-protocol server on a free 127.0.0.1 port, started by the test itself: Garnet in this process (the
/// default), or Debian's <c>redis-server</c> as a child process without persistence when the environment variable
/// <c>CCP_L2_SERVER</c> is <c>redis-server</c> (what CI's second run sets). <see cref="Kill"/> and
/// <see cref="RestartAsync"/> take it away and bring it back on the same port.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    /// <summary>The environment variable that selects the engine.</summary>
    public const string EngineVariable = "CCP_L2_SERVER";

    private GarnetServer? _garnet;
    private Process? _redis;

    private RedisServer(int port) => Port = port;

    /// <summary><c>garnet</c> or <c>redis-server</c>.</summary>
    public static string Engine => Environment.GetEnvironmentVariable(EngineVariable) is { Length: > 0 } engine ? engine : "garnet";

    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string.</summary>
    public string Configuration => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=2000,syncTimeout=2000,asyncTimeout=2000";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(FreePort());
        await server.RestartAsync();
        return server;
    }

    /// <summary>A connection as an application would make it: it does not fail when the server is away.</summary>
    public Task<ConnectionMultiplexer> ConnectAsync() => ConnectionMultiplexer.ConnectAsync(Configuration);

    /// <summary>Stops the server at once (a crash, as far as clients can tell).</summary>
    public void Kill()
    {
        _garnet?.Dispose();
        _garnet = null;
        if (_redis is { } redis)
        {
            redis.Kill(entireProcessTree: true);
            redis.WaitForExit(10_000);
            redis.Dispose();
            _redis = null;
        }
    }

    /// <summary>Starts the server (again) on <see cref="Port"/>, empty, and returns once it answers PING.</summary>
    public async Task RestartAsync()
    {
        Kill();
        if (Engine == "redis-server")
        {
            _redis = Process.Start(new ProcessStartInfo("redis-server", ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            }) ?? throw new InvalidOperationException("redis-server did not start; install it (apt-get install redis-server) or unset " + EngineVariable + ".");
            _redis.OutputDataReceived += static (_, _) => { };
            _redis.ErrorDataReceived += static (_, _) => { };
            _redis.BeginOutputReadLine();
            _redis.BeginErrorReadLine();
        }
        else if (Engine == "garnet")
        {
            _garnet = new GarnetServer(["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--memory", "64m", "--index", "1m"]);
            _garnet.Start();
        }
        else
        {
            throw new InvalidOperationException($"{EngineVariable}={Engine}: expected garnet or redis-server.");
        }

        await WaitUntilAnsweringAsync();
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        return ValueTask.CompletedTask;
    }

    private async Task WaitUntilAnsweringAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var probe = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{Port},abortConnect=true,connectTimeout=500");
                await probe.GetDatabase().PingAsync();
                return;
            }
            catch (RedisConnectionException) when (deadline.Elapsed < TimeSpan.FromSeconds(20))
            {
                // The server is still starting; connect again (each attempt is bounded by its connect timeout).
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
