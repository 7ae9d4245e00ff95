using ClientCredentials.Emulator.Errors;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Emulator.Tokens;

/// <summary>Checks shared by certificate and federated assertions: algorithm, signature and time window.</summary>
internal static class AssertionChecks
{
    private static readonly string[] SupportedAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256];
    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    /// <summary>RS256, PS256 (AAD's default for MSAL) and ES256 are accepted; anything else, including <c>none</c>, is not.</summary>
    public static AadError? CheckAlgorithm(ClientAssertion assertion) =>
        SupportedAlgorithms.Contains(assertion.Algorithm, StringComparer.Ordinal) ? null : AadErrors.UnsupportedAlgorithm(assertion.Algorithm);

    /// <summary>Whether the JWS signature verifies with one of the keys (RFC 7515 §5.2); claims are checked elsewhere.</summary>
    public static async Task<bool> SignatureVerifiesAsync(ClientAssertion assertion, IEnumerable<SecurityKey> keys)
    {
        var parameters = new TokenValidationParameters
        {
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = false,
            TryAllIssuerSigningKeys = true,
            IssuerSigningKeys = keys,
            ValidAlgorithms = SupportedAlgorithms,
        };
        var result = await Handler.ValidateTokenAsync(assertion.Raw, parameters).ConfigureAwait(false);
        return result.IsValid;
    }

    /// <summary>
    /// <c>exp</c> is required; <c>exp</c> and <c>nbf</c> are checked with the clock skew (AADSTS700024); when a
    /// maximum lifetime is given, <c>exp</c> minus (<c>nbf</c>, else <c>iat</c>, else now) must not exceed it.
    /// </summary>
    public static AadError? CheckTimes(ClientAssertion assertion, DateTimeOffset now, TimeSpan clockSkew, TimeSpan? maxLifetime)
    {
        if (assertion.Expires is not { } expires)
        {
            return AadErrors.InvalidJwt("The client assertion must contain an 'exp' claim (RFC 7523 §3).");
        }

        if (now > expires + clockSkew || (assertion.NotBefore is { } notBefore && now < notBefore - clockSkew))
        {
            return AadErrors.AssertionNotInTimeRange(now, assertion.NotBefore, expires);
        }

        if (maxLifetime is { } maximum)
        {
            var start = assertion.NotBefore ?? assertion.IssuedAt ?? now;
            if (expires - start > maximum)
            {
                return AadErrors.AssertionLifetimeTooLong(expires - start, maximum);
            }
        }

        return null;
    }
}
