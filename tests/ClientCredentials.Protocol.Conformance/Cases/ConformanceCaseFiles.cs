namespace ClientCredentials.Protocol.Conformance;

/// <summary>
/// Enumerates the case files of <c>spec/conformance</c> for xunit theories: every <c>*.json</c> except the schema.
/// The files are split over <see cref="ShardCount"/> test classes by their position in name order, so that the
/// classes run in parallel; every file lands in exactly one shard, and adding a case needs no code.
/// </summary>
public static class ConformanceCaseFiles
{
    /// <summary>How many test classes share the cases.</summary>
    public const int ShardCount = 4;

    /// <summary>Every case file name, in ordinal order.</summary>
    public static IReadOnlyList<string> All { get; } =
        [.. Directory.EnumerateFiles(RepositoryPaths.ConformanceDirectory, "*.json")
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => name != "case.schema.json")
            .Order(StringComparer.Ordinal)];

    /// <summary>The case files of shard <paramref name="shard"/> as theory rows, one file name per row.</summary>
    public static TheoryData<string> Shard(int shard)
    {
        var rows = new TheoryData<string>();
        for (var index = shard; index < All.Count; index += ShardCount)
        {
            rows.Add(All[index]);
        }

        return rows;
    }
}
