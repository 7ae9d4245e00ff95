using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Cli.Tests.Infrastructure;

/// <summary>Validates an access token the way a resource would: signature with the emulator's JWKS, issuer, audience, lifetime.</summary>
internal static class IssuedTokens
{
    public static async Task<JsonWebToken> ValidateAsync(EmulatorFixture emulator, string token)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var jwks = await http.GetStringAsync($"{emulator.Instance}/{EmulatorFixture.TenantId}/discovery/v2.0/keys");
        var result = await new JsonWebTokenHandler { MapInboundClaims = false }.ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKeys = new JsonWebKeySet(jwks).GetSigningKeys(),
            ValidIssuer = emulator.Server.GetIssuer(EmulatorFixture.TenantId).AbsoluteUri,
            ValidAudience = EmulatorFixture.ResourceAppId,
            ValidateLifetime = true,
            RequireSignedTokens = true,
        });
        Assert.True(result.IsValid, $"The token did not validate against the emulator's JWKS: {result.Exception?.Message}");
        return (JsonWebToken)result.SecurityToken;
    }

    public static IReadOnlyList<string> Roles(JsonWebToken token) => token.Claims.Where(c => c.Type == "roles").Select(c => c.Value).ToList();
}

/// <summary>Assertions shared by tests that handle a secret.</summary>
internal static class SecretAssert
{
    public static void NotIn(CliResult result, params string[] secrets)
    {
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, result.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, result.Stderr, StringComparison.Ordinal);
        }
    }
}
