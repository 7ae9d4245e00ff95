using System.CommandLine;
using ClientCredentials.Cli.Hosting;
using ClientCredentials.Cli.Output;
using ClientCredentials.Emulator;
using Microsoft.Extensions.Logging;

namespace ClientCredentials.Cli.Commands;

/// <summary><c>cc-token emulator</c>: runs the local Entra-compatible token endpoint until Ctrl+C.</summary>
internal static class EmulatorCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var config = new Option<string>("--config") { Description = "The emulator's JSON configuration (tenants, applications, resources); see src/ClientCredentials.Emulator/README.md.", HelpName = "file", Required = true };
        var port = new Option<int>("--port") { Description = "Port on 127.0.0.1; 0 picks a free one.", HelpName = "port", DefaultValueFactory = _ => 0 };
        port.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 65535)
            {
                result.AddError("--port must be between 0 and 65535.");
            }
        });

        var command = new Command("emulator", "Run the local Entra-compatible token endpoint (127.0.0.1 only) until Ctrl+C.") { config, port };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, jsonErrors: false, async () =>
        {
            var options = EmulatorOptions.Load(context.ResolvePath(parse.GetValue(config)!));
            var settings = new EmulatorServerSettings
            {
                Port = parse.GetValue(port),
                TimeProvider = context.TimeProvider,
                LoggerFactory = new TextWriterLoggerFactory(context.Error, context.TimeProvider, parse.GetValue(global.Verbose) ? LogLevel.Debug : LogLevel.Information),
            };
            await using var server = await StartAsync(options, settings, cancellationToken).ConfigureAwait(false);
            EmulatorEndpointsWriter.Write(context.Out, server, options);
            context.Out.Flush();
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, context.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                context.Error.WriteLine("Stopping the emulator.");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static async Task<EmulatorServer> StartAsync(EmulatorOptions options, EmulatorServerSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            return await EmulatorServer.StartAsync(options, settings, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new CliConfigurationException("--port", ex.Message, ex);
        }
    }
}
