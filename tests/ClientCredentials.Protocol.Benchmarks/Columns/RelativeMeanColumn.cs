using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ClientCredentials.Protocol.Benchmarks.Columns;

/// <summary>
/// A summary column giving each benchmark's mean divided by the mean of its reference benchmark (chosen by
/// <paramref name="referenceFor"/>), so a refreshed table states "× slower than X" without arithmetic by hand.
/// </summary>
internal sealed class RelativeMeanColumn(string columnName, string legend, Func<BenchmarkCase, BenchmarkCase, bool> referenceFor) : IColumn
{
    public string Id => $"{nameof(RelativeMeanColumn)}.{ColumnName}";

    public string ColumnName => columnName;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => legend;

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var reference = summary.BenchmarksCases.FirstOrDefault(candidate => referenceFor(benchmarkCase, candidate));
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        var referenceMean = reference is null ? null : summary[reference]?.ResultStatistics?.Mean;
        return mean is { } m && referenceMean is { } r && r > 0
            ? (m / r).ToString(m / r >= 10 ? "N0" : "0.00", CultureInfo.InvariantCulture) + "×"
            : "?";
    }

    public override string ToString() => ColumnName;
}
