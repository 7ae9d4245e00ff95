namespace ClientCredentials.Cli.Demo;

/// <summary>What the demo reports as it goes; <see cref="Output.ConsoleDemoNarrator"/> turns it into text for a person.</summary>
internal interface IDemoNarrator
{
    /// <summary>A new numbered step with a one-line title and a short explanation of why it matters.</summary>
    void Step(string title, string explanation);

    /// <summary>A labelled fact within the current step.</summary>
    void Detail(string label, string value);

    /// <summary>A closing note.</summary>
    void Done(string summary, IReadOnlyList<string> nextSteps);
}
