using System.Globalization;
using System.Text.Json;
using ClientCredentials.Emulator.Errors;
using ClientCredentials.Emulator.Faults;
using ClientCredentials.Emulator.Tokens;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ClientCredentials.Emulator.Endpoints;

/// <summary>
/// The HTTP side of <c>POST /{tenant}/oauth2/v2.0/token</c> and <c>POST /{tenant}/oauth2/token</c>: faults first,
/// then the form is read and processed, then the AAD-shaped success (RFC 6749 §5.1) or error (§5.2) is written.
/// </summary>
internal sealed class TokenEndpoint(
    TokenRequestProcessor processor,
    Func<HttpContext, FaultInjector> faultsFor,
    Func<HttpContext, string?> regionalRootOf,
    AadErrorWriter errorWriter,
    EmulatorAddress address,
    ILogger logger)
{
    public async Task HandleAsync(HttpContext context, TokenEndpointVersion version)
    {
        var cancellationToken = context.RequestAborted;
        var tenant = context.Request.RouteValues["tenant"] as string ?? string.Empty;

        if (await faultsFor(context).ApplyAsync(cancellationToken).ConfigureAwait(false) is { } fault)
        {
            EmulatorLog.FaultInjected(logger, tenant, fault.StatusCode);
            await errorWriter.WriteAsync(context, fault, address.Root, cancellationToken).ConfigureAwait(false);
            return;
        }

        var (form, bodyError) = await TokenRequestBody.ReadAsync(context, cancellationToken).ConfigureAwait(false);
        if (bodyError is not null)
        {
            EmulatorLog.TokenRejected(logger, tenant, null, bodyError.StatusCode, bodyError.Error, bodyError.Code);
            await errorWriter.WriteAsync(context, bodyError, address.Root, cancellationToken).ConfigureAwait(false);
            return;
        }

        // The assertion audience is judged against the emulator's own addresses only — the configured base address, and
        // the regional alias when the connection arrived there — never the request's Host header, which the client chooses.
        string[] audienceBases = regionalRootOf(context) is { } regionalRoot ? [address.Root, regionalRoot] : [address.Root];
        var request = new TokenRequest(version, tenant, form, context.Request.Headers.Authorization.ToString() is { Length: > 0 } auth ? auth : null, audienceBases);
        var outcome = await processor.ProcessAsync(request).ConfigureAwait(false);

        if (outcome.Error is { } error)
        {
            EmulatorLog.TokenRejected(logger, tenant, request.Parameter("client_id"), error.StatusCode, error.Error, error.Code);
            await errorWriter.WriteAsync(context, error, address.Root, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (logger.IsEnabled(LogLevel.Information))
        {
            var roleCount = outcome.Application!.RolesOn(outcome.Resource!).Count;
            EmulatorLog.TokenIssued(logger, outcome.Application.Tenant.Id, outcome.Application.ClientId, outcome.Resource!.AppIdUri, outcome.Authentication!.Method, roleCount);
        }

        await WriteSuccessAsync(context, version, outcome, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// v2: <c>token_type</c>, <c>expires_in</c>, <c>ext_expires_in</c>, <c>access_token</c> with numbers; v1 (as AAD v1
    /// answers): the same plus <c>expires_on</c>, <c>not_before</c> and <c>resource</c>, every number as a string.
    /// </summary>
    private static async Task WriteSuccessAsync(HttpContext context, TokenEndpointVersion version, TokenOutcome outcome, CancellationToken cancellationToken)
    {
        var token = outcome.Token!;
        var expiresIn = (long)(token.ExpiresOn - token.NotBefore).TotalSeconds;
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
        RequestCorrelation.EchoClientRequestId(context);

        await using var writer = new Utf8JsonWriter(response.Body);
        writer.WriteStartObject();
        writer.WriteString("token_type", "Bearer");
        if (version == TokenEndpointVersion.V2)
        {
            writer.WriteNumber("expires_in", expiresIn);
            writer.WriteNumber("ext_expires_in", expiresIn);
        }
        else
        {
            writer.WriteString("expires_in", expiresIn.ToString(CultureInfo.InvariantCulture));
            writer.WriteString("ext_expires_in", expiresIn.ToString(CultureInfo.InvariantCulture));
            writer.WriteString("expires_on", token.ExpiresOn.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
            writer.WriteString("not_before", token.NotBefore.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
            writer.WriteString("resource", outcome.RequestedResource);
        }

        writer.WriteString("access_token", token.AccessToken);
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
