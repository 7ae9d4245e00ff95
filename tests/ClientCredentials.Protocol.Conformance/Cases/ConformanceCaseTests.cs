using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Conformance;

// One theory row per case file of spec/conformance; the row is named for the file. The files are spread over four
// classes (see ConformanceCaseFiles) only so that xunit runs them in parallel.

/// <summary>Case files 0, 4, 8, … of spec/conformance.</summary>
public sealed class ConformanceCasesShard0(WireMockFixture wireMock) : IClassFixture<WireMockFixture>
{
    /// <summary>The library passes the case: outcome, request count, and every request matched a mapping.</summary>
    [Theory]
    [MemberData(nameof(ConformanceCaseFiles.Shard), 0, MemberType = typeof(ConformanceCaseFiles))]
    public Task Case(string file) => ConformanceCaseRunner.RunAsync(file, wireMock);
}

/// <summary>Case files 1, 5, 9, … of spec/conformance.</summary>
public sealed class ConformanceCasesShard1(WireMockFixture wireMock) : IClassFixture<WireMockFixture>
{
    /// <summary>The library passes the case: outcome, request count, and every request matched a mapping.</summary>
    [Theory]
    [MemberData(nameof(ConformanceCaseFiles.Shard), 1, MemberType = typeof(ConformanceCaseFiles))]
    public Task Case(string file) => ConformanceCaseRunner.RunAsync(file, wireMock);
}

/// <summary>Case files 2, 6, 10, … of spec/conformance.</summary>
public sealed class ConformanceCasesShard2(WireMockFixture wireMock) : IClassFixture<WireMockFixture>
{
    /// <summary>The library passes the case: outcome, request count, and every request matched a mapping.</summary>
    [Theory]
    [MemberData(nameof(ConformanceCaseFiles.Shard), 2, MemberType = typeof(ConformanceCaseFiles))]
    public Task Case(string file) => ConformanceCaseRunner.RunAsync(file, wireMock);
}

/// <summary>Case files 3, 7, 11, … of spec/conformance.</summary>
public sealed class ConformanceCasesShard3(WireMockFixture wireMock) : IClassFixture<WireMockFixture>
{
    /// <summary>The library passes the case: outcome, request count, and every request matched a mapping.</summary>
    [Theory]
    [MemberData(nameof(ConformanceCaseFiles.Shard), 3, MemberType = typeof(ConformanceCaseFiles))]
    public Task Case(string file) => ConformanceCaseRunner.RunAsync(file, wireMock);
}
