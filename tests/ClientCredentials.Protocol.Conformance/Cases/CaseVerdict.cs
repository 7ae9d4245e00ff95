namespace ClientCredentials.Protocol.Conformance;

/// <summary>Collects every mismatch of one case, so a failing case reports all of its differences at once.</summary>
internal sealed class CaseVerdict
{
    private readonly List<string> _problems = [];

    public IReadOnlyList<string> Problems => _problems;

    public void Add(string problem) => _problems.Add(problem);

    public static string Show(object? value) => value switch
    {
        null => "null",
        string s => $"'{s}'",
        bool b => b ? "true" : "false",
        _ => value.ToString() ?? "null",
    };

    public static string Describe(Exception? failure) =>
        failure is null ? "nothing" : $"{failure.GetType().Name}: {failure.Message}";
}
