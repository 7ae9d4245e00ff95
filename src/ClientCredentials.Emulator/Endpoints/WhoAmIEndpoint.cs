using System.Text.Json;
using ClientCredentials.Emulator.Directory;
using ClientCredentials.Emulator.Signing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Emulator.Endpoints;

/// <summary>
/// The sample protected API, <c>GET /api/whoami</c>. It validates the bearer token (RFC 6750) against the
/// emulator's signing key: signature, issuer (any configured tenant), audience (the configured resource's app id or
/// app id URI) and lifetime with the clock skew. 401 answers carry
/// <c>WWW-Authenticate: Bearer realm="", authorization_uri="...", resource_id="...", error="invalid_token", error_description="..."</c>
/// as Entra-protected APIs do; a missing role answers 403 with <c>error="insufficient_scope"</c> (RFC 6750 §3.1).
/// </summary>
internal sealed class WhoAmIEndpoint(
    EmulatorProtectedApi? api,
    Func<DirectorySnapshot> directory,
    EmulatorSigningKey signingKey,
    TimeProvider timeProvider,
    EmulatorOptions options,
    EmulatorAddress address,
    ILogger logger)
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public async Task HandleAsync(HttpContext context)
    {
        var snapshot = directory();
        if (api is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var resource = snapshot.FindResource(api.Resource)!;
        var authorizationUri = EmulatorUrls.Authorize(address.Root, snapshot.Tenants[0].Id);
        var header = context.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || header.Length == scheme.Length)
        {
            await ChallengeAsync(context, 401, "invalid_token", "The access token is missing.", authorizationUri, resource).ConfigureAwait(false);
            return;
        }

        var parameters = new TokenValidationParameters
        {
            ValidIssuers = snapshot.Tenants.Select(t => EmulatorUrls.Issuer(address.Root, t.Id)).ToArray(),
            ValidAudiences = [resource.AppId, resource.AppIdUri],
            IssuerSigningKey = signingKey.SecurityKey,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ValidateLifetime = false,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
        };
        var result = await _handler.ValidateTokenAsync(header[scheme.Length..].Trim(), parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            await ChallengeAsync(context, 401, "invalid_token", DescribeFailure(result.Exception, resource), authorizationUri, resource).ConfigureAwait(false);
            return;
        }

        var token = (JsonWebToken)result.SecurityToken;
        var now = timeProvider.GetUtcNow().UtcDateTime;
        if (now > token.ValidTo + options.ClockSkew)
        {
            await ChallengeAsync(context, 401, "invalid_token", "The token is expired.", authorizationUri, resource).ConfigureAwait(false);
            return;
        }

        if (now < token.ValidFrom - options.ClockSkew)
        {
            await ChallengeAsync(context, 401, "invalid_token", "The token is not valid yet.", authorizationUri, resource).ConfigureAwait(false);
            return;
        }

        var roles = token.Claims.Where(c => c.Type == "roles").Select(c => c.Value).ToList();
        if (api.RequiredRole is { } required && !roles.Contains(required, StringComparer.Ordinal))
        {
            await ChallengeAsync(context, 403, "insufficient_scope", $"The caller does not hold the app role '{required}' required by this API.", authorizationUri, resource).ConfigureAwait(false);
            return;
        }

        EmulatorLog.ProtectedApiAnswered(logger, 200, "authorized");
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteString("appid", ClaimOf(token, "azp"));
        writer.WriteString("tenantId", ClaimOf(token, "tid"));
        writer.WriteString("objectId", ClaimOf(token, "oid"));
        writer.WriteString("audience", token.Audiences.FirstOrDefault());
        writer.WriteString("azpacr", ClaimOf(token, "azpacr"));
        writer.WriteStartArray("roles");
        foreach (var role in roles)
        {
            writer.WriteStringValue(role);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static string? ClaimOf(JsonWebToken token, string type) =>
        token.TryGetPayloadValue<string>(type, out var value) ? value : null;

    /// <summary>Our own wording: IdentityModel's messages are not meant for callers.</summary>
    private static string DescribeFailure(Exception? exception, RegisteredResource resource) => exception switch
    {
        SecurityTokenInvalidAudienceException => $"The audience is invalid; this API accepts tokens for '{resource.AppIdUri}' ({resource.AppId}).",
        SecurityTokenInvalidIssuerException => "The issuer is invalid; the token was not issued by a tenant of this emulator.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The token signature is invalid.",
        SecurityTokenInvalidAlgorithmException => "The token algorithm is not accepted; tokens are signed with RS256.",
        SecurityTokenNoExpirationException => "The token has no expiration.",
        SecurityTokenMalformedException or ArgumentException => "The token is malformed.",
        _ => "The token is invalid.",
    };

    private async Task ChallengeAsync(HttpContext context, int status, string error, string description, string authorizationUri, RegisteredResource resource)
    {
        EmulatorLog.ProtectedApiAnswered(logger, status, error);
        context.Response.StatusCode = status;
        context.Response.Headers.WWWAuthenticate =
            $"Bearer realm=\"\", authorization_uri=\"{authorizationUri}\", resource_id=\"{resource.AppIdUri}\", error=\"{error}\", error_description=\"{description.Replace("\"", "'", StringComparison.Ordinal)}\"";
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteString("error", error);
        writer.WriteString("error_description", description);
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
