using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using ClientCredentials.Cli.Tests.Infrastructure;

namespace ClientCredentials.Cli.Tests.Native;

/// <summary>
/// The native (NativeAOT) cc-token, published once per test run with the README's command into
/// <c>artifacts/native/{rid}</c>. The build's intermediate files go to <c>artifacts/native/build</c> so that the
/// native publish never rewrites the bin and obj folders the solution build and <c>dotnet pack --no-build</c> use;
/// MSBuild's incremental build makes a run with unchanged sources skip the native compile. A trim or AOT warning fails
/// the publish (the repository treats warnings as errors, ILC included), and so these tests.
/// </summary>
public sealed class NativeBuild : IAsyncLifetime
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(25);

    public string Executable { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var root = RepositoryRoot();
        var rid = RuntimeInformation.RuntimeIdentifier;
        var output = Path.Combine(root, "artifacts", "native", rid);
        var result = await NativeProcess.RunAsync(
            "dotnet",
            [
                "publish", Path.Combine(root, "src", "ClientCredentials.Cli", "ClientCredentials.Cli.csproj"),
                "-c", "Release", "-r", rid, "-p:PublishAot=true", "-o", output,
                "-p:UseArtifactsOutput=true", "-p:ArtifactsPath=" + Path.Combine(root, "artifacts", "native", "build"),
                "--nologo", "-nodeReuse:false", "-p:UseSharedCompilation=false",
            ],
            root,
            PublishTimeout);
        Assert.True(result.ExitCode == 0, "The native publish failed (a trim/AOT warning is an error):\n" + result);
        Assert.DoesNotMatch(@"warning IL\d{4}", result.All);

        Executable = Path.Combine(output, "cc-token");
        Assert.True(File.Exists(Executable), $"The native publish did not produce {Executable}:\n{result}");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Runs the native cc-token as its own process: real arguments, environment, stdin and exit code.</summary>
    internal Task<CliResult> RunAsync(string[] args, IReadOnlyDictionary<string, string>? environment = null, string stdin = "", string? workingDirectory = null) =>
        NativeProcess.RunAsync(Executable, args, workingDirectory ?? Path.GetTempPath(), TimeSpan.FromSeconds(60), environment, stdin);

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ClientCredentials.Protocol.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No ClientCredentials.Protocol.sln above {AppContext.BaseDirectory}.");
    }
}

/// <summary>Starts a child process with a controlled environment and collects its output and exit code.</summary>
internal static class NativeProcess
{
    public static ProcessStartInfo StartInfo(string fileName, IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The test host's MSBuild variables would point a nested build at the test run's SDK state; the workload
        // identity variables would change what `token` does. The child starts without both.
        foreach (var name in start.Environment.Keys.Where(n => n.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || n.StartsWith("AZURE_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return start;
    }

    public static async Task<CliResult> RunAsync(
        string fileName,
        IEnumerable<string> args,
        string workingDirectory,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null,
        string stdin = "")
    {
        using var process = Process.Start(StartInfo(fileName, args, workingDirectory, environment))
            ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"{Path.GetFileName(fileName)} {string.Join(' ', args)} did not finish within {timeout}:\n{await stdout}\n{await stderr}");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
