using ClientCredentials.Protocol.Fuzz;
using ClientCredentials.Protocol.Fuzz.Seeds;
using SharpFuzz;

// dotnet ClientCredentials.Protocol.Fuzz.dll fuzz <target>          run under afl-fuzz (or libfuzzer-dotnet); alone: one input from stdin
//                                        replay <target> <path>...  run files or folders in-process; prints each failure, exit 1 if any
//                                        seed <repository root>     rewrite corpus/ from spec/ (conformance cases and vectors)
//                                        list                       the targets
var command = args.Length > 0 ? args[0] : "list";
switch (command)
{
    case "list":
        foreach (var target in FuzzTarget.All)
        {
            Console.WriteLine($"{target.Name,-10} {target.Description}");
        }

        return 0;

    case "fuzz" when args.Length == 2 && FuzzTarget.Find(args[1]) is { } target:
        if (Environment.GetEnvironmentVariable("__LIBFUZZER_SHM_ID") is not null)
        {
            Fuzzer.LibFuzzer.Run(span => target.Run(span));
        }
        else
        {
            // Out of process: a stack overflow or a fatal runtime error in the target is reported as a crash too,
            // instead of killing the fork server.
            Fuzzer.OutOfProcess.Run(stream =>
            {
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                target.Run(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            });
        }

        return 0;

    case "replay" when args.Length >= 3 && FuzzTarget.Find(args[1]) is { } target:
        return CorpusReplay.Run(target, args[2..], Console.Out);

    case "seed" when args.Length == 2:
        SeedCorpus.Write(args[1], Console.Out);
        return 0;

    default:
        Console.Error.WriteLine("usage: ClientCredentials.Protocol.Fuzz (list | fuzz <target> | replay <target> <file-or-folder>... | seed <repository-root>)");
        Console.Error.WriteLine("targets: " + string.Join(", ", FuzzTarget.All.Select(t => t.Name)));
        return 2;
}
