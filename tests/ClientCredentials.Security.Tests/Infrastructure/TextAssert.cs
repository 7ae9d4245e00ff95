namespace ClientCredentials.Security.Tests.Infrastructure;

/// <summary>Assertions on text that reaches a person: a message, a log line, a terminal.</summary>
public static class TextAssert
{
    /// <summary>
    /// No control character (C0 — CR, LF, ESC, BEL, NUL... — DEL, C1 such as CSI U+009B) and no bidirectional or
    /// zero-width format character: nothing that can forge a log line or drive a terminal.
    /// </summary>
    public static void Printable(string? text, string what = "text")
    {
        if (text is null)
        {
            return;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var bad = char.IsControl(c) || c is (>= '\u200B' and <= '\u200F') or (>= '\u2028' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\uFEFF';
            Assert.False(bad, $"{what} holds U+{(int)c:X4} at {i}: {Excerpt(text, i)}");
        }
    }

    /// <summary>Like <see cref="Printable"/>, but line breaks between lines (a terminal's output) are allowed.</summary>
    public static void PrintableLines(string text, string what = "output")
    {
        foreach (var line in text.Split('\n'))
        {
            Printable(line.TrimEnd('\r'), what);
        }
    }

    public static void NotIn(string? text, string secret, string what = "text")
    {
        if (text is not null)
        {
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{what} contains '{secret}': {text}");
        }
    }

    private static string Excerpt(string text, int at) =>
        text.Substring(Math.Max(0, at - 40), Math.Min(80, text.Length - Math.Max(0, at - 40))).Replace("\u001b", "<ESC>", StringComparison.Ordinal);
}
