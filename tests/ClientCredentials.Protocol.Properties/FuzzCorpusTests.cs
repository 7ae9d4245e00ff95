using ClientCredentials.Protocol.Fuzz;

namespace ClientCredentials.Protocol.Properties;

/// <summary>
/// Every committed fuzz input keeps its target's invariant, run in-process on every platform:
/// tests/ClientCredentials.Protocol.Fuzz/corpus (the seeds from spec/ and the <c>found-*</c> inputs of fixed bugs,
/// which eng/fuzz.sh gives AFL++) and regressions/ (found inputs that the harness turns away before the instrumented
/// code runs, such as a request Kestrel itself refuses; AFL++ aborts on a seed that covers nothing).
/// </summary>
public sealed class FuzzCorpusTests
{
    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var target in FuzzTarget.All)
        {
            foreach (var set in (string[])["corpus", "regressions"])
            {
                var folder = Path.Combine(AppContext.BaseDirectory, set, target.Name);
                if (!Directory.Exists(folder))
                {
                    continue;
                }

                foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
                {
                    data.Add(target.Name, Path.Combine(set, target.Name, Path.GetFileName(file)));
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Corpus_input_keeps_the_target_invariant(string target, string input)
    {
        var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, input));

        var failure = CorpusReplay.Failure(FuzzTarget.Find(target)!, bytes);

        Assert.True(failure is null, $"{target}/{input}: {failure}");
    }

    [Fact]
    public void Every_target_has_seeds()
    {
        foreach (var target in FuzzTarget.All)
        {
            Assert.True(Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "corpus", target.Name)).Count() >= 5, target.Name);
        }
    }
}
