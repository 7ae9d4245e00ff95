using Microsoft.Extensions.Logging;

namespace ClientCredentials.Protocol.Extensions.Diagnostics;

/// <summary>
/// Log messages of the Microsoft.Extensions integration (event ids 3001–3199, see docs/observability.md). Tokens
/// appear only as <see cref="TokenFingerprint"/>s; secrets and assertions never.
/// </summary>
internal static partial class ExtensionsLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "Client '{ClientName}' attached token {TokenFingerprint} to a request to {RequestHost}.")]
    public static partial void TokenAttached(ILogger logger, string clientName, string tokenFingerprint, string requestHost);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "{RequestHost} answered 401 to token {TokenFingerprint} of client '{ClientName}' (claims challenge: {ClaimsChallenge}); the token was invalidated and the request is sent once more with a new token.")]
    public static partial void Reauthenticating(ILogger logger, string requestHost, string tokenFingerprint, string clientName, bool claimsChallenge);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "{RequestHost} answered 401 to token {TokenFingerprint} of client '{ClientName}'; the token was invalidated, but the request body is a stream that cannot be sent again, so the 401 is returned.")]
    public static partial void BodyNotResendable(ILogger logger, string requestHost, string tokenFingerprint, string clientName);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Client '{ClientName}' has no token for a request to {RequestHost}; the request was not sent.")]
    public static partial void TokenUnavailable(ILogger logger, Exception exception, string clientName, string requestHost);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "{RequestHost} sent a claims challenge that is neither JSON nor Base64-encoded JSON; it was ignored and a plain new token is requested for client '{ClientName}'.")]
    public static partial void ClaimsChallengeUnreadable(ILogger logger, string requestHost, string clientName);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "{RequestHost} answered 401 again, to the new token {TokenFingerprint} of client '{ClientName}'; the response is returned (no further retry). Check the API's expected audience and roles.")]
    public static partial void NewTokenRejected(ILogger logger, string requestHost, string tokenFingerprint, string clientName);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "{RequestHost} answered 401 to token {TokenFingerprint} of client '{ClientName}', and the token endpoint returned the same token again; the 401 is returned.")]
    public static partial void TokenUnchanged(ILogger logger, string requestHost, string tokenFingerprint, string clientName);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning, Message = "A request to {RequestHost} was redirected and {AnsweredHost} answered 401; token {TokenFingerprint} of client '{ClientName}' is only for {RequestHost}, so it was not invalidated and nothing was resent.")]
    public static partial void RedirectedUnauthorized(ILogger logger, string requestHost, string answeredHost, string tokenFingerprint, string clientName);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Client '{ClientName}': credential {Index} ({SourceType}) skipped: {Reason}")]
    public static partial void CredentialSkipped(ILogger logger, string clientName, int index, CredentialSourceType sourceType, string reason);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Client '{ClientName}' uses credential {Index} ({SourceType}): {Credential}.")]
    public static partial void CredentialSelected(ILogger logger, string clientName, int index, CredentialSourceType sourceType, string credential);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "Client '{ClientName}' created for client id {ClientId} at {Authority}.")]
    public static partial void ClientCreated(ILogger logger, string clientName, string clientId, TokenAuthority authority);
}
