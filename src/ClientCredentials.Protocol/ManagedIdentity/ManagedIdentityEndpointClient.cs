using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ClientCredentials.Protocol;

/// <summary>
/// Sends one managed identity token request and reads its answer: the only place this library talks HTTP to a
/// managed identity endpoint. An Azure Arc challenge is answered within the same attempt. Bodies are capped at
/// 1 MiB; network failures become <see cref="TokenEndpointUnreachableException"/>; retries belong to the pipeline.
/// Neither the secret header nor the Arc key is ever logged.
/// </summary>
internal sealed partial class ManagedIdentityEndpointClient(HttpClient httpClient, ManagedIdentityEndpoint endpoint, TimeProvider timeProvider, ILogger logger)
{
    public ManagedIdentityEndpoint Endpoint => endpoint;

    public async Task<AccessToken> SendAsync(string resource, IReadOnlyList<string> scopes, string correlationId, CancellationToken cancellationToken)
    {
        var source = ManagedIdentityDescriptions.Name(endpoint.Source);
        using var activity = ClientCredentialsTelemetry.ActivitySource.StartActivity(ClientCredentialsTelemetry.ManagedIdentityRequestActivity, ActivityKind.Client);
        activity?.SetTag("server.address", endpoint.TokenEndpoint.Host);
        activity?.SetTag("managed_identity.source", source);
        activity?.SetTag("client_request_id", correlationId);
        var requestedAt = timeProvider.GetUtcNow();
        var started = timeProvider.GetTimestamp();
        int? statusCode = null;
        try
        {
            if (logger.IsEnabled(LogLevel.Debug))
            {
                var identity = endpoint.Identity.ToString();
                LogSending(logger, source, endpoint.TokenEndpoint, identity, resource, correlationId);
            }

            var request = endpoint.CreateRequest(resource, correlationId);
            var (response, body) = await SendOnceAsync(request, cancellationToken).ConfigureAwait(false);
            using (response)
            {
                var answer = endpoint.AnswerChallenge(response, resource, correlationId);
                if (answer is not null)
                {
                    LogChallengeAnswered(logger, source, correlationId);
                    response.Dispose();
                    (var answered, body) = await SendOnceAsync(answer, cancellationToken).ConfigureAwait(false);
                    using (answered)
                    {
                        statusCode = (int)answered.StatusCode;
                        return Read(answered, body, scopes, correlationId, requestedAt, activity);
                    }
                }

                statusCode = (int)response.StatusCode;
                return Read(response, body, scopes, correlationId, requestedAt, activity);
            }
        }
        catch (TokenEndpointException ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Error);
            LogError(logger, source, (int)ex.StatusCode, ex.Error, string.Join(",", ex.ErrorCodes), correlationId);
            throw;
        }
        catch (Exception ex) when (IsNetworkFailure(ex, cancellationToken))
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            var timedOut = ex is OperationCanceledException;
            LogUnreachable(logger, source, endpoint.TokenEndpoint, timedOut, ex.Message, correlationId);
            throw new TokenEndpointUnreachableException(
                endpoint.TokenEndpoint,
                correlationId,
                timedOut,
                timedOut
                    ? $"The managed identity endpoint {endpoint.TokenEndpoint} ({source}) did not answer before the HttpClient timeout."
                    : $"The managed identity endpoint {endpoint.TokenEndpoint} ({source}) could not be reached: {ex.Message} Is this process running on an Azure resource with a managed identity?",
                ex);
        }
        finally
        {
            ClientCredentialsTelemetry.RequestDurationHistogram.Record(
                timeProvider.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("http.response.status_code", statusCode),
                new KeyValuePair<string, object?>("server.address", endpoint.TokenEndpoint.Host),
                new KeyValuePair<string, object?>("managed_identity.source", source));
        }
    }

    private async Task<(HttpResponseMessage Response, byte[] Body)> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            var response = await httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            try
            {
                var body = await ResponseBodyReader.ReadAsync(response.Content, cancellationToken).ConfigureAwait(false);
                return (response, body);
            }
            catch (ResponseTooLargeException ex)
            {
                var status = response.StatusCode;
                response.Dispose();
                throw new TokenEndpointException(
                    new TokenEndpointError { StatusCode = status, Error = TokenResponseReader.InvalidResponse, ErrorDescription = ex.Message },
                    $"The managed identity endpoint ({ManagedIdentityDescriptions.Name(endpoint.Source)})",
                    ex);
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }
    }

    private AccessToken Read(HttpResponseMessage response, byte[] body, IReadOnlyList<string> scopes, string correlationId, DateTimeOffset requestedAt, Activity? activity)
    {
        activity?.SetTag("http.response.status_code", (int)response.StatusCode);
        var token = ManagedIdentityResponseReader.Read(response.StatusCode, response.Headers, body, new ManagedIdentityResponseContext(endpoint.Source, scopes, correlationId, requestedAt));
        if (logger.IsEnabled(LogLevel.Information))
        {
            var sourceName = ManagedIdentityDescriptions.Name(endpoint.Source);
            var fingerprint = TokenFingerprint.Of(token.Token);
            LogReceived(logger, sourceName, fingerprint, token.ExpiresOn, correlationId);
        }

        return token;
    }

    private static bool IsNetworkFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is HttpRequestException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Debug, Message = "Requesting a managed identity token from {Source} at {Endpoint} ({Identity}, resource {Resource}, request id {CorrelationId}).")]
    private static partial void LogSending(ILogger logger, string source, Uri endpoint, string identity, string resource, string correlationId);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "{Source} issued managed identity token {TokenFingerprint}, expires {ExpiresOn:u} (request id {CorrelationId}).")]
    private static partial void LogReceived(ILogger logger, string source, string tokenFingerprint, DateTimeOffset expiresOn, string correlationId);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "{Source} answered HTTP {StatusCode} {Error} (codes {ErrorCodes}, request id {CorrelationId}).")]
    private static partial void LogError(ILogger logger, string source, int statusCode, string error, string errorCodes, string correlationId);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning, Message = "Managed identity endpoint {Endpoint} ({Source}) unreachable (timed out: {TimedOut}): {Reason} (request id {CorrelationId}).")]
    private static partial void LogUnreachable(ILogger logger, string source, Uri endpoint, bool timedOut, string reason, string correlationId);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Debug, Message = "{Source} challenged the request; answering with its key file (request id {CorrelationId}).")]
    private static partial void LogChallengeAnswered(ILogger logger, string source, string correlationId);
}
