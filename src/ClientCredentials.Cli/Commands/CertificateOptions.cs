using System.CommandLine;
using ClientCredentials.Cli.Acquisition;

namespace ClientCredentials.Cli.Commands;

/// <summary>The certificate credential options: the file, where its password comes from, and <c>x5c</c>.</summary>
internal sealed class CertificateOptions
{
    public Option<string> Certificate { get; } = new("--certificate") { Description = "PFX/PKCS#12 or PEM file (certificate + private key) that signs the client assertion.", HelpName = "path" };

    public Option<string> PasswordEnv { get; } = new("--certificate-password-env") { Description = "Name of the environment variable holding the certificate password.", HelpName = "NAME" };

    public Option<bool> PasswordStdin { get; } = new("--certificate-password-stdin") { Description = "Read the certificate password from standard input." };

    public Option<bool> SendX5c { get; } = new("--send-x5c") { Description = "Send the certificate in the assertion's x5c header (Entra subject name + issuer authentication)." };

    public void AddTo(Command command)
    {
        command.Add(Certificate);
        command.Add(PasswordEnv);
        command.Add(PasswordStdin);
        command.Add(SendX5c);
    }

    public CertificateInput Read(ParseResult parse) => new(
        parse.GetValue(Certificate),
        parse.GetValue(PasswordEnv),
        parse.GetValue(PasswordStdin),
        parse.GetValue(SendX5c));
}
