using System.Text;
using ClientCredentials.Cli.Hosting;
using ClientCredentials.Cli.Jwt;
using ClientCredentials.Cli.Output;

namespace ClientCredentials.Protocol.Fuzz.Targets;

/// <summary>
/// <c>cc-token decode</c> without the console: the CLI's JWT reader, the token insights and the decoded-token writer on
/// any text. Input: the text given to <c>decode</c> (UTF-8; invalid sequences become U+FFFD, as the console does).
/// Invariant: the decoded output, or a <c>CliConfigurationException</c> on the <c>jwt</c> argument; nothing else.
/// </summary>
public sealed class JwtDecodeTarget : FuzzTarget
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <inheritdoc />
    public override string Name => "jwt";

    /// <inheritdoc />
    public override string Description => "cc-token decode (JwtDocument.Parse, TokenInsights.Of, DecodedJwtWriter.Write): any text decodes or fails with CliConfigurationException.";

    /// <inheritdoc />
    public override void Run(ReadOnlySpan<byte> input)
    {
        var text = Encoding.UTF8.GetString(input);
        JwtDocument document;
        try
        {
            document = JwtDocument.Parse(text);
        }
        catch (CliConfigurationException ex) when (ex.Setting == "jwt")
        {
            return;
        }

        var insights = TokenInsights.Of(document, Now);
        using var output = new StringWriter();
        using var warnings = new StringWriter();
        DecodedJwtWriter.Write(output, warnings, document, insights, Now);
        if (!output.ToString().Contains("Signature NOT validated", StringComparison.Ordinal))
        {
            throw new FuzzInvariantException("the decoded output lost its 'Signature NOT validated' warning");
        }
    }
}
