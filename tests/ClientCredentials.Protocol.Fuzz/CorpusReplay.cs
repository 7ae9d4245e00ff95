namespace ClientCredentials.Protocol.Fuzz;

/// <summary>
/// Runs saved inputs (a crash from <c>findings/</c>, or a whole corpus) through a target in this process, so a crash
/// reproduces with its full exception and stack trace, in a debugger if need be.
/// </summary>
public static class CorpusReplay
{
    /// <summary>Replays every file named, or found under a folder named; returns 1 when any input breaks the target.</summary>
    public static int Run(FuzzTarget target, IEnumerable<string> paths, TextWriter output)
    {
        var files = paths.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories) : [p])
            .Where(f => !string.Equals(Path.GetFileName(f), "README.txt", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        var failures = 0;
        foreach (var file in files)
        {
            if (Failure(target, File.ReadAllBytes(file)) is { } failure)
            {
                failures++;
                output.WriteLine($"FAIL {file}");
                output.WriteLine(failure);
            }
        }

        output.WriteLine($"{target.Name}: {files.Count - failures} of {files.Count} inputs kept the invariant");
        return failures == 0 ? 0 : 1;
    }

    /// <summary>Null when <paramref name="input"/> keeps the target's invariant; else the exception it raised.</summary>
    public static Exception? Failure(FuzzTarget target, byte[] input)
    {
        try
        {
            target.Run(input);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }
}
