namespace ClientCredentials.Cli.Hosting;

/// <summary>
/// A value the CLI itself refused (exit code 3): an unset environment variable, an unreadable file, a certificate
/// without its private key. <see cref="Setting"/> names the option or variable to fix.
/// </summary>
internal sealed class CliConfigurationException(string setting, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>The option or environment variable at fault, e.g. <c>--certificate</c>.</summary>
    public string Setting { get; } = setting;
}
