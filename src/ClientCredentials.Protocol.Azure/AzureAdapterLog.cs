using Microsoft.Extensions.Logging;

namespace ClientCredentials.Protocol.Azure;

/// <summary>Log messages of the Azure SDK and Kiota adapters (event ids 4001–4099, see docs/observability.md).</summary>
internal static partial class AzureAdapterLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "{Adapter} was given a claims challenge that is neither JSON nor Base64/Base64url-encoded JSON; it was ignored and a token is requested without claims for client {ClientId}.")]
    public static partial void ClaimsChallengeUnreadable(ILogger logger, string adapter, string clientId);
}
