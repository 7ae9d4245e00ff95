namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>
/// A client secret (RFC 6749 §2.3.1): what is refused when it is created, and the cache identity every process derives
/// from the same secret (a fleet shares tokens through a distributed cache keyed by it).
/// </summary>
public sealed class ClientSecretCredentialTests
{
    [Fact]
    public void An_empty_secret_is_refused_pointing_at_the_secrets_value_rather_than_its_id()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new ClientSecretCredential(string.Empty));

        Assert.Equal("ClientSecret", error.Setting);
        Assert.Contains("The client secret is empty", error.Message, StringComparison.Ordinal);
        Assert.Contains("not its Secret ID", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_transport_is_refused_with_its_number()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new ClientSecretCredential("pw", (ClientSecretTransport)5));

        Assert.Equal("ClientSecretTransport", error.Setting);
        Assert.Contains("Unknown client secret transport 5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cache_identity_of_a_secret_is_the_same_in_every_process_and_version()
    {
        // PBKDF2-SHA256, 10 000 iterations, salt "ClientCredentials.Protocol/cache-key/client-secret/1", Base64url:
        // computed independently; a change here splits a fleet's shared distributed cache.
        Assert.Equal("secret:f-JBHAU6FxJqW_q5pTPljFV_FzimXDRLypZW9W7iF3c", new ClientSecretCredential("the-right-secret").CacheIdentity);
    }

    [Fact]
    public void Client_secret_jwt_with_the_same_secret_shares_the_identity()
    {
        const string secret = "the-right-secret-of-more-than-32-bytes";

        Assert.Equal(new ClientSecretCredential(secret).CacheIdentity, new ClientSecretJwtCredential(secret).CacheIdentity);
    }
}
