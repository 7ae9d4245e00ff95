namespace ClientCredentials.Protocol.Conformance;

/// <summary>Enumerates the case files of <c>spec/conformance</c> for xunit theories: every <c>*.json</c> except the schema.</summary>
public static class ConformanceCaseFiles
{
    /// <summary>Every case file name, in ordinal order.</summary>
    public static IReadOnlyList<string> All { get; } =
        [.. Directory.EnumerateFiles(RepositoryPaths.ConformanceDirectory, "*.json")
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => name != "case.schema.json")
            .Order(StringComparer.Ordinal)];

    /// <summary>The case files as theory rows, one file name per row; adding a case needs no code.</summary>
    public static TheoryData<string> Rows => [.. All];
}
