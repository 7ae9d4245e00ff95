using System.Text.RegularExpressions;

namespace ClientCredentials.Protocol.Conformance;

/// <summary>
/// spec/porting.md's "Per case" pseudo-code is what this runner does, step for step: the runner records the labels of
/// the steps it takes (⟨load⟩, ⟨register⟩, …) and the recorded sequence must be the one the text gives — for a single
/// case its branch, for a timeline its branch once per step. A step added to, dropped from or moved in either one fails.
/// </summary>
public sealed partial class PortingGuideStepsTests
{
    /// <summary>The runner takes the guide's steps, in the guide's order, for a single case and for a timeline.</summary>
    [Theory]
    [InlineData("http-500-server-error-then-success.json")]
    [InlineData("adfs-certificate-assertion-on-the-wire.json")]
    [InlineData("cache-refresh-ahead-half-life.json")]
    [InlineData("oidc-discovery-refetched-after-24-hours.json")]
    public async Task The_runner_takes_the_steps_of_porting_md_in_order(string file)
    {
        var conformanceCase = ConformanceCase.Load(file);
        var trace = new CaseTrace();

        var verdict = await ConformanceCaseRunner.VerdictOfAsync(file, trace);

        Assert.True(verdict.Problems.Count == 0, string.Join(Environment.NewLine, verdict.Problems));
        Assert.Equal(GuideSteps.Load().For(conformanceCase.IsTimeline, conformanceCase.Steps.Count), trace.Steps);
    }

    /// <summary>The guide's pseudo-code has both branches, so the comparison above means something for each kind.</summary>
    [Fact]
    public void The_guide_names_the_steps_of_both_kinds()
    {
        var guide = GuideSteps.Load();
        Assert.Contains("load", guide.Before);
        Assert.Contains("acquire", guide.Single);
        Assert.Contains("set-clock", guide.Timeline);
        Assert.Contains("check-no-leaks", guide.After);
    }

    /// <summary>The "Per case" pseudo-code of spec/porting.md: the labelled steps before, inside and after its kind branch.</summary>
    private sealed record GuideSteps(IReadOnlyList<string> Before, IReadOnlyList<string> Single, IReadOnlyList<string> Timeline, IReadOnlyList<string> After)
    {
        public static GuideSteps Load()
        {
            var text = File.ReadAllText(Path.Combine(RepositoryPaths.SpecDirectory, "porting.md"));
            var section = text[text.IndexOf("### Per case", StringComparison.Ordinal)..];
            var block = section[(section.IndexOf("```text", StringComparison.Ordinal) + 7)..];
            block = block[..block.IndexOf("```", StringComparison.Ordinal)];
            List<string> before = [], single = [], timeline = [], after = [];
            var current = before;
            foreach (var line in block.Split('\n'))
            {
                if (line.StartsWith("if case.kind == \"single\":", StringComparison.Ordinal))
                {
                    current = single;
                }
                else if (line.StartsWith("else:", StringComparison.Ordinal))
                {
                    current = timeline;
                }
                else if (line.Length > 0 && !char.IsWhiteSpace(line[0]) && (current == single || current == timeline))
                {
                    current = after;
                }

                foreach (Match label in Label().Matches(line))
                {
                    current.Add(label.Groups[1].Value);
                }
            }

            return new GuideSteps(before, single, timeline, after);
        }

        /// <summary>The sequence a run must record: the kind's branch, a timeline's once per step.</summary>
        public IReadOnlyList<string> For(bool timeline, int steps) =>
            [.. Before, .. timeline ? Enumerable.Repeat(Timeline, steps).SelectMany(s => s) : Single, .. After];
    }

    [GeneratedRegex("⟨([a-z-]+)⟩")]
    private static partial Regex Label();
}
