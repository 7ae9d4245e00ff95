namespace ClientCredentials.Security.Tests.Infrastructure;

/// <summary>Tests that measure the process's allocations run alone, after the parallel ones, so no other test adds to them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationMeasuring
{
    public const string Name = "allocation measuring";
}
