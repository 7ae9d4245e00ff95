using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace ClientCredentials.Protocol.Testing;

/// <summary>
/// One running <c>java -jar wiremock-standalone.jar</c> process: launches it with the harness's flags, keeps the tail
/// of its output for diagnostics, and kills it when disposed. On Unix a small <c>sh</c> watchdog holds the read end of a
/// pipe from this process and kills the JVM when the pipe closes, so a crashed or killed test host never leaves a
/// WireMock behind.
/// </summary>
internal sealed class WireMockProcess : IDisposable
{
    private const int MaxOutputLines = 300;

    // `cat` returns at EOF on stdin, which happens when the test host exits for any reason; then the JVM ($1) is killed.
    // A normal dispose kills the JVM before the watchdog, and the watchdog only acts once the pipe closes, so it never
    // signals a pid the JVM no longer owns.
    private const string UnixWatchdogScript = "cat >/dev/null; kill -9 \"$1\" 2>/dev/null";

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly string _rootDirectory;
    private Process? _watchdog;
    private int _disposed;

    private WireMockProcess(Process process, string rootDirectory, int port)
    {
        _process = process;
        _rootDirectory = rootDirectory;
        Port = port;
    }

    /// <summary>The loopback port WireMock was told to listen on.</summary>
    public int Port { get; }

    /// <summary>True once the JVM has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once <see cref="HasExited"/> is true.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>The last lines written to stdout (<c>out|</c>) and stderr (<c>err|</c>), oldest first.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>Starts WireMock on 127.0.0.1:<paramref name="port"/> with an empty root directory of its own.</summary>
    public static WireMockProcess Start(string javaPath, string jarPath, int port, WireMockServerOptions options)
    {
        var rootDirectory = Directory.CreateTempSubdirectory("wiremock-").FullName;
        var startInfo = new ProcessStartInfo(javaPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            WorkingDirectory = rootDirectory,
        };

        foreach (var argument in BuildArguments(jarPath, port, rootDirectory, options))
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo };
        var wireMock = new WireMockProcess(process, rootDirectory, port);
        process.OutputDataReceived += (_, e) => wireMock.Record("out| ", e.Data);
        process.ErrorDataReceived += (_, e) => wireMock.Record("err| ", e.Data);
        try
        {
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            wireMock._watchdog = StartWatchdog(process.Id);
        }
        catch
        {
            wireMock.Dispose();
            throw;
        }

        return wireMock;
    }

    /// <summary>True when the output shows the port was taken between picking it and WireMock binding it.</summary>
    public bool FailedBecausePortWasTaken() =>
        _output.Any(line => line.Contains("BindException", StringComparison.Ordinal)
                        || line.Contains("Address already in use", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Kills the JVM, then the watchdog (which cannot fire meanwhile: its pipe stays open until this process ends).
    /// Safe to call more than once and from <see cref="AppDomain.ProcessExit"/>.
    /// </summary>
    public void Kill()
    {
        KillTree(_process);
        if (_watchdog is not null)
        {
            KillTree(_watchdog);
        }
    }

    /// <summary>Kills the JVM, waits up to 10 s until it is gone (and its port closed), and deletes its root directory.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Kill();
        try
        {
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }

        _process.Dispose();
        _watchdog?.Dispose();
        try
        {
            Directory.Delete(_rootDirectory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A temp directory left behind is harmless.
        }
    }

    private static Process? StartWatchdog(int javaProcessId)
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/bin/sh"))
        {
            return null;
        }

        var startInfo = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(UnixWatchdogScript);
        startInfo.ArgumentList.Add("wiremock-watchdog");
        startInfo.ArgumentList.Add(javaProcessId.ToString(CultureInfo.InvariantCulture));
        return Process.Start(startInfo);
    }

    private static void KillTree(Process target)
    {
        try
        {
            if (!target.HasExited)
            {
                target.Kill(entireProcessTree: true);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            // Already exited or never started.
        }
    }

    private static IEnumerable<string> BuildArguments(string jarPath, int port, string rootDirectory, WireMockServerOptions options)
    {
        // JVM: C1-only JIT and the serial GC start faster and use fewer threads on small CI machines.
        string[] jvm = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Dfile.encoding=UTF-8", "-jar", jarPath];
        string[] wireMock =
        [
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--bind-address", "127.0.0.1",
            "--root-dir", rootDirectory,
            "--disable-banner",
            // Delayed responses are sent from a scheduler, so a fixedDelay stub does not hold a Jetty worker.
            "--async-response-enabled", "true",
            "--async-response-threads", "16",
            "--container-threads", options.ContainerThreads.ToString(CultureInfo.InvariantCulture),
            "--jetty-acceptor-threads", "2",
            "--jetty-accept-queue-size", "512",
        ];
        return [.. jvm, .. wireMock, .. options.AdditionalArguments];
    }

    private void Record(string stream, string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(stream + line);
        while (_output.Count > MaxOutputLines && _output.TryDequeue(out _))
        {
        }
    }
}
