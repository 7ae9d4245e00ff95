namespace ClientCredentials.Protocol;

/// <summary>What an assertion callback gets for each token request: whom the assertion is for and where it goes.</summary>
/// <param name="ClientId">The client id: the assertion's <c>iss</c> and <c>sub</c>.</param>
/// <param name="TokenEndpoint">The exact token endpoint the request is posted to: the assertion's <c>aud</c>.</param>
/// <param name="Tenant">The Entra tenant, or null for other servers.</param>
/// <param name="AuthorityKind">The kind of server.</param>
public sealed record ClientAssertionContext(string ClientId, Uri TokenEndpoint, string? Tenant, AuthorityKind AuthorityKind);
