using System.CommandLine;
using ClientCredentials.Cli.Demo;
using ClientCredentials.Cli.Hosting;
using ClientCredentials.Cli.Output;

namespace ClientCredentials.Cli.Commands;

/// <summary><c>cc-token demo</c>: the guided tour, end to end on this machine in a few seconds.</summary>
internal static class DemoCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var command = new Command("demo", "Walk through the client credentials flow end to end against a local emulator: register an app, get tokens with a secret and a certificate, read one, call a protected API, hit the cache.");
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, jsonErrors: false, async () =>
        {
            var scenario = new DemoScenario(context, new ConsoleDemoNarrator(context.Out), parse.GetValue(global.Verbose));
            await scenario.RunAsync(cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        }));
        return command;
    }
}
