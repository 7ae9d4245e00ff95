using ClientCredentials.Emulator.Directory;
using ClientCredentials.Emulator.Endpoints;
using ClientCredentials.Emulator.Errors;

namespace ClientCredentials.Emulator.Tokens;

/// <summary>
/// Processes a client credentials token request (RFC 6749 §4.4) in AAD's order: tenant, parameters, grant type,
/// client, resource, then client authentication (secret, HTTP Basic, or RFC 7523 assertion), then issues a token.
/// </summary>
internal sealed class TokenRequestProcessor(
    Func<DirectorySnapshot> directory,
    ClientSecretVerifier secretVerifier,
    CertificateAssertionValidator certificateValidator,
    FederatedAssertionValidator federatedValidator,
    AccessTokenIssuer issuer)
{
    public const string JwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    public async Task<TokenOutcome> ProcessAsync(TokenRequest request)
    {
        var snapshot = directory();
        if (DirectorySnapshot.MultiTenantAliases.Contains(request.TenantSegment))
        {
            return TokenOutcome.Failed(AadErrors.MultiTenantEndpoint());
        }

        var tenant = snapshot.FindTenant(request.TenantSegment);
        if (tenant is null)
        {
            return TokenOutcome.Failed(AadErrors.TenantNotFound(request.TenantSegment));
        }

        if (request.Form.FirstOrDefault(p => p.Value.Count > 1) is { Key: { } repeated })
        {
            return TokenOutcome.Failed(AadErrors.InvalidRequest($"The parameter '{repeated}' is included more than once; send each parameter once (RFC 6749 §3.2)."));
        }

        var grantType = request.Parameter("grant_type");
        if (grantType is null)
        {
            return TokenOutcome.Failed(AadErrors.MissingParameter("grant_type"));
        }

        if (!string.Equals(grantType, "client_credentials", StringComparison.Ordinal))
        {
            return TokenOutcome.Failed(AadErrors.UnsupportedGrantType(grantType));
        }

        var basic = BasicCredentials.TryRead(request.Authorization, out var basicMalformed);
        if (basicMalformed)
        {
            return TokenOutcome.Failed(AadErrors.InvalidRequest("The Authorization header is not valid HTTP Basic: expected Base64 of 'client_id:client_secret', each form-url-encoded (RFC 6749 §2.3.1)."));
        }

        var bodyClientId = request.Parameter("client_id");
        if (basic is not null && bodyClientId is not null && !string.Equals(basic.ClientId, bodyClientId, StringComparison.OrdinalIgnoreCase))
        {
            return TokenOutcome.Failed(AadErrors.InvalidRequest("The client_id in the body differs from the HTTP Basic user name; send one client identity."));
        }

        var clientId = bodyClientId ?? basic?.ClientId;
        if (clientId is null)
        {
            return TokenOutcome.Failed(AadErrors.MissingParameter("client_id"));
        }

        var application = snapshot.FindApplication(clientId);
        if (application is null || application.Tenant.Id != tenant.Id)
        {
            return TokenOutcome.Failed(AadErrors.ApplicationNotFound(clientId, request.TenantSegment));
        }

        var (resource, requestedResource, resourceError) = ResolveResource(request, tenant, snapshot);
        if (resourceError is not null)
        {
            return TokenOutcome.Failed(resourceError);
        }

        var (authentication, authenticationError) = await AuthenticateAsync(request, application, tenant, basic).ConfigureAwait(false);
        if (authenticationError is not null)
        {
            return TokenOutcome.Failed(authenticationError);
        }

        var token = issuer.Issue(application, resource!, authentication!, request.BaseAddresses[0]);
        return TokenOutcome.Issued(token, application, resource!, authentication!, requestedResource!);
    }

    private static (RegisteredResource? Resource, string? Requested, AadError? Error) ResolveResource(TokenRequest request, RegisteredTenant tenant, DirectorySnapshot snapshot)
    {
        if (request.Version == TokenEndpointVersion.V2)
        {
            var scope = request.Parameter("scope");
            if (scope is null)
            {
                return (null, null, AadErrors.MissingParameter("scope"));
            }

            var (resource, error) = ResourceResolver.FromScope(scope, tenant, snapshot);
            return (resource, resource?.AppIdUri, error);
        }

        var resourceName = request.Parameter("resource");
        if (resourceName is null)
        {
            return (null, null, AadErrors.MissingParameter("resource"));
        }

        var (found, notFound) = ResourceResolver.FromResource(resourceName, tenant, snapshot);
        return (found, resourceName, notFound);
    }

    private async Task<(ClientAuthentication? Authentication, AadError? Error)> AuthenticateAsync(
        TokenRequest request,
        RegisteredApplication application,
        RegisteredTenant tenant,
        BasicCredentials? basic)
    {
        var bodySecret = request.Parameter("client_secret");
        var assertionText = request.Parameter("client_assertion");
        var assertionType = request.Parameter("client_assertion_type");
        var methods = (bodySecret is null ? 0 : 1) + (basic is null ? 0 : 1) + (assertionText is null ? 0 : 1);
        if (methods == 0)
        {
            return (null, assertionType is null ? AadErrors.MissingCredential() : AadErrors.MissingParameter("client_assertion"));
        }

        if (methods > 1)
        {
            return (null, AadErrors.InvalidRequest("The request uses more than one client authentication method (client_secret, HTTP Basic, client_assertion); use exactly one (RFC 6749 §2.3)."));
        }

        if (assertionText is null)
        {
            var error = secretVerifier.Verify(application, bodySecret ?? basic!.Secret);
            return error is null ? (ClientAuthentication.Secret, null) : (null, error);
        }

        if (assertionType is null)
        {
            return (null, AadErrors.MissingParameter("client_assertion_type"));
        }

        if (!string.Equals(assertionType, JwtBearerAssertionType, StringComparison.Ordinal))
        {
            return (null, AadErrors.InvalidRequest($"The client_assertion_type '{assertionType}' is not supported; use '{JwtBearerAssertionType}' (RFC 7523 §2.2)."));
        }

        var assertion = ClientAssertion.TryRead(assertionText, out var reason);
        if (assertion is null)
        {
            return (null, AadErrors.InvalidJwt(reason));
        }

        if (AssertionChecks.CheckSize(assertion) is { } sizeError)
        {
            return (null, sizeError);
        }

        if (IsFederated(assertion, application))
        {
            var federatedError = await federatedValidator.ValidateAsync(application, assertion).ConfigureAwait(false);
            return federatedError is null ? (ClientAuthentication.Federated, null) : (null, federatedError);
        }

        var certificateError = await certificateValidator.ValidateAsync(application, assertion, AcceptedAudiences(request, tenant)).ConfigureAwait(false);
        return certificateError is null ? (ClientAuthentication.Certificate, null) : (null, certificateError);
    }

    /// <summary>
    /// An assertion is federated when its issuer is not the client itself and it names no certificate, or its issuer is
    /// a URL (identity providers' tokens, the emulator's own included, name their signing certificate too); such an
    /// assertion is then judged against the app's federated credentials (AADSTS700211 when none trusts the issuer).
    /// </summary>
    private static bool IsFederated(ClientAssertion assertion, RegisteredApplication application) =>
        !string.Equals(assertion.Issuer, application.ClientId, StringComparison.OrdinalIgnoreCase) &&
        (!assertion.NamesCertificate || Uri.TryCreate(assertion.Issuer, UriKind.Absolute, out var issuer) && issuer.Scheme is "https" or "http");

    /// <summary>
    /// The token endpoint URLs an assertion may name as <c>aud</c>: the URL posted to, with the tenant as id or
    /// any domain; the v1 path also accepts the v2 URL.
    /// </summary>
    private static List<string> AcceptedAudiences(TokenRequest request, RegisteredTenant tenant)
    {
        var audiences = new List<string>();
        foreach (var baseAddress in request.BaseAddresses)
        {
            foreach (var name in tenant.PathNames)
            {
                if (request.Version == TokenEndpointVersion.V1)
                {
                    audiences.Add(EmulatorUrls.V1TokenEndpoint(baseAddress, name));
                }

                audiences.Add(EmulatorUrls.V2TokenEndpoint(baseAddress, name));
            }
        }

        if (request.Version == TokenEndpointVersion.V1)
        {
            // Name the endpoint actually called first, for the error message.
            audiences.Insert(0, EmulatorUrls.V1TokenEndpoint(request.BaseAddresses[0], tenant.Id));
        }

        return audiences;
    }
}
