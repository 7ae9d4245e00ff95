using System.Text;
using ClientCredentials.Emulator.Tokens;

namespace ClientCredentials.Protocol.Fuzz.Targets;

/// <summary>
/// The emulator's reading of a <c>client_assertion</c> (RFC 7523 §3: compact JWS, header and claims, NumericDate as a
/// number or a numeric string) on any text. Input: the assertion text (UTF-8). Invariant: a parsed assertion, or null
/// with a reason to put in AADSTS50027; never an exception, which the token endpoint would turn into HTTP 500.
/// </summary>
public sealed class ClientAssertionTarget : FuzzTarget
{
    /// <inheritdoc />
    public override string Name => "assertion";

    /// <inheritdoc />
    public override string Description => "Emulator ClientAssertion.TryRead: any text parses or is refused with a reason, never an exception.";

    /// <inheritdoc />
    public override void Run(ReadOnlySpan<byte> input)
    {
        var text = Encoding.UTF8.GetString(input);
        var assertion = ClientAssertion.TryRead(text, out var reason);
        if (assertion is null)
        {
            if (string.IsNullOrWhiteSpace(reason))
            {
                throw new FuzzInvariantException("a refused assertion without a reason");
            }

            return;
        }

        if (assertion.Raw != text || reason.Length != 0)
        {
            throw new FuzzInvariantException("a parsed assertion that lost its text, or came with a reason");
        }

        _ = (assertion.NamesCertificate, assertion.ThumbprintForDisplay, assertion.Audiences.Count);
    }
}
