using System.Security.Cryptography.X509Certificates;
using ClientCredentials.Cli.Certificates;
using ClientCredentials.Cli.Hosting;
using ClientCredentials.Protocol;

namespace ClientCredentials.Cli.Acquisition;

/// <summary>A credential ready for the library, the certificate to dispose with it, and a description without secrets.</summary>
internal sealed record ResolvedCredential(ClientCredential Credential, X509Certificate2? Certificate, string Description) : IDisposable
{
    public void Dispose() => Certificate?.Dispose();
}

/// <summary>
/// Builds the <see cref="ClientCredential"/> from exactly one of <c>--secret-env</c>, <c>--secret-stdin</c>,
/// <c>--certificate</c>, <c>--assertion-file</c>, or else from <c>AZURE_FEDERATED_TOKEN_FILE</c>.
/// </summary>
internal static class CredentialResolver
{
    /// <summary>Which credential the options give (checked: at most one), before any secret is read.</summary>
    public static CredentialKind KindOf(CredentialInput input, CliContext context)
    {
        var given = new List<string>();
        if (input.SecretEnv is not null)
        {
            given.Add("--secret-env");
        }

        if (input.SecretStdin)
        {
            given.Add("--secret-stdin");
        }

        if (input.Certificate.Path is not null)
        {
            given.Add("--certificate");
        }

        if (input.AssertionFile is not null)
        {
            given.Add("--assertion-file");
        }

        if (given.Count > 1)
        {
            throw new CliUsageException($"Give one credential, not {string.Join(" and ", given)}.");
        }

        if (input.Certificate.Path is null)
        {
            RejectCertificateModifiers(input.Certificate);
        }

        if (given.Count == 0)
        {
            var tokenFile = context.GetEnvironmentVariable(WorkloadIdentityVariables.FederatedTokenFile);
            if (string.IsNullOrWhiteSpace(tokenFile))
            {
                throw new CliUsageException(
                    $"No credential: give --secret-env NAME, --secret-stdin, --certificate PATH or --assertion-file PATH, or set {WorkloadIdentityVariables.FederatedTokenFile} (workload identity). " +
                    "A secret is never accepted as a plain argument.");
            }

            return CredentialKind.FederatedTokenFile;
        }

        return given[0] switch
        {
            "--secret-env" or "--secret-stdin" => CredentialKind.Secret,
            "--certificate" => CredentialKind.Certificate,
            _ => CredentialKind.AssertionFile,
        };
    }

    /// <summary>Builds the credential for the options and the chosen authentication method (RFC 8414 name).</summary>
    public static ResolvedCredential Resolve(CredentialInput input, string method, CliContext context)
    {
        var kind = KindOf(input, context);
        if (input.Certificate.AssertionAudience is not null && method is not (ClientAuthenticationMethods.PrivateKeyJwt or ClientAuthenticationMethods.ClientSecretJwt))
        {
            throw new CliUsageException($"--assertion-audience applies to client assertions (--certificate, or a secret with --client-auth secret-jwt), not to {method}.");
        }

        switch (kind)
        {
            case CredentialKind.FederatedTokenFile:
                var federated = new FederatedTokenFileCredential(context.ResolvePath(context.GetEnvironmentVariable(WorkloadIdentityVariables.FederatedTokenFile)!));
                return new ResolvedCredential(federated, null, $"federated token file {federated.TokenFilePath} (from {WorkloadIdentityVariables.FederatedTokenFile})");
            case CredentialKind.Secret:
                var secret = input.SecretEnv is not null
                    ? SecretReader.FromEnvironment(context, input.SecretEnv, "--secret-env")
                    : SecretReader.FromStandardInput(context, "client secret", "--secret-stdin");
                var source = input.SecretEnv is not null ? $"${input.SecretEnv}" : "standard input";
                ClientCredential credential = method switch
                {
                    ClientAuthenticationMethods.ClientSecretBasic => new ClientSecretCredential(secret, ClientSecretTransport.BasicAuthentication),
                    ClientAuthenticationMethods.ClientSecretJwt => new ClientSecretJwtCredential(secret, new ClientSecretJwtCredentialOptions { Audience = AudienceOf(input.Certificate) }),
                    _ => new ClientSecretCredential(secret),
                };
                return new ResolvedCredential(credential, null, $"client secret from {source} ({method})");
            case CredentialKind.Certificate:
                return ResolveCertificate(input.Certificate, context, method);
            default:
                var path = context.ResolvePath(input.AssertionFile!);
                return new ResolvedCredential(new ClientAssertionCredential((_, ct) => ReadAssertionAsync(path, ct)), null, $"client assertion from {path}");
        }
    }

