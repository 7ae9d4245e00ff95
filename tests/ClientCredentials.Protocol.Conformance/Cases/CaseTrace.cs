namespace ClientCredentials.Protocol.Conformance;

/// <summary>
/// The steps a run took, by the labels of spec/porting.md's "Per case" pseudo-code (⟨load⟩, ⟨register⟩, …), so that
/// a test can hold the runner and the text to the same procedure.
/// </summary>
internal sealed class CaseTrace
{
    private readonly List<string> _steps = [];

    public IReadOnlyList<string> Steps => _steps;

    public void Step(string label) => _steps.Add(label);
}
