namespace ClientCredentials.Cli.Hosting;

/// <summary>The options make sense one by one but not together (exit code 2); the message says which to change.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
