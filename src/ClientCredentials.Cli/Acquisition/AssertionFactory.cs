using ClientCredentials.Cli.Hosting;
using ClientCredentials.Protocol;

namespace ClientCredentials.Cli.Acquisition;

/// <summary>A client assertion exactly as the library would send it, and where it is valid.</summary>
internal sealed record BuiltAssertion(string Assertion, Uri TokenEndpoint, string ClientId, DateTimeOffset ExpiresOn);

/// <summary>
/// Builds the certificate client assertion (RFC 7523 §3) the library sends: <c>aud</c> = the token endpoint (the issuer
/// for a server found by its issuer, draft-ietf-oauth-rfc7523bis),
/// <c>iss</c> = <c>sub</c> = client id, a new <c>jti</c>, the algorithm Entra or the server expects.
/// </summary>
internal static class AssertionFactory
{
    public static async Task<BuiltAssertion> CreateAsync(
        TokenAuthority authority,
        string clientId,
        CertificateCredential credential,
        CliContext context,
        bool verbose,
        CancellationToken cancellationToken)
    {
        using var httpClient = CliHttpClient.Create(context, verbose, TimeSpan.FromSeconds(30));
        var metadata = await authority.GetMetadataAsync(httpClient, cancellationToken).ConfigureAwait(false);
        var tokenEndpoint = metadata?.TokenEndpoint ?? await authority.GetTokenEndpointAsync(httpClient, cancellationToken).ConfigureAwait(false);
        var now = context.TimeProvider.GetUtcNow();
        var assertionContext = new ClientAssertionContext(clientId, tokenEndpoint, authority.Tenant, authority.Kind) { Issuer = metadata is { RequiresTokenEndpointAudience: false } ? metadata.Issuer : null };
        var assertion = credential.CreateAssertion(assertionContext, now, Guid.NewGuid().ToString());
        return new BuiltAssertion(assertion, tokenEndpoint, clientId, now + credential.Options.AssertionLifetime);
    }
}
