namespace ClientCredentials.Protocol;

/// <summary>One-line remedies for the AADSTS codes a client credentials request meets most (AAD error code reference).</summary>
internal static class AadErrorRemedies
{
    private static readonly Dictionary<int, string> Remedies = new()
    {
        [7000215] = "the client secret is wrong: use the secret's Value (not its Secret ID) from Certificates & secrets of this app registration.",
        [7000222] = "the client secret has expired: create a new secret in the app registration and update the configuration.",
        [700016] = "no application with this client id exists in this tenant: check the client id and tenant, or have an admin consent to the app in this tenant.",
        [70011] = "the scope is invalid: for app-only tokens ask for exactly one '{resource}/.default' scope.",
        [500011] = "the resource was not found in the tenant: check the app id URI in the scope, or have an admin consent to the resource's application.",
        [90002] = "the tenant was not found: check the tenant id or domain and the cloud instance (public, US Gov, China).",
        [700027] = "the assertion's signature could not be verified: upload the certificate's public key to the app registration, and check that x5t/x5t#S256 names that certificate.",
        [7000214] = "the certificate has been revoked: create a new certificate, upload its public key to the app registration and configure it.",
        [700024] = "the assertion is outside its valid time range: check the machine clock, and re-read a federated token file instead of reusing an old one.",
        [7000218] = "the request carried no credential: configure a client secret, certificate or assertion.",
        [90010] = "the client credentials grant is not supported on /common or /consumers: use the tenant id or a verified domain as authority.",
        [50049] = "the authority instance is unknown or invalid: check the instance host (for example login.microsoftonline.com).",
        [50196] = "the client is calling too often (loop detected): cache tokens and reuse them until they near expiry.",
        [1002012] = "the scope is invalid for this flow: ask for '{resource}/.default', not delegated scopes.",
        [65001] = "consent is missing: an administrator must grant the application permissions (admin consent) in this tenant.",
        [700213] = "no federated identity credential matches the assertion's issuer and subject: check the federated credential's issuer, subject and audience.",
        [700212] = "no federated identity credential matches the assertion's audience: the federated credential's audience (usually api://AzureADTokenExchange) must match the token's aud.",
        [700023] = "the assertion's audience is wrong: aud must be the exact token endpoint URL the request is posted to.",
        [700021] = "the assertion's iss or sub is wrong: both must be the client id.",
        [7000112] = "the application is disabled: an administrator must enable it in the tenant.",
        [53003] = "conditional access blocked the request: ask a tenant administrator to review the workload identity policy.",
        [900023] = "the tenant identifier is malformed: use the tenant GUID or a verified domain.",
    };

    public static string? For(IReadOnlyList<int> codes)
    {
        foreach (var code in codes)
        {
            if (Remedies.TryGetValue(code, out var remedy))
            {
                return remedy;
            }
        }

        return null;
    }
}
