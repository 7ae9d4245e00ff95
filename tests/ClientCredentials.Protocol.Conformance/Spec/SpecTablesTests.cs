using System.Text.Json.Nodes;

namespace ClientCredentials.Protocol.Conformance;

/// <summary>
/// spec/tables.py keeps the generated parts of spec/ in step with their sources: every numbered requirement of
/// protocol.md has a check in traceability.json (and traceability.md shows it), and protocol.md §9 is rendered from
/// msal-differences.json, the one source of the MSAL differences. These tests run it on the real spec, and on copies
/// broken on purpose, so that they are seen to fail.
/// </summary>
public sealed class SpecTablesTests : IDisposable
{
    private readonly string _copy = Path.Combine(Path.GetTempPath(), "cc-spec-" + Guid.NewGuid().ToString("N"));

    /// <summary>The committed spec passes: every MUST is numbered and checked, and every generated table is current.</summary>
    [Fact]
    public async Task Every_requirement_has_a_check_and_the_generated_tables_are_current()
    {
        var (exitCode, output) = await PythonScript.RunAsync(Path.Combine(RepositoryPaths.SpecDirectory, "tables.py"));
        Assert.True(exitCode == 0, $"python3 spec/tables.py failed (run it with --write after editing a source):{Environment.NewLine}{output}");
        Assert.Contains(" 0 problems", output, StringComparison.Ordinal);
    }

    /// <summary>A MUST written without a requirement number fails the check.</summary>
    [Fact]
    public async Task A_must_without_a_number_fails()
    {
        var spec = CopySpec();
        File.AppendAllText(Path.Combine(spec, "protocol.md"), "\nA client MUST do something nobody checks.\n");

        var (exitCode, output) = await PythonScript.RunAsync(Path.Combine(spec, "tables.py"));

        Assert.Equal(1, exitCode);
        Assert.Contains("a MUST has no [Rn] tag after it", output, StringComparison.Ordinal);
    }

    /// <summary>A numbered requirement that traceability.json gives no check fails the check.</summary>
    [Fact]
    public async Task A_requirement_without_a_check_fails()
    {
        var spec = CopySpec();
        var path = Path.Combine(spec, "traceability.json");
        var trace = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var requirements = trace["requirements"]!.AsArray();
        var removed = requirements[^1]!["id"]!.GetValue<string>();
        requirements.RemoveAt(requirements.Count - 1);
        File.WriteAllText(path, trace.ToJsonString());

        var (exitCode, output) = await PythonScript.RunAsync(Path.Combine(spec, "tables.py"));

        Assert.Equal(1, exitCode);
        Assert.Contains($"{removed} has no entry", output, StringComparison.Ordinal);
    }

    /// <summary>A check that names a case that does not exist fails the check.</summary>
    [Fact]
    public async Task A_check_naming_a_missing_case_fails()
    {
        var spec = CopySpec();
        File.Delete(Path.Combine(spec, "conformance", "redirect-307-not-followed.json"));

        var (exitCode, output) = await PythonScript.RunAsync(Path.Combine(spec, "tables.py"));

        Assert.Equal(1, exitCode);
        Assert.Contains("names conformance/redirect-307-not-followed.json, which does not exist", output, StringComparison.Ordinal);
    }

    /// <summary>
    /// A check may name a .NET test (for the rules the case format cannot express yet); one that names a method the
    /// test file does not declare fails the check, while the file's real tests pass it.
    /// </summary>
    [Fact]
    public async Task A_check_naming_a_missing_dotnet_test_fails()
    {
        // The script finds tests/ beside spec/, so this copy keeps that layout, with the one test file it needs.
        var spec = CopySpec(Path.Combine(_copy, "spec"));
        const string testFile = "tests/ClientCredentials.Protocol.Tests/Protocol/DPoPTests.cs";
        var testCopy = Path.Combine(_copy, testFile);
        Directory.CreateDirectory(Path.GetDirectoryName(testCopy)!);
        File.Copy(Path.Combine(RepositoryPaths.SpecDirectory, "..", testFile), testCopy);
        var path = Path.Combine(spec, "traceability.json");
        var trace = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var checks = trace["requirements"]!.AsArray()[0]!["checks"]!.AsArray();
        checks.Add(testFile + "#A_nonce_loop_stops_after_one_retry_with_a_typed_error_that_says_so");
        checks.Add(testFile + "#A_test_nobody_wrote");
        File.WriteAllText(path, trace.ToJsonString());

        var (exitCode, output) = await PythonScript.RunAsync(Path.Combine(spec, "tables.py"));

        Assert.Equal(1, exitCode);
        Assert.Contains($"names {testFile}#A_test_nobody_wrote, which does not exist", output, StringComparison.Ordinal);
        Assert.DoesNotContain("#A_nonce_loop_stops_after_one_retry_with_a_typed_error_that_says_so, which does not exist", output, StringComparison.Ordinal);
    }

    /// <summary>protocol.md §9 and msal-differences.json cannot drift apart: a change to either alone fails.</summary>
    [Fact]
    public async Task Section_9_that_differs_from_msal_differences_json_fails()
    {
        var spec = CopySpec();
        var path = Path.Combine(spec, "msal-differences.json");
        var differences = JsonNode.Parse(File.ReadAllText(path))!.AsArray();
        differences[0]!["reason"] = "changed in the JSON only";
        File.WriteAllText(path, differences.ToJsonString());

        var (exitCode, output) = await PythonScript.RunAsync(Path.Combine(spec, "tables.py"));

        Assert.Equal(1, exitCode);
        Assert.Contains("protocol.md §9 differs from msal-differences.json", output, StringComparison.Ordinal);
    }

    /// <summary>Every MSAL difference the differential test cannot observe names the cases or vectors that check it.</summary>
    [Fact]
    public void Every_msal_difference_is_checked_somewhere()
    {
        var differences = JsonNode.Parse(File.ReadAllText(RepositoryPaths.MsalDifferencesFile))!.AsArray();
        foreach (var entry in differences)
        {
            var checkedBy = entry!["checkedBy"];
            Assert.True(
                checkedBy is JsonValue value && value.GetValue<string>() == "differential" || checkedBy is JsonArray { Count: > 0 },
                $"msal-differences.json entry {entry["id"]} ({entry["name"]}) names no check.");
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_copy))
        {
            Directory.Delete(_copy, recursive: true);
        }
    }

    private string CopySpec(string? into = null)
    {
        var destination = into ?? _copy;
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.SpecDirectory, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(destination, Path.GetRelativePath(RepositoryPaths.SpecDirectory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return destination;
    }
}
