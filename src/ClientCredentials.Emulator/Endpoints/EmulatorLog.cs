using Microsoft.Extensions.Logging;

namespace ClientCredentials.Emulator.Endpoints;

/// <summary>The emulator's log events. They carry ids and codes only: never secrets, assertions or tokens.</summary>
internal static partial class EmulatorLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Emulator listening on {BaseAddress}")]
    public static partial void Started(ILogger logger, Uri baseAddress);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Token issued: tenant {TenantId}, client {ClientId}, resource {Resource}, credential {Method}, roles {RoleCount}")]
    public static partial void TokenIssued(ILogger logger, string tenantId, string clientId, string resource, string method, int roleCount);

    /// <summary>Event 3. The tenant segment and client id come from the request: they are neutralised first (<see cref="LogText"/>).</summary>
    public static void TokenRejected(ILogger logger, string tenant, string? clientId, int status, string error, int code)
    {
        if (logger.IsEnabled(LogLevel.Warning))
        {
            var safeTenant = LogText.Safe(tenant)!;
            var safeClientId = LogText.Safe(clientId);
            LogTokenRejected(logger, safeTenant, safeClientId, status, error, code);
        }
    }

    /// <summary>Event 4. The tenant segment comes from the request: it is neutralised first.</summary>
    public static void FaultInjected(ILogger logger, string tenant, int status)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            var safeTenant = LogText.Safe(tenant)!;
            LogFaultInjected(logger, safeTenant, status);
        }
    }

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Token request rejected: tenant {Tenant}, client {ClientId}, HTTP {Status} {Error} AADSTS{Code}")]
    private static partial void LogTokenRejected(ILogger logger, string tenant, string? clientId, int status, string error, int code);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Fault injected: tenant {Tenant}, HTTP {Status}")]
    private static partial void LogFaultInjected(ILogger logger, string tenant, int status);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Application registered: client {ClientId} in tenant {TenantId}")]
    public static partial void ApplicationRegistered(ILogger logger, string clientId, string tenantId);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Managed identity token issued by the {Shape} endpoint: identity {ObjectId}, resource {Resource}")]
    public static partial void ManagedIdentityTokenIssued(ILogger logger, string shape, string objectId, string resource);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Protected API answered {Status} ({Reason})")]
    public static partial void ProtectedApiAnswered(ILogger logger, int status, string reason);
}
