using System.Security.Cryptography;
using System.Text;
using ClientCredentials.Emulator.Directory;
using ClientCredentials.Emulator.Errors;

namespace ClientCredentials.Emulator.Tokens;

/// <summary>
/// Checks a client secret (RFC 6749 §2.3.1) against the app's secrets by comparing SHA-256 hashes in constant
/// time. A match on an expired secret answers AADSTS7000222; no match answers AADSTS7000215.
/// </summary>
internal sealed class ClientSecretVerifier(TimeProvider timeProvider)
{
    public AadError? Verify(RegisteredApplication application, string secret)
    {
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        var now = timeProvider.GetUtcNow();
        var matchedValid = false;
        var matchedExpired = false;
        foreach (var registered in application.Secrets)
        {
            if (CryptographicOperations.FixedTimeEquals(presented, registered.Sha256))
            {
                if (registered.ExpiresOn is { } expires && expires <= now)
                {
                    matchedExpired = true;
                }
                else
                {
                    matchedValid = true;
                }
            }
        }

        if (matchedValid)
        {
            return null;
        }

        return matchedExpired ? AadErrors.ExpiredSecret(application.ClientId) : AadErrors.InvalidSecret(application.ClientId);
    }
}
