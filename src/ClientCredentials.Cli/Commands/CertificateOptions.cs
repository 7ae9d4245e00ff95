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

    public Option<string> SigningAlg { get; } = CreateSigningAlg();

    public Option<string> AssertionAudience { get; } = CreateAssertionAudience();

    private static Option<string> CreateSigningAlg()
    {
        var option = new Option<string>("--signing-alg") { Description = "Algorithm of the certificate's client assertion: RS256, PS256 or ES256 (EC P-256 key). Default: PS256 for Entra ID, else RS256 (RSA) or ES256 (EC), or the first the server lists that the key can do.", HelpName = "alg" };
        option.AcceptOnlyFromAmong("RS256", "PS256", "ES256");
        return option;
    }

    private static Option<string> CreateAssertionAudience()
    {
        var option = new Option<string>("--assertion-audience") { Description = "aud of a client assertion: issuer (with typ client-authentication+jwt, draft-ietf-oauth-rfc7523bis) or token-endpoint. Default: issuer with --issuer, token-endpoint otherwise (Entra ID and ADFS require it).", HelpName = "aud" };
        option.AcceptOnlyFromAmong("issuer", "token-endpoint");
        return option;
    }

    public void AddTo(Command command)
    {
        command.Add(Certificate);
        command.Add(PasswordEnv);
        command.Add(PasswordStdin);
        command.Add(SendX5c);
        command.Add(SigningAlg);
        command.Add(AssertionAudience);
    }

    public CertificateInput Read(ParseResult parse) => new(
        parse.GetValue(Certificate),
        parse.GetValue(PasswordEnv),
        parse.GetValue(PasswordStdin),
        parse.GetValue(SendX5c),
        parse.GetValue(SigningAlg),
        parse.GetValue(AssertionAudience));
}
