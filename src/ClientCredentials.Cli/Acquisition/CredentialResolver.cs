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
    public static ResolvedCredential Resolve(CredentialInput input, CliContext context)
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

            var federated = new FederatedTokenFileCredential(context.ResolvePath(tokenFile));
            return new ResolvedCredential(federated, null, $"federated token file {federated.TokenFilePath} (from {WorkloadIdentityVariables.FederatedTokenFile})");
        }

        switch (given[0])
        {
            case "--secret-env":
                return new ResolvedCredential(new ClientSecretCredential(SecretReader.FromEnvironment(context, input.SecretEnv!, "--secret-env")), null, $"client secret from ${input.SecretEnv}");
            case "--secret-stdin":
                return new ResolvedCredential(new ClientSecretCredential(SecretReader.FromStandardInput(context, "client secret", "--secret-stdin")), null, "client secret from standard input");
            case "--certificate":
                return ResolveCertificate(input.Certificate, context);
            default:
                var path = context.ResolvePath(input.AssertionFile!);
                return new ResolvedCredential(new ClientAssertionCredential((_, ct) => ReadAssertionAsync(path, ct)), null, $"client assertion from {path}");
        }
    }

    /// <summary>Loads the certificate with its password (from a variable, standard input, or none).</summary>
    public static ResolvedCredential ResolveCertificate(CertificateInput input, CliContext context)
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
            var credential = new CertificateCredential(certificate, new CertificateCredentialOptions { SendCertificateChain = input.SendX5c });
            return new ResolvedCredential(credential, certificate, $"certificate {certificate.Subject} (SHA-1 {certificate.Thumbprint}{(input.SendX5c ? ", x5c sent" : string.Empty)})");
        }
        catch
        {
            certificate.Dispose();
            throw;
        }
    }

    private static void RejectCertificateModifiers(CertificateInput input)
    {
        if (input.PasswordEnv is not null || input.PasswordStdin || input.SendX5c)
        {
            throw new CliUsageException("--certificate-password-env, --certificate-password-stdin and --send-x5c only apply with --certificate PATH.");
        }
    }

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
