using System.CommandLine;
using ClientCredentials.Cli.Hosting;
using ClientCredentials.Cli.Jwt;
using ClientCredentials.Cli.Output;

namespace ClientCredentials.Cli.Commands;

/// <summary><c>cc-token decode</c>: shows a JWT's header and claims, with times and warnings; no signature validation.</summary>
internal static class DecodeCommand
{
    public static Command Create(CliContext context)
    {
        var jwt = new Argument<string>("jwt") { Description = "The JWT (or 'Bearer <jwt>'); '-' reads it from standard input." };
        var command = new Command("decode", "Decode a JWT: header, claims, aud, roles/scp, exp/nbf/iat in UTC and relative. The signature is NOT validated.")
        {
            jwt,
        };
        command.SetAction((parse, _) => CommandRunner.RunAsync(context, jsonErrors: false, () =>
        {
            var text = parse.GetValue(jwt)!;
            if (text == "-")
            {
                text = Acquisition.SecretReader.FromStandardInput(context, "JWT", "decode -");
            }

            var document = JwtDocument.Parse(text);
            var now = context.TimeProvider.GetUtcNow();
            DecodedJwtWriter.Write(context.Out, context.Error, document, TokenInsights.Of(document, now), now);
            return Task.FromResult(ExitCodes.Success);
        }));
        return command;
    }
}
