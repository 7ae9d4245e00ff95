using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Cli.Tests.Infrastructure;

/// <summary>Hand-made client assertions (RFC 7523) with one thing wrong, for <c>--assertion-file</c>.</summary>
internal static class Assertions
{
    public static string Sign(X509Certificate2 certificate, string audience, string issuer, string subject, DateTime notBefore, DateTime expires) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", subject), new Claim("jti", Guid.NewGuid().ToString())]),
            IssuedAt = notBefore,
            NotBefore = notBefore,
            Expires = expires,
            SigningCredentials = new X509SigningCredentials(certificate, SecurityAlgorithms.RsaSha256),
        });

    public static string File(TestDirectory directory, string assertion)
    {
        var path = directory.File(Guid.NewGuid().ToString("N") + ".jwt");
        System.IO.File.WriteAllText(path, assertion);
        return path;
    }
}
