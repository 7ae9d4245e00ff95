using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using ClientCredentials.Cli.Commands;
using ClientCredentials.Cli.Hosting;

namespace ClientCredentials.Cli;

/// <summary>
/// The <c>cc-token</c> command tree and its entry point. Tests call <see cref="RunAsync"/> in-process with captured
/// streams and environment; <see cref="Program"/> calls it with the real ones.
/// </summary>
internal static class CliApplication
{
    public static RootCommand Build(CliContext context)
    {
        var global = new GlobalOptions();
        var root = new RootCommand("cc-token: OAuth 2.0 client credentials tokens for Microsoft Entra ID, ADFS and any OAuth 2.0 server, without MSAL.\n" +
            "Start with: cc-token demo")
        {
            global.Verbose,
            DemoCommand.Create(context, global),
            TokenCommand.Create(context, global),
            DecodeCommand.Create(context),
            AssertionCommand.Create(context, global),
            CertCommand.Create(context),
            EmulatorCommand.Create(context, global),
        };

        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new ExitCodesHelpAction((SynchronousCommandLineAction)help.Action!);
        return root;
    }

    /// <summary>Parses and runs one command line; returns the process exit code (see <see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        if (SecretArgumentGuard.FindSecretArgument(args) is { } secretOption)
        {
            context.Error.WriteLine("error: usage_error: " + SecretArgumentGuard.Explain(secretOption));
            return ExitCodes.Usage;
        }

        var root = Build(context);
        var parse = root.Parse(args);
        var configuration = new InvocationConfiguration
        {
            Output = context.Out,
            Error = context.Error,
            EnableDefaultExceptionHandler = false,
        };

        if (parse.Action is ParseErrorAction)
        {
            // Written here rather than by the parser, which quotes unknown arguments verbatim: one may be a secret.
            foreach (var message in ArgumentRedaction.Messages(parse, args, root))
            {
                context.Error.WriteLine(message);
            }

            context.Error.WriteLine($"Run '{string.Join(' ', CommandPath(parse))} --help' for the options.");
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }

    private static Stack<string> CommandPath(ParseResult parse)
    {
        var names = new Stack<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Push(result.Command is RootCommand ? "cc-token" : result.Command.Name);
        }

        return names;
    }
}
