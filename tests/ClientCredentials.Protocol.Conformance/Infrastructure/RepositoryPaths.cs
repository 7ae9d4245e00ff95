namespace ClientCredentials.Protocol.Conformance;

/// <summary>Finds the repository's <c>spec/</c> folder from the test's output directory, so the tests read the spec in place.</summary>
internal static class RepositoryPaths
{
    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary><c>spec/</c>: protocol.md, traceability.json, tables.py and the rest of the specification.</summary>
    public static string SpecDirectory => Path.Combine(Root.Value, "spec");

    /// <summary><c>spec/conformance</c>: the case files, their schema and <c>validate.py</c>.</summary>
    public static string ConformanceDirectory => Path.Combine(Root.Value, "spec", "conformance");

    /// <summary><c>spec/msal-differences.json</c>: the accepted differences between MSAL.NET's requests and ours.</summary>
    public static string MsalDifferencesFile => Path.Combine(Root.Value, "spec", "msal-differences.json");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "spec", "conformance", "case.schema.json")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException(
            $"No spec/conformance/case.schema.json above {AppContext.BaseDirectory}; run the tests from a clone of the repository.");
    }
}
