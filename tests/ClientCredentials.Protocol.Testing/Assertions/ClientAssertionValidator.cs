using System.IdentityModel.Tokens.Jwt;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Protocol.Testing;

/// <summary>
/// Checks a client assertion the library built (RFC 7523 §3, RFC 7521 §5.2; the checks Entra ID makes on a
/// certificate credential) with an implementation that shares no code with the library:
/// System.IdentityModel.Tokens.Jwt's <see cref="JwtSecurityTokenHandler"/> verifies the signature with the
/// certificate's public key, <c>alg</c>, <c>aud</c>, <c>iss</c> and the lifetime; this type then checks <c>sub</c>,
/// <c>jti</c> and that <c>x5t#S256</c> / <c>x5t</c> name the certificate (RFC 7515 §4.1.7–4.1.8, computed here from
/// the certificate's DER).
/// </summary>
public static class ClientAssertionValidator
{
    /// <summary>
    /// Validates <paramref name="assertion"/> against <paramref name="expected"/> and returns the decoded token.
    /// </summary>
    /// <exception cref="ClientAssertionInvalidException">A check failed; the message lists every failed check.</exception>
    public static JwtSecurityToken Validate(string assertion, ExpectedClientAssertion expected)
    {
        ArgumentException.ThrowIfNullOrEmpty(assertion);
        ArgumentNullException.ThrowIfNull(expected);

        var now = expected.Now ?? DateTimeOffset.UtcNow;
        var handler = new JwtSecurityTokenHandler { MapInboundClaims = false };
        JwtSecurityToken token;
        try
        {
            // Checked first: with another algorithm the handler finds no usable key and reports only a bad signature.
            var alg = handler.ReadJwtToken(assertion).Header.Alg;
            if (alg != expected.Algorithm)
            {
                throw new ClientAssertionInvalidException($"The client assertion's alg is '{alg}', expected '{expected.Algorithm}'.");
            }

            handler.ValidateToken(assertion, new TokenValidationParameters
            {
                IssuerSigningKey = SigningKey(expected.Certificate),
                ValidAlgorithms = [expected.Algorithm],
                ValidAudience = expected.Audience,
                ValidIssuer = expected.ClientId,
                RequireSignedTokens = true,
                RequireExpirationTime = true,
                ValidateLifetime = true,
                LifetimeValidator = (notBefore, expires, _, _) =>
                    notBefore is { } nbf && expires is { } exp &&
                    nbf <= (now + expected.ClockSkew).UtcDateTime && (now - expected.ClockSkew).UtcDateTime < exp,
            }, out var validated);
            token = (JwtSecurityToken)validated;
        }
        catch (Exception e) when (e is SecurityTokenException or ArgumentException)
        {
            throw new ClientAssertionInvalidException($"The client assertion fails validation by JwtSecurityTokenHandler: {e.Message}", e);
        }

        var problems = new List<string>();
        if (token.Payload.Sub != expected.ClientId)
        {
            problems.Add($"sub is '{token.Payload.Sub}', expected the client id '{expected.ClientId}'");
        }

        if (string.IsNullOrWhiteSpace(token.Payload.Jti))
        {
            problems.Add("jti is missing or empty");
        }

        if (expected.Lifetime is { } lifetime && token.ValidTo - token.ValidFrom != lifetime)
        {
            problems.Add($"exp - nbf is {(token.ValidTo - token.ValidFrom).TotalSeconds} s, expected {lifetime.TotalSeconds} s");
        }

        var thumbprints = new Dictionary<string, string>
        {
            ["x5t#S256"] = Base64UrlEncoder.Encode(SHA256.HashData(expected.Certificate.RawData)),
            ["x5t"] = Base64UrlEncoder.Encode(SHA1.HashData(expected.Certificate.RawData)),
        };
        if (!token.Header.ContainsKey(expected.ThumbprintHeader))
        {
            problems.Add($"the header has no {expected.ThumbprintHeader}");
        }

        foreach (var (name, value) in thumbprints)
        {
            if (token.Header.TryGetValue(name, out var sent) && sent as string != value)
            {
                problems.Add($"{name} is '{sent}', not the certificate's '{value}'");
            }
        }

        return problems.Count == 0
            ? token
            : throw new ClientAssertionInvalidException($"The client assertion is signed correctly but {string.Join("; ", problems)}.");
    }

    private static SecurityKey SigningKey(X509Certificate2 certificate)
    {
        // Only the public part: a check that could use the private key would not prove anything.
        var publicOnly = TestCertificates.PublicOnly(certificate);
        return publicOnly.GetECDsaPublicKey() is { } ec ? new ECDsaSecurityKey(ec) : new X509SecurityKey(publicOnly);
    }
}

/// <summary>What a client assertion must say (see <see cref="ClientAssertionValidator"/>).</summary>
public sealed record ExpectedClientAssertion
{
    /// <summary>The client id, expected as <c>iss</c> and <c>sub</c> (RFC 7523 §3 items 1–2).</summary>
    public required string ClientId { get; init; }

    /// <summary>The token endpoint URL, expected as <c>aud</c> (RFC 7523 §3 item 3; Entra compares it exactly).</summary>
    public required string Audience { get; init; }

    /// <summary>The certificate whose public key must verify the signature and whose thumbprints the header carries.</summary>
    public required X509Certificate2 Certificate { get; init; }

    /// <summary><c>PS256</c> (Entra), <c>RS256</c> (AD FS and other servers) or <c>ES256</c> (EC keys).</summary>
    public required string Algorithm { get; init; }

    /// <summary>The thumbprint header that must be present, by <see cref="Algorithm"/>: <c>x5t#S256</c> for PS256, <c>x5t</c> otherwise.</summary>
    public string ThumbprintHeader => Algorithm == "PS256" ? "x5t#S256" : "x5t";

    /// <summary>The moment the assertion must be valid at (<c>nbf</c> ≤ now &lt; <c>exp</c>); default the system clock.</summary>
    public DateTimeOffset? Now { get; init; }

    /// <summary>Slack for <see cref="Now"/> when the assertion was built on another clock reading. Default none.</summary>
    public TimeSpan ClockSkew { get; init; }

    /// <summary>When set, <c>exp − nbf</c> must equal it (the library's default is 10 minutes).</summary>
    public TimeSpan? Lifetime { get; init; }
}

/// <summary>A client assertion failed <see cref="ClientAssertionValidator"/>; the message names every failed check.</summary>
public sealed class ClientAssertionInvalidException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ClientAssertionInvalidException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
