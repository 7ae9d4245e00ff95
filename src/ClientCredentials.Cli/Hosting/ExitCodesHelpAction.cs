using System.CommandLine;
using System.CommandLine.Invocation;

namespace ClientCredentials.Cli.Hosting;

/// <summary>Prints the standard help, then the table of exit codes, so scripts know what each code means.</summary>
internal sealed class ExitCodesHelpAction(SynchronousCommandLineAction standardHelp) : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        var result = standardHelp.Invoke(parseResult);
        var output = parseResult.InvocationConfiguration.Output;
        output.WriteLine("Exit codes:");
        foreach (var (code, meaning) in ExitCodes.Table)
        {
            output.WriteLine($"  {code,-5} {meaning}");
        }

        output.WriteLine();
        return result;
    }
}
