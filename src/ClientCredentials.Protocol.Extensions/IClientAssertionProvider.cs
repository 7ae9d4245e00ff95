namespace ClientCredentials.Protocol.Extensions;

/// <summary>
/// Supplies a signed client assertion (RFC 7521 §4.2, RFC 7523) for every token request: signed by a key vault or an
/// HSM, or issued by another identity provider. Register it as a keyed service under the client's name (or
/// <see cref="CredentialSourceOptions.ProviderKey"/>) and list <see cref="CredentialSourceType.AssertionProvider"/>
/// in the client's credentials.
/// </summary>
public interface IClientAssertionProvider
{
    /// <summary>Returns a fresh assertion for the request described by <paramref name="context"/>.</summary>
    ValueTask<string> GetAssertionAsync(ClientAssertionContext context, CancellationToken cancellationToken);
}
