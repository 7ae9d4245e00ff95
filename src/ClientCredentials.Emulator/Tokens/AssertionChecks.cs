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

        // Saturating arithmetic: exp = 9999-12-31T23:59:59Z or nbf = 0001-01-01 are valid NumericDates whose skew-widened
        // bounds would not fit in a DateTimeOffset.
        if (now > Later(expires, clockSkew) || (assertion.NotBefore is { } notBefore && now < Earlier(notBefore, clockSkew)))
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

    /// <summary>The longest <c>jti</c> accepted (chosen; a GUID has 36 characters). Longer ones would fill the replay cache.</summary>
    public const int MaxJwtIdLength = 256;

    /// <summary>The longest client assertion accepted, in characters (chosen; the size limit of the JWT handler that checks signatures).</summary>
    public const int MaxAssertionLength = 250 * 1024;

    /// <summary>
    /// Checks the size of the assertion and of its <c>jti</c> before anything else (AADSTS50027), so that an oversized
    /// one is refused for its size, not reported as a bad signature by a JWT handler that will not read it.
    /// </summary>
    public static AadError? CheckSize(ClientAssertion assertion)
    {
        if (assertion.JwtId is { Length: > MaxJwtIdLength } jti)
        {
            return AadErrors.InvalidJwt($"The client assertion's 'jti' is {jti.Length} characters long; at most {MaxJwtIdLength} are accepted (a new GUID per assertion is usual).");
        }

        return assertion.Raw.Length > MaxAssertionLength
            ? AadErrors.InvalidJwt($"The client assertion is {assertion.Raw.Length} characters long; at most {MaxAssertionLength} are accepted.")
            : null;
    }

    /// <summary><paramref name="moment"/> plus <paramref name="span"/>, or the latest representable moment.</summary>
    public static DateTimeOffset Later(DateTimeOffset moment, TimeSpan span) =>
        DateTimeOffset.MaxValue - moment < span ? DateTimeOffset.MaxValue : moment + span;

    /// <summary><paramref name="moment"/> minus <paramref name="span"/>, or the earliest representable moment.</summary>
    public static DateTimeOffset Earlier(DateTimeOffset moment, TimeSpan span) =>
        moment - DateTimeOffset.MinValue < span ? DateTimeOffset.MinValue : moment - span;
}
