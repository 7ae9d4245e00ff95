using System.Diagnostics;

namespace ClientCredentials.Protocol.Caching.Tests.Infrastructure;

/// <summary>
/// One instance of a fleet in its own OS process (tests/ClientCredentials.Protocol.Caching.FleetMember), driven
/// through its stdin and stdout: every wait on it is bounded.
/// </summary>
public sealed class FleetMemberProcess : IAsyncDisposable
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;

    private FleetMemberProcess(Process process) => _process = process;

    /// <summary>
    /// Starts an instance. With <paramref name="fleetClockStart"/>, its client runs on a fake clock that starts there and
    /// moves only on <c>advance</c> commands, so a test moves the whole fleet past a refresh point at once.
    /// </summary>
    public static async Task<FleetMemberProcess> StartAsync(string redisConfiguration, Uri tokenEndpoint, string keyPrefix, string keyRing, int operationTimeoutMs, DateTimeOffset? fleetClockStart = null)
    {
        List<string> arguments = [ProgramPath, redisConfiguration, tokenEndpoint.ToString(), keyPrefix, keyRing, operationTimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        if (fleetClockStart is { } clockStart)
        {
            arguments.Add(clockStart.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var start = new ProcessStartInfo("dotnet", arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        var member = new FleetMemberProcess(Process.Start(start) ?? throw new InvalidOperationException("The fleet member did not start."));
        Assert.Equal("ready", await member.ReadLineAsync());
        return member;
    }

    /// <summary>Sends a command without waiting for its answer (so that several instances can be sent one at once).</summary>
    public Task SendAsync(string command) => _process.StandardInput.WriteLineAsync(command);

    public async Task<string> ReadLineAsync()
    {
        using var timeout = new CancellationTokenSource(AnswerTimeout);
        return await _process.StandardOutput.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("The fleet member ended without answering.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await _process.StandardInput.WriteLineAsync("exit");
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    private static string ProgramPath
    {
        get
        {
            // tests/<this project>/bin/<Configuration>/net10.0/ -> tests/...FleetMember/bin/<Configuration>/net10.0/
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = output.Parent!.Name;
            var tests = output.Parent.Parent!.Parent!.Parent!.FullName;
            var path = Path.Combine(tests, "ClientCredentials.Protocol.Caching.FleetMember", "bin", configuration, output.Name, "ClientCredentials.Protocol.Caching.FleetMember.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"Build tests/ClientCredentials.Protocol.Caching.FleetMember first ({configuration}).", path);
        }
    }
}
