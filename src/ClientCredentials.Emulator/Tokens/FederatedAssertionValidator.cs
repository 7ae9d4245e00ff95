using ClientCredentials.Emulator.Directory;
using ClientCredentials.Emulator.Endpoints;
using ClientCredentials.Emulator.Errors;
using ClientCredentials.Emulator.Signing;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Emulator.Tokens;

/// <summary>
/// Validates an assertion from a trusted external issuer (workload identity federation): a federated credential
/// must match <c>iss</c> (AADSTS700211), <c>sub</c> (AADSTS700213) and <c>aud</c> (AADSTS700212) exactly, the
/// signature must verify with that issuer's keys, the time window must hold, and the token may live at most
/// 1 day and 1 hour (AADSTS70023). External tokens may be reused
/// until they expire (AAD accepts the same GitHub or Kubernetes token for several scopes), so no replay check.
/// A credential that trusts one of the emulator's managed identities has the emulator's own issuer for the identity's
/// tenant and its own signing key.
/// </summary>
internal sealed class FederatedAssertionValidator(TimeProvider timeProvider, EmulatorOptions options, EmulatorSigningKey signingKey, EmulatorAddress address)
{
    public async Task<AadError?> ValidateAsync(RegisteredApplication application, ClientAssertion assertion)
    {
        if (AssertionChecks.CheckAlgorithm(assertion) is { } algorithmError)
        {
            return algorithmError;
        }

        var byIssuer = application.FederatedCredentials.Where(c => string.Equals(IssuerOf(c), assertion.Issuer, StringComparison.Ordinal)).ToList();
        if (byIssuer.Count == 0)
        {
            return AadErrors.FederatedIssuerNotFound(assertion.Issuer ?? "(none)");
        }

        var bySubject = byIssuer.Where(c => string.Equals(c.Subject, assertion.Subject, StringComparison.Ordinal)).ToList();
        if (bySubject.Count == 0)
        {
            return AadErrors.FederatedSubjectNotFound(assertion.Subject ?? "(none)");
        }

        var matching = bySubject.Where(c => assertion.Audiences.Contains(c.Audience, StringComparer.Ordinal)).ToList();
        if (matching.Count == 0)
        {
            return AadErrors.FederatedAudienceNotFound(string.Join(", ", assertion.Audiences));
        }

        if (!await AssertionChecks.SignatureVerifiesAsync(assertion, matching.SelectMany(KeysOf)).ConfigureAwait(false))
        {
            return AadErrors.InvalidSignature("(federated issuer key)");
        }

        var now = timeProvider.GetUtcNow();
        if (AssertionChecks.CheckTimes(assertion, now, options.ClockSkew, maxLifetime: null) is { } timeError)
        {
            return timeError;
        }

        // AAD refuses external tokens that live longer than 1 day and 1 hour (AADSTS70023).
        var issued = assertion.IssuedAt ?? assertion.NotBefore ?? now;
        return assertion.Expires!.Value - issued > MaxExternalTokenLifetime
            ? AadErrors.ExternalTokenLifetimeTooLong(issued, assertion.Expires.Value, MaxExternalTokenLifetime)
            : null;
    }

    /// <summary>The longest lifetime AAD accepts for a token from an external identity provider: 1.01:00:00.</summary>
    internal static readonly TimeSpan MaxExternalTokenLifetime = TimeSpan.FromHours(25);
    /// <summary>The issuer a credential trusts: configured, or the emulator's own for a managed identity's tenant.</summary>
    private string IssuerOf(RegisteredFederatedCredential credential) =>
        credential.TrustedManagedIdentity is { } identity ? EmulatorUrls.Issuer(address.Root, identity.Tenant.Id) : credential.Issuer;

    private IEnumerable<SecurityKey> KeysOf(RegisteredFederatedCredential credential) =>
        credential.TrustedManagedIdentity is null ? credential.Keys : [signingKey.SecurityKey];
}
