using ClientCredentials.Cli;
using ClientCredentials.Cli.Hosting;

return await CliApplication.RunAsync(args, CliContext.FromProcess());
