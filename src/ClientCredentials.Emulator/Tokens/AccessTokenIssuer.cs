using System.Security.Cryptography;
using ClientCredentials.Emulator.Directory;
using ClientCredentials.Emulator.Endpoints;
using ClientCredentials.Emulator.Signing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Emulator.Tokens;

/// <summary>An issued access token and its times.</summary>
internal sealed record IssuedToken(string AccessToken, DateTimeOffset NotBefore, DateTimeOffset ExpiresOn);

/// <summary>
/// Issues RS256 v2 app-only access tokens as AAD does: <c>aud</c> is the resource's app id (GUID, as in AAD v2
/// tokens), <c>iss</c> = <c>{base}/{tenantId}/v2.0</c>, <c>tid</c>, <c>roles</c> (omitted when none),
/// <c>azp</c>, <c>azpacr</c>, <c>oid</c> = <c>sub</c> (the service principal), <c>idtyp</c>=app, <c>ver</c>=2.0,
/// <c>uti</c>, <c>iat</c>/<c>nbf</c>/<c>exp</c>; header <c>kid</c> and <c>x5t</c>.
/// </summary>
internal sealed class AccessTokenIssuer(EmulatorSigningKey signingKey, TimeProvider timeProvider, EmulatorOptions options)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public IssuedToken Issue(RegisteredApplication application, RegisteredResource resource, ClientAuthentication authentication, string baseAddress)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(timeProvider.GetUtcNow().ToUnixTimeSeconds());
        var expires = now + options.AccessTokenLifetime;
        var claims = new Dictionary<string, object>
        {
            ["tid"] = application.Tenant.Id,
            ["azp"] = application.ClientId,
            ["azpacr"] = authentication.Azpacr,
            ["oid"] = application.ObjectId,
            ["sub"] = application.ObjectId,
            ["idtyp"] = "app",
            ["ver"] = "2.0",
            ["uti"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16)),
        };
        var roles = application.RolesOn(resource);
        if (roles.Count > 0)
        {
            claims["roles"] = roles.ToArray();
        }

        return Sign(EmulatorUrls.Issuer(baseAddress, application.Tenant.Id), resource.AppId, claims, now, expires);
    }

    /// <summary>
    /// A managed identity token as IMDS and App Service hand out: <c>oid</c> = <c>sub</c> = the identity's object id,
    /// <c>azp</c> = its client id, <c>xms_mirid</c> for a user-assigned identity, <c>aud</c> = the resource's app id, or
    /// the token exchange audience itself (<c>api://AzureADTokenExchange</c>) when the token is to be a federated assertion.
    /// </summary>
    public IssuedToken IssueForManagedIdentity(RegisteredManagedIdentity identity, string audience, IReadOnlyList<string> roles, string baseAddress)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(timeProvider.GetUtcNow().ToUnixTimeSeconds());
        var expires = now + options.AccessTokenLifetime;
        var claims = new Dictionary<string, object>
        {
            ["tid"] = identity.Tenant.Id,
            ["azp"] = identity.ClientId,
            ["azpacr"] = "2",
            ["oid"] = identity.ObjectId,
            ["sub"] = identity.ObjectId,
            ["idtyp"] = "app",
            ["ver"] = "2.0",
            ["uti"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16)),
        };
        if (identity.ResourceId is { } resourceId)
        {
            claims["xms_mirid"] = resourceId;
        }

        if (roles.Count > 0)
        {
            claims["roles"] = roles.ToArray();
        }

        return Sign(EmulatorUrls.Issuer(baseAddress, identity.Tenant.Id), audience, claims, now, expires);
    }

    /// <summary>Signs the claims with the emulator's key, with <c>iat</c> = <c>nbf</c> = <paramref name="now"/>.</summary>
    private IssuedToken Sign(string issuer, string audience, Dictionary<string, object> claims, DateTimeOffset now, DateTimeOffset expires)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = signingKey.SigningCredentials,
            TokenType = "JWT",
        };
        return new IssuedToken(_handler.CreateToken(descriptor), now, expires);
    }
}
