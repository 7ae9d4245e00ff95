namespace ClientCredentials.Emulator.Errors;

/// <summary>
/// The AAD errors the emulator answers. Codes, statuses and wording follow real AAD responses seen in public
/// issues and the Entra error code reference; codes marked "chosen" are the emulator's pick where AAD's exact
/// answer is not public.
/// </summary>
internal static class AadErrors
{
    private const string CertificateDocs = "Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .";
    private const string FederationDocs = "Check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation";

    /// <summary>AADSTS90002: unknown tenant (token endpoint).</summary>
    public static AadError TenantNotFound(string tenant) => new(400, "invalid_request", 90002,
        $"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.");

    /// <summary>AADSTS90002 as the discovery endpoints answer it (<c>invalid_tenant</c>).</summary>
    public static AadError DiscoveryTenantNotFound(string tenant) => TenantNotFound(tenant) with { Error = "invalid_tenant" };

    /// <summary>
    /// AADSTS90010: client credentials over <c>/common</c>, <c>/organizations</c> or <c>/consumers</c>. AAD answers the
    /// same message for all three, though it names only /common and /consumers.
    /// </summary>
    public static AadError MultiTenantEndpoint() => new(400, "invalid_request", 90010,
        "The grant type is not supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.");

    /// <summary>AADSTS900144: a required body parameter is missing.</summary>
    public static AadError MissingParameter(string name) => new(400, "invalid_request", 900144,
        $"The request body must contain the following parameter: '{name}'.");

    /// <summary>AADSTS90023 (InvalidRequest): a malformed request, with what to fix.</summary>
    public static AadError InvalidRequest(string message) => new(400, "invalid_request", 90023, message);

    /// <summary>AADSTS70003: a grant type other than <c>client_credentials</c>.</summary>
    public static AadError UnsupportedGrantType(string grantType) => new(400, "unsupported_grant_type", 70003,
        $"The app requested an unsupported grant type '{grantType}'. This endpoint supports 'client_credentials' only.");

    /// <summary>AADSTS700016: the client id is not registered in the tenant.</summary>
    public static AadError ApplicationNotFound(string clientId, string tenant) => new(400, "unauthorized_client", 700016,
        $"Application with identifier '{clientId}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.");

    /// <summary>AADSTS70011: a scope that is not <c>{resource}/.default</c>.</summary>
    public static AadError InvalidScope(string scope) => new(400, "invalid_scope", 70011,
        $"The provided value for the input parameter 'scope' is not valid. The scope '{scope}' is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).");

    /// <summary>AADSTS500011: the resource is not known in the tenant.</summary>
    public static AadError ResourceNotFound(string resource, string tenant) => new(400, "invalid_resource", 500011,
        $"The resource principal named {resource} was not found in the tenant named {tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.");

