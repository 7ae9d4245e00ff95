namespace ClientCredentials.Protocol.Conformance;

/// <summary>
/// Builds the client a case describes. The runner supplies the credential (a fixed test secret, or an in-memory
/// certificate) and keeps every library default except the retry backoff, which is shortened so the suite is fast;
/// <c>maxRetries</c> and the 2 s <c>MaxRetryAfterWait</c> keep their meaning.
/// </summary>
internal static class CaseClientFactory
{
    public const string TestSecret = "conformance~secret.value";

    public static ClientCredentialsClient Create(CaseClient client, TokenAuthority authority)
    {
        var defaults = new TokenRequestResilienceOptions();
        ClientCredential credential = client.Credential switch
        {
            "secret" => new ClientSecretCredential(TestSecret),
            "certificate" => new CertificateCredential(TestCertificates.SharedRsa2048),
            _ => throw new InvalidDataException($"Unknown client.credential '{client.Credential}'."),
        };

        return new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = authority,
            ClientId = client.ClientId,
            Credential = credential,
            Scopes = client.Scopes,
            Resilience = defaults with
            {
                MaxRetries = client.MaxRetries ?? defaults.MaxRetries,
                RetryBaseDelay = TimeSpan.FromMilliseconds(10),
            },
        });
    }
}
