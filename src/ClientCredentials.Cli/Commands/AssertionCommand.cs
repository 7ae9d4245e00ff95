using System.CommandLine;
using ClientCredentials.Cli.Acquisition;
using ClientCredentials.Cli.Hosting;
using ClientCredentials.Cli.Jwt;
using ClientCredentials.Protocol;

namespace ClientCredentials.Cli.Commands;

/// <summary>
/// <c>cc-token assertion</c>: prints the signed client assertion the library would send, for curl, Postman or
/// another client. It is a credential for its lifetime (10 minutes): treat it like a password.
/// </summary>
internal static class AssertionCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var authority = new AuthorityOptions();
        var certificate = new CertificateOptions();
        var command = new Command("assertion", "Print the client assertion (RFC 7523 JWT) the library would send for this certificate, client id and token endpoint.\n" +
            "Send it as client_assertion with client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer. It is valid for 10 minutes.");
        authority.AddTo(command);
        certificate.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, jsonErrors: false, async () =>
        {
            var authorityInput = authority.Read(parse);
            var tokenAuthority = AuthorityResolver.Resolve(authorityInput, context);
            var clientId = AuthorityResolver.ResolveClientId(authorityInput, context);
            using var resolved = CredentialResolver.ResolveCertificate(certificate.Read(parse), context);
            var built = await AssertionFactory.CreateAsync(tokenAuthority, clientId, (CertificateCredential)resolved.Credential, context, parse.GetValue(global.Verbose), cancellationToken).ConfigureAwait(false);
            context.Out.WriteLine(built.Assertion);
            var document = JwtDocument.Parse(built.Assertion);
            context.Error.WriteLine(
                $"Assertion for client {built.ClientId}: aud {document.GetString("aud")}, alg {document.Header.GetProperty("alg").GetString()}, typ {document.Header.GetProperty("typ").GetString()}, " +
                $"expires {RelativeTime.WithUtc(built.ExpiresOn, context.TimeProvider.GetUtcNow())}. Treat it as a secret until it expires.");
            return ExitCodes.Success;
        }));
        return command;
    }
}
