using ClientCredentials.Cli.Demo;

namespace ClientCredentials.Cli.Output;

/// <summary>Writes the demo as numbered steps with indented details.</summary>
internal sealed class ConsoleDemoNarrator(TextWriter output) : IDemoNarrator
{
    private int _step;

    public void Step(string title, string explanation)
    {
        _step++;
        if (_step > 1)
        {
            output.WriteLine();
        }

        output.WriteLine($"[{_step}] {title}");
        output.WriteLine($"    {explanation}");
    }

    public void Detail(string label, string value) => output.WriteLine($"      {label + ":",-18} {value}");

    public void Done(string summary, IReadOnlyList<string> nextSteps)
    {
        output.WriteLine();
        output.WriteLine(summary);
        foreach (var next in nextSteps)
        {
            output.WriteLine($"  - {next}");
        }
    }
}
