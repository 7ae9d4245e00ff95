using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Emulator.Tests.Infrastructure;

/// <summary>
/// Builds client assertions (RFC 7523) with Microsoft.IdentityModel.JsonWebTokens: the payload is written as JSON
/// by hand so tests control every claim, including MSAL's string-typed <c>nbf</c>/<c>exp</c>.
/// </summary>
internal sealed class AssertionBuilder
{
    private readonly Dictionary<string, object?> _claims = new(StringComparer.Ordinal);
    private readonly Dictionary<string, object> _header = new(StringComparer.Ordinal);
    private SigningCredentials? _credentials;

    public static AssertionBuilder ForCertificate(string clientId, string audience, DateTimeOffset? now = null)
    {
        var issued = now ?? DateTimeOffset.UtcNow;
        return new AssertionBuilder()
            .Claim("iss", clientId)
            .Claim("sub", clientId)
            .Claim("aud", audience)
            .Claim("jti", Guid.NewGuid().ToString())
            .Claim("nbf", issued.ToUnixTimeSeconds())
            .Claim("iat", issued.ToUnixTimeSeconds())
            .Claim("exp", issued.AddMinutes(10).ToUnixTimeSeconds());
    }

    public static AssertionBuilder ForFederated(string issuer, string subject, string audience)
    {
        var now = DateTimeOffset.UtcNow;
        return new AssertionBuilder()
            .Claim("iss", issuer)
            .Claim("sub", subject)
            .Claim("aud", audience)
            .Claim("jti", Guid.NewGuid().ToString())
            .Claim("nbf", now.ToUnixTimeSeconds())
            .Claim("iat", now.ToUnixTimeSeconds())
            .Claim("exp", now.AddMinutes(10).ToUnixTimeSeconds());
    }

    public AssertionBuilder Claim(string name, object? value)
    {
        _claims[name] = value;
        return this;
    }

    public AssertionBuilder Without(string name)
    {
        _claims.Remove(name);
        return this;
    }

    public AssertionBuilder Header(string name, object value)
    {
        _header[name] = value;
        return this;
    }

    /// <summary>PS256 with <c>x5t#S256</c>, as MSAL signs for AAD.</summary>
    public AssertionBuilder SignPs256(X509Certificate2 certificate) =>
        Sign(new X509SecurityKey(certificate), SecurityAlgorithms.RsaSsaPssSha256).Header("x5t#S256", Base64UrlEncoder.Encode(SHA256.HashData(certificate.RawData)));

    /// <summary>RS256 with <c>x5t</c> (SHA-1), as MSAL signs for ADFS and generic servers.</summary>
    public AssertionBuilder SignRs256(X509Certificate2 certificate)
    {
        // X509 signing credentials make the handler write x5t (SHA-1) itself.
        _credentials = new X509SigningCredentials(certificate, SecurityAlgorithms.RsaSha256);
        return this;
    }

    public AssertionBuilder SignEs256(X509Certificate2 certificate) =>
        Sign(new ECDsaSecurityKey(certificate.GetECDsaPrivateKey()!), SecurityAlgorithms.EcdsaSha256).Header("x5t#S256", Base64UrlEncoder.Encode(SHA256.HashData(certificate.RawData)));

    public AssertionBuilder Sign(SecurityKey key, string algorithm)
    {
        _credentials = new SigningCredentials(key, algorithm);
        return this;
    }

    public string Build()
    {
        var payload = JsonSerializer.Serialize(_claims);
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(payload, _credentials ?? throw new InvalidOperationException("Call a Sign method first."), _header);
    }
}
