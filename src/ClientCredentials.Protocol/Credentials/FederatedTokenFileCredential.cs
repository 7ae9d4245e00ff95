namespace ClientCredentials.Protocol;

/// <summary>
/// Workload identity federation: the assertion is a token that the platform (for example Kubernetes, through
/// <c>AZURE_FEDERATED_TOKEN_FILE</c>) writes to a file and rotates. The file is read again whenever it changed or
/// the token held is within 5 minutes of its <c>exp</c>, so an expired projected token is never sent
/// (the AADSTS700024 trap of reading the file once). The file must hold one JWT of at most 64 KiB with a valid
/// <c>exp</c>; garbage, binary content, a larger file or a token without a usable <c>exp</c> is a configuration error,
/// never sent.
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

        TokenFilePath = FullPathOf(tokenFilePath);
    }

    /// <summary>The token file.</summary>
    public string TokenFilePath { get; }

    /// <summary>
    /// <c>federated-token-file:</c> and the full path: instances that read the same projected token file (the pods of
    /// one deployment) share tokens; a credential reading another file does not.
    /// </summary>
    internal override string CacheIdentity => "federated-token-file:" + TokenFilePath;

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
                throw new ClientCredentialsConfigurationException("TokenFilePath", $"The federated token file '{UntrustedText.Neutralize(TokenFilePath, 512)}' does not exist; check {TokenFileVariable} and the service account token projection.");
            }

            var stamp = (info.LastWriteTimeUtc, info.Length);
            if (_cached is { } held && held.Stamp == stamp && held.RereadAfter > now)
            {
                return held.Assertion;
            }

            var text = FederatedTokenFileReader.ReadText(TokenFilePath);
            var expiresOn = FederatedTokenFileReader.ReadExpiry(text, TokenFilePath);
            if (expiresOn <= now)
            {
                throw new ClientCredentialsConfigurationException("TokenFilePath", $"The token in '{UntrustedText.Neutralize(TokenFilePath, 512)}' expired at {expiresOn:u} and the file has not been refreshed; Entra ID would answer AADSTS700024. Check that the token projection is still being rotated.");
            }

            _cached = new CachedAssertion(text, stamp, expiresOn - RereadBeforeExpiry);
            return text;
        }
    }

    /// <inheritdoc />
    public override string AuthenticationMethod => ClientAuthenticationMethods.PrivateKeyJwt;

    /// <inheritdoc />
    public override string ToString() => $"federated token file {UntrustedText.Neutralize(TokenFilePath, 512)}";

    /// <summary>The absolute path, or a configuration error for a path the file system cannot take (a NUL, an invalid form).</summary>
    private static string FullPathOf(string path)
    {
        var nul = path.IndexOf('\0', StringComparison.Ordinal);
        if (nul >= 0)
        {
            throw new ClientCredentialsConfigurationException("TokenFilePath", $"The federated token file path contains a NUL character at position {nul}; give the path of the projected service account token.");
        }

        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException or System.Security.SecurityException)
        {
            throw new ClientCredentialsConfigurationException("TokenFilePath", $"The federated token file path '{UntrustedText.Neutralize(path, 512)}' is not a valid path: {UntrustedText.Neutralize(ex.Message)}", ex);
        }
    }

    private sealed record CachedAssertion(string Assertion, (DateTime, long) Stamp, DateTimeOffset RereadAfter);
}
