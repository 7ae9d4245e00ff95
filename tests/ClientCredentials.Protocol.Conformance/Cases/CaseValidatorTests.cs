namespace ClientCredentials.Protocol.Conformance;

/// <summary>Runs spec/conformance/validate.py: every case is valid against case.schema.json and internally consistent.</summary>
public sealed class CaseValidatorTests
{
    /// <summary>validate.py exits 0 and reports no failed case.</summary>
    [Fact]
    public async Task Every_case_file_passes_validate_py()
    {
        var script = Path.Combine(RepositoryPaths.ConformanceDirectory, "validate.py");

        var (exitCode, report) = await PythonScript.RunAsync(script);

        Assert.True(
            exitCode == 0,
            $"python3 {script} exited {exitCode} (it needs the jsonschema package: apt-get install python3-jsonschema or pip install jsonschema):{Environment.NewLine}{report}");
        Assert.Contains($"{ConformanceCaseFiles.All.Count} passed, 0 failed", report, StringComparison.Ordinal);
    }
}
