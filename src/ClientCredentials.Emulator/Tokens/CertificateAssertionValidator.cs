using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ClientCredentials.Emulator.Directory;
using ClientCredentials.Emulator.Errors;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Emulator.Tokens;

/// <summary>
/// Validates a certificate-signed client assertion the way AAD does (RFC 7523 §3, Entra certificate credentials):
/// the certificate named by <c>x5t#S256</c> or <c>x5t</c> (or sent in <c>x5c</c>) must be registered, the signature
/// must verify, <c>iss</c> = <c>sub</c> = client id, <c>aud</c> = the token endpoint, the time window and lifetime
/// must hold, and the <c>jti</c> must be new.
/// </summary>
internal sealed class CertificateAssertionValidator(AssertionReplayCache replayCache, TimeProvider timeProvider, EmulatorOptions options)
{
    public async Task<AadError?> ValidateAsync(RegisteredApplication application, ClientAssertion assertion, IReadOnlyCollection<string> acceptedAudiences)
    {
        if (AssertionChecks.CheckAlgorithm(assertion) is { } algorithmError)
        {
            return algorithmError;
        }

        if (!assertion.NamesCertificate)
        {
            return AadErrors.InvalidJwt("The client assertion header must identify the certificate with 'x5t#S256' (SHA-256) or 'x5t' (SHA-1).");
        }

        X509Certificate2? leaf;
        byte[]? headerSha1;
        byte[]? headerSha256;
        try
        {
            leaf = assertion.LeafCertificateBase64 is null ? null : X509CertificateLoader.LoadCertificate(Convert.FromBase64String(assertion.LeafCertificateBase64));
            headerSha1 = assertion.X5t is null ? null : Base64UrlEncoder.DecodeBytes(assertion.X5t);
            headerSha256 = assertion.X5tS256 is null ? null : Base64UrlEncoder.DecodeBytes(assertion.X5tS256);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or CryptographicException)
        {
            return AadErrors.InvalidJwt("The client assertion header has an 'x5t', 'x5t#S256' or 'x5c' value that cannot be decoded.");
        }

        using (leaf)
        {
#pragma warning disable CA5350 // x5t (RFC 7515 §4.1.7) is a SHA-1 digest by definition: it names a certificate, it protects nothing
            var leafSha1 = leaf is null ? null : SHA1.HashData(leaf.RawData);
#pragma warning restore CA5350
            var leafSha256 = leaf is null ? null : SHA256.HashData(leaf.RawData);
            var wantedSha1 = headerSha1 ?? (headerSha256 is null ? leafSha1 : null);
            var wantedSha256 = headerSha256 ?? (headerSha1 is null ? leafSha256 : null);

            var registered = application.Certificates.FirstOrDefault(c =>
                (wantedSha256 is not null && c.Sha256 is not null && CryptographicOperations.FixedTimeEquals(c.Sha256, wantedSha256)) ||
                (wantedSha1 is not null && c.Sha1 is not null && CryptographicOperations.FixedTimeEquals(c.Sha1, wantedSha1)));
            if (registered is null)
            {
                return AadErrors.CertificateNotRegistered(application.ClientId, assertion.ThumbprintForDisplay);
            }

            var certificate = registered.Certificate;
            if (certificate is null)
            {
                var leafMatches = leaf is not null &&
                    (registered.Sha1 is null || CryptographicOperations.FixedTimeEquals(registered.Sha1, leafSha1)) &&
                    (registered.Sha256 is null || CryptographicOperations.FixedTimeEquals(registered.Sha256, leafSha256));
                if (!leafMatches)
                {
                    return AadErrors.CertificateChainMissing(application.ClientId, assertion.ThumbprintForDisplay);
                }

                certificate = leaf!;
            }

            if (!await AssertionChecks.SignatureVerifiesAsync(assertion, [PublicKeyOf(certificate)]).ConfigureAwait(false))
            {
                return AadErrors.InvalidSignature(assertion.ThumbprintForDisplay);
            }
        }

        return CheckClaims(application, assertion, acceptedAudiences);
    }

    /// <summary>The certificate's public key: ECDsa for EC certificates (ES256), else RSA.</summary>
    private static SecurityKey PublicKeyOf(X509Certificate2 certificate) =>
        certificate.GetECDsaPublicKey() is { } ecdsa ? new ECDsaSecurityKey(ecdsa) : new X509SecurityKey(certificate);

    private AadError? CheckClaims(RegisteredApplication application, ClientAssertion assertion, IReadOnlyCollection<string> acceptedAudiences)
    {
        if (!string.Equals(assertion.Issuer, application.ClientId, StringComparison.OrdinalIgnoreCase))
        {
            return AadErrors.AssertionIssuerNotClient();
        }

        if (!string.Equals(assertion.Subject, assertion.Issuer, StringComparison.Ordinal))
        {
            return AadErrors.AssertionSubjectNotIssuer();
        }

        if (assertion.Audiences.Count > 1)
        {
            return AadErrors.TooManyAudiences(assertion.Audiences.Count);
        }

        if (assertion.Audiences.Count == 0 || !acceptedAudiences.Contains(assertion.Audiences[0], StringComparer.OrdinalIgnoreCase))
        {
            return AadErrors.AssertionAudienceMismatch(acceptedAudiences.First());
        }

        var now = timeProvider.GetUtcNow();
        if (AssertionChecks.CheckTimes(assertion, now, options.ClockSkew, options.MaxAssertionLifetime) is { } timeError)
        {
            return timeError;
        }

        if (string.IsNullOrEmpty(assertion.JwtId))
        {
            return AadErrors.InvalidJwt("The client assertion must contain a 'jti' claim, a new unique value per assertion (RFC 7523 §3).");
        }

        return replayCache.TryConsume(application.ClientId, assertion.JwtId, AssertionChecks.Later(assertion.Expires!.Value, options.ClockSkew))
            ? null
            : AadErrors.AssertionReplayed(assertion.JwtId);
    }
}
