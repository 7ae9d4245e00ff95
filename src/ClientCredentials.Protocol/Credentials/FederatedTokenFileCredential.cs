namespace ClientCredentials.Protocol;

/// <summary>
/// Workload identity federation: the assertion is a token that the platform (for example Kubernetes, through
/// <c>AZURE_FEDERATED_TOKEN_FILE</c>) writes to a file and rotates. The file is read again whenever it changed or
/// the token held is within 5 minutes of its <c>exp</c>, so an expired projected token is never sent
/// (the AADSTS700024 trap of reading the file once).
/// </summary>
public sealed class FederatedTokenFileCredential : ClientCredential
{
    /// <summary>The environment variable that names the token file.</summary>
    public const string TokenFileVariable = "AZURE_FEDERATED_TOKEN_FILE";

    private static readonly TimeSpan RereadBeforeExpiry = TimeSpan.FromMinutes(5);

    private readonly object _gate = new();
    private CachedAssertion? _cached;

    /// <summary>Creates the credential for a token file.</summary>
    public FederatedTokenFileCredential(string tokenFilePath)
    {
        if (string.IsNullOrWhiteSpace(tokenFilePath))
        {
            throw new ClientCredentialsConfigurationException("TokenFilePath", $"The federated token file path is empty; set {TokenFileVariable} or give the path of the projected service account token.");
        }

        TokenFilePath = Path.GetFullPath(tokenFilePath);
    }

    /// <summary>The token file.</summary>
    public string TokenFilePath { get; }

    /// <summary>Creates the credential from <c>AZURE_FEDERATED_TOKEN_FILE</c>.</summary>
    public static FederatedTokenFileCredential FromEnvironment()
    {
        var path = Environment.GetEnvironmentVariable(TokenFileVariable);
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ClientCredentialsConfigurationException(TokenFileVariable, $"{TokenFileVariable} is not set; workload identity needs the path of the projected token file (set by the Azure workload identity webhook).");
        }

        return new FederatedTokenFileCredential(path);
    }

    internal override ValueTask ApplyAsync(ClientAuthenticationContext context, TokenRequestMessage message, CancellationToken cancellationToken)
    {
        var assertion = ReadAssertion(context.TimeProvider.GetUtcNow());
        message.Form.Add(new(OAuthParameters.ClientAssertionType, OAuthParameters.JwtBearerAssertionType));
        message.Form.Add(new(OAuthParameters.ClientAssertion, assertion));
        return ValueTask.CompletedTask;
    }

    /// <summary>Returns the current assertion, reading the file again when it changed or the held token is near expiry.</summary>
    internal string ReadAssertion(DateTimeOffset now)
    {
        lock (_gate)
        {
            var info = new FileInfo(TokenFilePath);
            if (!info.Exists)
            {
                throw new ClientCredentialsConfigurationException("TokenFilePath", $"The federated token file '{TokenFilePath}' does not exist; check {TokenFileVariable} and the service account token projection.");
            }

            var stamp = (info.LastWriteTimeUtc, info.Length);
            if (_cached is { } held && held.Stamp == stamp && held.RereadAfter > now)
            {
                return held.Assertion;
            }

            string text;
            try
            {
                text = File.ReadAllText(TokenFilePath).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ClientCredentialsConfigurationException("TokenFilePath", $"The federated token file '{TokenFilePath}' could not be read: {ex.Message}", ex);
            }

            if (text.Length == 0)
            {
                throw new ClientCredentialsConfigurationException("TokenFilePath", $"The federated token file '{TokenFilePath}' is empty.");
            }

            var expiresOn = JwtExpiry.Read(text);
            if (expiresOn is { } exp && exp <= now)
            {
                throw new ClientCredentialsConfigurationException("TokenFilePath", $"The token in '{TokenFilePath}' expired at {exp:u} and the file has not been refreshed; Entra ID would answer AADSTS700024. Check that the token projection is still being rotated.");
            }

            // A token without a readable exp is re-read on every request rather than trusted for an unknown time.
            _cached = new CachedAssertion(text, stamp, expiresOn is { } e ? e - RereadBeforeExpiry : now);
            return text;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"federated token file {TokenFilePath}";

    private sealed record CachedAssertion(string Assertion, (DateTime, long) Stamp, DateTimeOffset RereadAfter);
}
