using ClientCredentials.Protocol.Extensions.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ClientCredentials.Protocol.Extensions.Credentials;

/// <summary>
/// Tries the configured credential sources in order and returns the first that loads and suits the authority (for
/// example an unexpired RSA certificate for Entra ID). Each skipped source is logged with its reason; when none loads
/// the error lists every reason under the <c>Credentials</c> key.
/// </summary>
internal sealed class CredentialChain(CredentialSourceLoader loader, TimeProvider timeProvider, ILogger logger)
{
    public ClientCredential Select(string clientName, ClientCredentialsOptions options, TokenAuthority authority)
    {
        var reasons = new List<string>(options.Credentials.Count);
        for (var i = 0; i < options.Credentials.Count; i++)
        {
            var source = options.Credentials[i];
            string reason;
            try
            {
                var credential = loader.Load(clientName, source);
                credential.Validate(authority, timeProvider);
                if (logger.IsEnabled(LogLevel.Information))
                {
                    var description = credential.ToString() ?? source.SourceType.ToString();
                    ExtensionsLog.CredentialSelected(logger, clientName, i, source.SourceType, description);
                }

                return credential;
            }
            catch (CredentialSourceUnavailableException ex)
            {
                // Paths and .NET messages come from configuration and the file system: neutralised for log and message.
                reason = UntrustedText.Neutralize(ex.Message, 1024);
            }
            catch (ClientCredentialsConfigurationException ex)
            {
                reason = UntrustedText.Neutralize(ex.Message, 1024);
            }

            ExtensionsLog.CredentialSkipped(logger, clientName, i, source.SourceType, reason);
            reasons.Add($"[{i}] {source.SourceType}: {reason}");
        }

        var key = $"{options.ConfigurationPath}:Credentials";
        throw new ClientCredentialsConfigurationException(
            key,
            $"None of the {options.Credentials.Count} credential(s) in {key} could be used by client '{clientName}': {string.Join(" ", reasons)}");
    }
}
