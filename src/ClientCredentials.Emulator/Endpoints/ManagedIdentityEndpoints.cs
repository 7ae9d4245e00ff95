using System.Globalization;
using System.Text.Json;
using ClientCredentials.Emulator.Directory;
using ClientCredentials.Emulator.Errors;
using ClientCredentials.Emulator.Tokens;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ClientCredentials.Emulator.Endpoints;

/// <summary>
/// The emulated Azure resource's managed identity endpoints, in the two shapes clients meet most:
/// IMDS (<c>GET /metadata/identity/oauth2/token?api-version=2018-02-01&amp;resource=…</c>, <c>Metadata: true</c>
/// required) and App Service 2019-08-01 (<c>GET /msi/token?api-version=2019-08-01&amp;resource=…</c>,
/// <c>X-IDENTITY-HEADER</c> required). Each checks its guard header and API version and answers in its own error shape:
/// IMDS's (<c>error</c>, <c>error_description</c>; AAD's full body for an unknown resource), App Service's
/// (<c>statusCode</c>, <c>message</c>, <c>correlationId</c>).
/// </summary>
internal sealed class ManagedIdentityEndpoints(
    Func<DirectorySnapshot> directory,
    AccessTokenIssuer issuer,
    AadErrorWriter errorWriter,
    EmulatorAddress address,
    string appServiceIdentityHeader,
    ILogger logger)
{
    /// <summary>The token exchange audiences a managed identity token may be asked for without a configured resource.</summary>
    internal static readonly string[] TokenExchangeAudiences = ["api://AzureADTokenExchange", "api://AzureADTokenExchangeUSGov", "api://AzureADTokenExchangeChina"];

    public async Task ImdsAsync(HttpContext context)
    {
        var request = context.Request;
        if (!string.Equals(request.Headers["Metadata"].ToString(), "true", StringComparison.Ordinal))
        {
            await ImdsErrorAsync(context, 400, "bad_request_102", "Required metadata header not specified").ConfigureAwait(false);
            return;
        }

        if (request.Query["api-version"].ToString() != "2018-02-01")
        {
            await ImdsErrorAsync(context, 400, "invalid_request", $"The api-version '{request.Query["api-version"]}' is not supported; use 2018-02-01.").ConfigureAwait(false);
            return;
        }

        var resource = request.Query["resource"].ToString();
        if (resource.Length == 0)
        {
            await ImdsErrorAsync(context, 400, "invalid_request", "Required query variable 'resource' is missing").ConfigureAwait(false);
            return;
        }

        var (identity, problem) = Identify(request.Query, "client_id", "object_id", request.Query.ContainsKey("msi_res_id") ? "msi_res_id" : "mi_res_id");
        if (identity is null)
        {
            await ImdsErrorAsync(context, 400, "invalid_request", problem!).ConfigureAwait(false);
            return;
        }

        var target = Resolve(resource, identity);
        if (target.Error is { } error)
        {
            await errorWriter.WriteAsync(context, error, address.Root, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var token = issuer.IssueForManagedIdentity(identity, target.Audience!, target.Roles, address.Root);
        EmulatorLog.ManagedIdentityTokenIssued(logger, "IMDS", identity.ObjectId, resource);
        var expiresIn = ((long)(token.ExpiresOn - token.NotBefore).TotalSeconds).ToString(CultureInfo.InvariantCulture);
        await WriteJsonAsync(context, 200, writer =>
        {
            writer.WriteString("access_token", token.AccessToken);
            writer.WriteString("client_id", identity.ClientId);
            writer.WriteString("expires_in", expiresIn);
            writer.WriteString("expires_on", token.ExpiresOn.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
            writer.WriteString("ext_expires_in", expiresIn);
            writer.WriteString("not_before", token.NotBefore.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
            writer.WriteString("resource", resource);
            writer.WriteString("token_type", "Bearer");
        }).ConfigureAwait(false);
    }

    public async Task AppServiceAsync(HttpContext context)
    {
        var request = context.Request;
        var sent = request.Headers["X-IDENTITY-HEADER"].ToString();
        if (!System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(sent), System.Text.Encoding.UTF8.GetBytes(appServiceIdentityHeader)))
        {
            await AppServiceErrorAsync(context, 401, sent.Length == 0 ? "The X-IDENTITY-HEADER header is missing." : "The X-IDENTITY-HEADER header does not match IDENTITY_HEADER.").ConfigureAwait(false);
            return;
        }

        if (request.Query["api-version"].ToString() != "2019-08-01")
        {
            await AppServiceErrorAsync(context, 400, $"The api-version '{request.Query["api-version"]}' is not supported; use 2019-08-01.").ConfigureAwait(false);
            return;
        }

        var resource = request.Query["resource"].ToString();
        if (resource.Length == 0)
        {
            await AppServiceErrorAsync(context, 400, "The 'resource' query parameter is required.").ConfigureAwait(false);
            return;
        }

        var objectIdParameter = request.Query.ContainsKey("object_id") ? "object_id" : "principal_id";
        var (identity, problem) = Identify(request.Query, "client_id", objectIdParameter, "mi_res_id");
        if (identity is null)
        {
            await AppServiceErrorAsync(context, 400, problem!).ConfigureAwait(false);
            return;
        }

        var target = Resolve(resource, identity);
        if (target.Error is { } error)
        {
            await AppServiceErrorAsync(context, error.StatusCode, $"AADSTS{error.Code}: {error.Message}").ConfigureAwait(false);
            return;
        }

        var token = issuer.IssueForManagedIdentity(identity, target.Audience!, target.Roles, address.Root);
        EmulatorLog.ManagedIdentityTokenIssued(logger, "App Service", identity.ObjectId, resource);
        await WriteJsonAsync(context, 200, writer =>
        {
            writer.WriteString("access_token", token.AccessToken);
            writer.WriteString("expires_on", token.ExpiresOn.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
            writer.WriteString("resource", resource);
            writer.WriteString("token_type", "Bearer");
            writer.WriteString("client_id", identity.ClientId);
        }).ConfigureAwait(false);
    }

    /// <summary>The identity the query names (at most one id parameter), or the system-assigned one when none.</summary>
    private (RegisteredManagedIdentity? Identity, string? Problem) Identify(IQueryCollection query, string clientIdName, string objectIdName, string resourceIdName)
    {
        var given = new[] { clientIdName, objectIdName, resourceIdName }.Where(name => query[name].ToString().Length > 0).ToList();
        if (given.Count > 1)
        {
            return (null, $"Only one of {clientIdName}, {objectIdName} and {resourceIdName} may be given; found {string.Join(", ", given)}.");
        }

        var snapshot = directory();
        var identity = given.Count == 0
            ? snapshot.SystemAssignedIdentity
            : snapshot.FindManagedIdentity(
                given[0] == clientIdName ? query[clientIdName].ToString() : null,
                given[0] == objectIdName ? query[objectIdName].ToString() : null,
                given[0] == resourceIdName ? query[resourceIdName].ToString() : null);
        return identity is null ? (null, "Identity not found") : (identity, null);
    }

    /// <summary>A configured resource (its app id as <c>aud</c>, the identity's roles), a token exchange audience, or AADSTS500011.</summary>
    private (string? Audience, IReadOnlyList<string> Roles, AadError? Error) Resolve(string resource, RegisteredManagedIdentity identity)
    {
        var configured = directory().FindResource(resource.EndsWith('/') ? resource.TrimEnd('/') : resource);
        if (configured is not null)
        {
            return (configured.AppId, identity.RolesOn(configured), null);
        }

        var exchange = TokenExchangeAudiences.FirstOrDefault(a => string.Equals(a, resource.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));
        return exchange is not null
            ? (exchange, [], null)
            : (null, [], AadErrors.ResourceNotFound(resource, identity.Tenant.Id));
    }

    private static Task ImdsErrorAsync(HttpContext context, int status, string error, string description) =>
        WriteJsonAsync(context, status, writer =>
        {
            writer.WriteString("error", error);
            writer.WriteString("error_description", description);
        });

    private static Task AppServiceErrorAsync(HttpContext context, int status, string message) =>
        WriteJsonAsync(context, status, writer =>
        {
            writer.WriteNumber("statusCode", status);
            writer.WriteString("message", message);
            writer.WriteString("correlationId", Guid.NewGuid().ToString("D"));
        });

    private static async Task WriteJsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        body(writer);
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
