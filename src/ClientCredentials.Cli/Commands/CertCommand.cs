using System.CommandLine;
using System.Security.Cryptography;
using ClientCredentials.Cli.Acquisition;
using ClientCredentials.Cli.Certificates;
using ClientCredentials.Cli.Hosting;
using ClientCredentials.Cli.Output;

namespace ClientCredentials.Cli.Commands;

/// <summary><c>cc-token cert new</c>: creates a self-signed certificate for client assertions and prints its thumbprints.</summary>
internal static class CertCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Option<string>("--name") { Description = "Base name of the files: NAME.pfx, NAME.cer, NAME.pem.", HelpName = "name", DefaultValueFactory = _ => "cc-token" };
        var directory = new Option<string>("--directory") { Description = "Where to write the files.", HelpName = "path", DefaultValueFactory = _ => "." };
        var subject = new Option<string>("--subject") { Description = "Subject distinguished name.", HelpName = "dn", DefaultValueFactory = _ => "CN=cc-token client credentials" };
        var days = new Option<int>("--days") { Description = "Validity in days.", HelpName = "days", DefaultValueFactory = _ => 365 };
        days.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 3650)
            {
                result.AddError("--days must be between 1 and 3650.");
            }
        });
        var keySize = new Option<int>("--key-size") { Description = "RSA key size in bits.", HelpName = "bits", DefaultValueFactory = _ => 2048 };
        keySize.AcceptOnlyFromAmong("2048", "3072", "4096");
        var passwordEnv = new Option<string>("--password-env") { Description = "Name of the environment variable holding the PFX password.", HelpName = "NAME" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the PFX password from standard input." };
        var force = new Option<bool>("--force") { Description = "Overwrite existing files." };

        var create = new Command("new", "Create a self-signed RSA certificate: NAME.pfx (with private key), NAME.cer and NAME.pem (public), and print its SHA-1 thumbprint, x5t and x5t#S256.")
        {
            name, directory, subject, days, keySize, passwordEnv, passwordStdin, force,
        };
        create.SetAction((parse, _) => CommandRunner.RunAsync(context, jsonErrors: false, () =>
        {
            var envName = parse.GetValue(passwordEnv);
            if (envName is not null && parse.GetValue(passwordStdin))
            {
                throw new CliUsageException("Give the PFX password one way: --password-env or --password-stdin.");
            }

            var password = envName is not null
                ? SecretReader.FromEnvironment(context, envName, "--password-env")
                : parse.GetValue(passwordStdin) ? SecretReader.FromStandardInput(context, "PFX password", "--password-stdin") : null;
            var baseName = parse.GetValue(name)!;
            if (baseName.Length == 0 || baseName.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
            {
                throw new CliConfigurationException("--name", $"--name '{baseName}' is not a valid file name.");
            }

            using var certificate = CreateCertificate(parse.GetValue(subject)!, parse.GetValue(keySize), TimeSpan.FromDays(parse.GetValue(days)), context);
            var files = CertificateFileSet.In(context.ResolvePath(parse.GetValue(directory)!), baseName);
            CertificateFiles.Write(certificate, files, password, parse.GetValue(force));
            if (password is null)
            {
                context.Error.WriteLine($"warning: {files.Pfx} is NOT password-protected; anyone who can read it can sign in as your application. Use --password-env or --password-stdin, or keep the file private.");
            }

            CertificateReportWriter.Write(context.Out, certificate, files);
            return Task.FromResult(ExitCodes.Success);
        }));

        return new Command("cert", "Certificate helpers for client assertions.") { create };
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 CreateCertificate(string subject, int keySize, TimeSpan validity, CliContext context)
    {
        try
        {
            return SelfSignedCertificateFactory.Create(subject, keySize, validity, context.TimeProvider.GetUtcNow());
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            throw new CliConfigurationException("--subject", $"--subject '{subject}' is not a valid distinguished name (for example CN=my-daemon): {ex.Message}", ex);
        }
    }
}