    /// <summary>AADSTS7000218: no credential at all.</summary>
    public static AadError MissingCredential() => new(401, "invalid_client", 7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");

    /// <summary>AADSTS7000215: the secret matches none of the app's secrets.</summary>
    public static AadError InvalidSecret(string clientId) => new(401, "invalid_client", 7000215,
        $"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{clientId}'.");

    /// <summary>AADSTS7000222: the secret matches an expired secret.</summary>
    public static AadError ExpiredSecret(string clientId) => new(401, "invalid_client", 7000222,
        $"The provided client secret keys for app '{clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.");

    /// <summary>AADSTS50027 (InvalidJwtToken): the assertion is not a usable JWT.</summary>
    public static AadError InvalidJwt(string reason) => new(401, "invalid_client", 50027, $"Invalid JWT token. {reason}");

    /// <summary>AADSTS700027: no registered certificate matches the assertion's thumbprint.</summary>
    public static AadError CertificateNotRegistered(string clientId, string thumbprint) => new(401, "invalid_client", 700027,
        $"The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '{thumbprint}', Please see the configured keys for app Id '{clientId}'.]");

    /// <summary>AADSTS700027: the app knows the certificate only by thumbprint and the assertion carries no <c>x5c</c>.</summary>
    public static AadError CertificateChainMissing(string clientId, string thumbprint) => new(401, "invalid_client", 700027,
        $"The certificate with identifier used to sign the client assertion is registered on application '{clientId}' by thumbprint only ('{thumbprint}'). Send the certificate in the 'x5c' header of the client assertion (subject name and issuer authentication) so its signature can be validated.");

    /// <summary>AADSTS50027: an algorithm other than RS256, PS256 or ES256.</summary>
    public static AadError UnsupportedAlgorithm(string? algorithm) => InvalidJwt(
        $"The client assertion algorithm '{algorithm ?? "(none)"}' is not supported; sign with RS256, PS256 or ES256.");

    /// <summary>AADSTS700027: the signature does not verify with the registered key.</summary>
    public static AadError InvalidSignature(string thumbprint) => new(401, "invalid_client", 700027,
        $"Client assertion failed signature validation. [Reason - The provided signature value did not match the expected signature value., Thumbprint of key used by client: '{thumbprint}']");

    /// <summary>AADSTS700021: <c>iss</c> is not the client id.</summary>
    public static AadError AssertionIssuerNotClient() => new(401, "invalid_client", 700021,
        $"Client assertion application identifier doesn't match 'client_id' parameter. {CertificateDocs}");

    /// <summary>AADSTS50048: <c>sub</c> differs from <c>iss</c>.</summary>
    public static AadError AssertionSubjectNotIssuer() => new(401, "invalid_client", 50048,
        "Subject must match the issuer claim in the client assertion.");

    /// <summary>AADSTS50012: <c>aud</c> is not this token endpoint.</summary>
    public static AadError AssertionAudienceMismatch(string expected) => new(401, "invalid_client", 50012,
        $"Client assertion audience claim does not match Realm issuer. The audience must be the token endpoint the request is sent to, e.g. '{expected}'.");

    /// <summary>AADSTS5002741: more than one <c>aud</c> value.</summary>
    public static AadError TooManyAudiences(int count) => new(401, "invalid_client", 5002741,
        $"Number of audience values in the provided client credential exceed maximum allowed. {count} audience values provided, maximum allowed is 1.");

    /// <summary>AADSTS700024: the assertion is expired or not yet valid.</summary>
    public static AadError AssertionNotInTimeRange(DateTimeOffset now, DateTimeOffset? notBefore, DateTimeOffset expires) => new(401, "invalid_client", 700024,
        $"Client assertion is not within its valid time range. Current time: {now.UtcDateTime:O}, assertion valid from {(notBefore ?? DateTimeOffset.UnixEpoch).UtcDateTime:O}, expiry time of assertion {expires.UtcDateTime:O}. {CertificateDocs}");

    /// <summary>AADSTS50027 (chosen): the assertion lives longer than allowed.</summary>
    public static AadError AssertionLifetimeTooLong(TimeSpan lifetime, TimeSpan maximum) => InvalidJwt(
        $"The client assertion is valid for {(long)lifetime.TotalSeconds} seconds; the maximum accepted lifetime is {(long)maximum.TotalSeconds} seconds. Sign short-lived assertions (MSAL uses 10 minutes).");

    /// <summary>AADSTS50013 (chosen): the assertion's <c>jti</c> was already used.</summary>
    public static AadError AssertionReplayed(string jti) => new(401, "invalid_client", 50013,
        $"Assertion is invalid: the client assertion with jti '{jti}' was already used. Sign a new assertion, with a new jti, for every token request.");

    /// <summary>AADSTS70023: an external (federated) token that lives longer than AAD accepts (wording as AAD answers it).</summary>
    public static AadError ExternalTokenLifetimeTooLong(DateTimeOffset issued, DateTimeOffset expires, TimeSpan maximum) => new(400, "invalid_request", 70023,
        $"External OIDC Provider token must have a lifetime of less than or equal to {maximum:d\\.hh\\:mm\\:ss}. Token issued at {issued.ToUnixTimeSeconds()}. Token expires on {expires.ToUnixTimeSeconds()}.");

    /// <summary>AADSTS700211: no federated credential trusts the issuer.</summary>
    public static AadError FederatedIssuerNotFound(string issuer) => new(401, "invalid_client", 700211,
        $"No matching federated identity record found for presented assertion issuer '{issuer}'. {FederationDocs}");

    /// <summary>AADSTS700213: no federated credential matches the subject.</summary>
    public static AadError FederatedSubjectNotFound(string subject) => new(401, "invalid_client", 700213,
        $"No matching federated identity record found for presented assertion subject '{subject}'. {FederationDocs}");

    /// <summary>AADSTS700212 (chosen by AAD's 70021x pattern): no federated credential matches the audience.</summary>
    public static AadError FederatedAudienceNotFound(string audience) => new(401, "invalid_client", 700212,
        $"No matching federated identity record found for presented assertion audience '{audience}'. {FederationDocs}");

    /// <summary>AADSTS90024 (RequestBudgetExceededError): a fault injected by the emulator.</summary>
    public static AadError InjectedFault(int status, int retryAfterSeconds) => new(
        status,
        status is 429 or 503 ? "temporarily_unavailable" : status >= 500 ? "server_error" : "invalid_request",
        90024,
        $"RequestBudgetExceededError - A transient error has occurred. Try again. (HTTP {status} injected by the emulator's fault options.)")
    {
        RetryAfterSeconds = status is 429 or 503 ? retryAfterSeconds : null,
    };
}
