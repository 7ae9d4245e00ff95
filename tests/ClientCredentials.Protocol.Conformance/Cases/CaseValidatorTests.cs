using System.Diagnostics;

namespace ClientCredentials.Protocol.Conformance;

/// <summary>Runs spec/conformance/validate.py: every case is valid against case.schema.json and internally consistent.</summary>
public sealed class CaseValidatorTests
{
    /// <summary>validate.py exits 0 and reports no failed case.</summary>
    [Fact]
    public async Task Every_case_file_passes_validate_py()
    {
        var script = Path.Combine(RepositoryPaths.ConformanceDirectory, "validate.py");
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 could not be started.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60), TimeProvider.System);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var report = await output + await errors;
        Assert.True(
            process.ExitCode == 0,
            $"python3 {script} exited {process.ExitCode} (it needs the jsonschema package: apt-get install python3-jsonschema or pip install jsonschema):{Environment.NewLine}{report}");
        Assert.Contains($"{ConformanceCaseFiles.All.Count} passed, 0 failed", report, StringComparison.Ordinal);
    }
}
