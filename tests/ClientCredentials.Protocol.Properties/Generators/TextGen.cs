using System.Text;

namespace ClientCredentials.Protocol.Properties.Generators;

/// <summary>
/// Text that exercises an encoder: runs of the characters it keeps, reserved ASCII, controls, Latin-1, CJK, characters
/// outside the BMP (surrogate pairs), and, where asked, lone surrogates, which are not Unicode scalar values.
/// </summary>
public static class TextGen
{
    private const string Unreserved = "abcxyzABCXYZ0189*-._";
    private const string ReservedAscii = " !\"#$%&'()+,/:;<=>?@[\\]^`{|}~";
    private const string Controls = "\0\t\r\n\u001f\u007f";
    private static readonly string[] NonAscii = ["é", "ü", "ß", "日本", "\u00a0", "\ufffd", "\ufeff", "\u2028", "😀", "𝄞", "\U0010FFFF"];
    private static readonly string[] LoneSurrogates = ["\ud800", "\udbff", "\udc00", "\udfff"];

    /// <summary>Well-formed Unicode: every string is a sequence of scalar values (no lone surrogates).</summary>
    public static Gen<string> WellFormed { get; } = Pieces(withLoneSurrogates: false);

    /// <summary>Any .NET string, lone surrogates included.</summary>
    public static Gen<string> Any { get; } = Pieces(withLoneSurrogates: true);

    /// <summary>Non-empty well-formed text.</summary>
    public static Gen<string> NonEmptyWellFormed { get; } = WellFormed.Where(s => s.Length > 0);

    /// <summary>
    /// What an HTTP header value the library writes may hold, and so an access token it accepts: one or more visible
    /// ASCII characters (U+0021–U+007E).
    /// </summary>
    public static Gen<string> VisibleAscii { get; } = Gen.Choose(0x21, 0x7e).Select(c => ((char)c).ToString()).NonEmptyListOf().Select(string.Concat);

    /// <summary>The string with every lone surrogate replaced by U+FFFD: the USVString conversion of WHATWG Infra.</summary>
    public static string ToScalarValues(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var rune in value.EnumerateRunes())
        {
            builder.Append(rune.ToString());
        }

        return builder.ToString();
    }

    private static Gen<string> Pieces(bool withLoneSurrogates)
    {
        var pieces = new List<(int, Gen<string>)>
        {
            (6, Gen.Elements(Unreserved.ToCharArray()).Select(c => c.ToString())),
            (4, Gen.Elements(ReservedAscii.ToCharArray()).Select(c => c.ToString())),
            (1, Gen.Elements(Controls.ToCharArray()).Select(c => c.ToString())),
            (3, Gen.Elements(NonAscii)),
            (1, Gen.Choose(0x20, 0xd7ff).Select(c => ((char)c).ToString())),
        };
        if (withLoneSurrogates)
        {
            pieces.Add((2, Gen.Elements(LoneSurrogates)));
        }

        return Gen.Frequency(pieces).ListOf().Select(string.Concat);
    }
}