    /// <summary>Loads the certificate with its password (from a variable, standard input, or none).</summary>
    public static ResolvedCredential ResolveCertificate(CertificateInput input, CliContext context, string method = ClientAuthenticationMethods.PrivateKeyJwt)
    {
        if (input.Path is null)
        {
            throw new CliUsageException("--certificate PATH is required.");
        }

        if (input.PasswordEnv is not null && input.PasswordStdin)
        {
            throw new CliUsageException("Give the certificate password one way: --certificate-password-env or --certificate-password-stdin.");
        }

        var password = input.PasswordEnv is not null
            ? SecretReader.FromEnvironment(context, input.PasswordEnv, "--certificate-password-env")
            : input.PasswordStdin ? SecretReader.FromStandardInput(context, "certificate password", "--certificate-password-stdin") : null;
        var path = context.ResolvePath(input.Path);
        var certificate = CertificateLoader.Load(path, password);
        try
        {
            if (method is ClientAuthenticationMethods.TlsClientAuth or ClientAuthenticationMethods.SelfSignedTlsClientAuth)
            {
                if (input.SendX5c || input.SigningAlg is not null)
                {
                    throw new CliUsageException($"--send-x5c and --signing-alg apply to client assertions (private-key-jwt), not to {method}, which presents the certificate on the TLS connection.");
                }

                var kind = method == ClientAuthenticationMethods.SelfSignedTlsClientAuth ? TlsClientCertificateKind.SelfSigned : TlsClientCertificateKind.IssuedByCertificateAuthority;
                return new ResolvedCredential(new TlsClientCertificateCredential(certificate, kind), certificate, $"TLS client certificate {certificate.Subject} (SHA-1 {certificate.Thumbprint}, {method})");
            }

            var options = new CertificateCredentialOptions
            {
                SendCertificateChain = input.SendX5c,
                Algorithm = input.SigningAlg is { } alg ? Enum.Parse<ClientAssertionAlgorithm>(alg, ignoreCase: true) : ClientAssertionAlgorithm.Automatic,
                Audience = AudienceOf(input),
            };
            var credential = new CertificateCredential(certificate, options);
            return new ResolvedCredential(credential, certificate, $"certificate {certificate.Subject} (SHA-1 {certificate.Thumbprint}{(input.SendX5c ? ", x5c sent" : string.Empty)}{(input.SigningAlg is { } a ? ", " + a.ToUpperInvariant() : string.Empty)})");
        }
        catch
        {
            certificate.Dispose();
            throw;
        }
    }

    private static void RejectCertificateModifiers(CertificateInput input)
    {
        if (input.PasswordEnv is not null || input.PasswordStdin || input.SendX5c || input.SigningAlg is not null)
        {
            throw new CliUsageException("--certificate-password-env, --certificate-password-stdin, --send-x5c and --signing-alg only apply with --certificate PATH.");
        }
    }

    private static ClientAssertionAudience AudienceOf(CertificateInput input) => input.AssertionAudience switch
    {
        "issuer" => ClientAssertionAudience.Issuer,
        "token-endpoint" => ClientAssertionAudience.TokenEndpoint,
        _ => ClientAssertionAudience.Automatic,
    };

    /// <summary>Read for every request, so a file rewritten by another process is picked up; sent as is.</summary>
    private static async ValueTask<string> ReadAssertionAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliConfigurationException("--assertion-file", $"The assertion file '{path}' cannot be read: {ex.Message}", ex);
        }
    }
}
