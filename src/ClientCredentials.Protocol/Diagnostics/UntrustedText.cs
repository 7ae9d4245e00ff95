using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace ClientCredentials.Protocol;

/// <summary>
/// Makes text that came from the network (a token endpoint's <c>error</c>, <c>error_description</c>,
/// <c>trace_id</c>, a discovery document, a response body) or from configuration (a client id, a tenant, a scope)
/// safe to put into an exception message, a log event or a terminal. Every message and log event of this library
/// passes such text through here; use it too before printing the raw fields of <see cref="TokenEndpointError"/>.
/// </summary>
/// <remarks>
/// Line breaks and tabs become one space, so a value can never start a forged log line. Every other control
/// character (C0, DEL, C1 — which includes the ESC and CSI that start terminal escape sequences), the Unicode
/// bidirectional and invisible format characters (the "Trojan Source" characters, CVE-2021-42574), the line and
/// paragraph separators and unpaired surrogates are written as a visible <c>\uXXXX</c> escape instead.
/// The result is at most <c>maxLength</c> characters, ending in <c>…</c> when it was cut.
/// </remarks>
public static class UntrustedText
{
    /// <summary>The length to which <see cref="Neutralize"/> cuts by default: 512 characters.</summary>
    public const int DefaultMaxLength = 512;

    private const char Ellipsis = '…';

    /// <summary>
    /// Returns <paramref name="text"/> with line breaks and tabs as spaces, other control and invisible format
    /// characters escaped as <c>\uXXXX</c>, and cut to <paramref name="maxLength"/> characters (the last one then
    /// being <c>…</c>). Returns the same instance when nothing needed changing; null for null.
    /// </summary>
    [return: NotNullIfNotNull(nameof(text))]
    public static string? Neutralize(string? text, int maxLength = DefaultMaxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        if (text is null)
        {
            return null;
        }

        if (text.Length <= maxLength && IsSafe(text))
        {
            return text;
        }

        // Stryker disable once Linq : the capacity only sizes the first buffer; the loop cuts the text to maxLength
        var builder = new StringBuilder(Math.Min(text.Length, maxLength));
        var lastWasBreak = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            string? piece;
            if (c is '\r' or '\n' or '\t')
            {
                if (lastWasBreak)
                {
                    continue;
                }

                lastWasBreak = true;
                piece = " ";
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                lastWasBreak = false;
                piece = text.Substring(i, 2);
                i++;
            }
            else
            {
                lastWasBreak = false;
                piece = IsSafe(c) ? null : Escape(c);
            }

            var length = piece?.Length ?? 1;
            if (builder.Length + length > maxLength - 1 && HasMore(text, i, builder.Length + length, maxLength))
            {
                builder.Append(Ellipsis);
                return builder.ToString();
            }

            if (piece is null)
            {
                builder.Append(c);
            }
            else
            {
                builder.Append(piece);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Joins at most <paramref name="maxItems"/> of <paramref name="items"/> with <paramref name="separator"/>, then
    /// <c>, … (N more)</c> for the rest: for lists a server sends, such as AAD's <c>error_codes</c>.
    /// </summary>
    public static string JoinCapped<T>(string separator, IReadOnlyList<T> items, int maxItems = 10)
    {
        ArgumentNullException.ThrowIfNull(separator);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxItems, 1);
        var builder = new StringBuilder();
        var shown = Math.Min(items.Count, maxItems);
        for (var i = 0; i < shown; i++)
        {
            if (i > 0)
            {
                builder.Append(separator);
            }

            builder.Append(Neutralize(Convert.ToString(items[i], CultureInfo.InvariantCulture), 64));
        }

        if (items.Count > shown)
        {
            builder.Append(CultureInfo.InvariantCulture, $", … ({items.Count - shown} more)");
        }

        return builder.ToString();
    }

    /// <summary>True when every character of <paramref name="text"/> may be printed as is.</summary>
    internal static bool IsSafe(ReadOnlySpan<char> text)
    {
        // Each unit is looked at once (a surrogate together with its neighbour), so the index moves only in the header.
        for (var i = 0; i < text.Length; i++)
        {
            if (!IsSafe(text[i]) && !IsHalfOfSurrogatePair(text, i))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <c>text[index]</c> is the high or the low half of a well-formed surrogate pair.</summary>
    private static bool IsHalfOfSurrogatePair(ReadOnlySpan<char> text, int index) =>
        char.IsHighSurrogate(text[index])
            ? index + 1 < text.Length && char.IsLowSurrogate(text[index + 1])
            : index > 0 && char.IsHighSurrogate(text[index - 1]) && char.IsLowSurrogate(text[index]);

    /// <summary>Whether one UTF-16 unit may be printed as is (surrogates only as part of a checked pair).</summary>
    private static bool IsSafe(char c) =>
        !char.IsControl(c) && !char.IsSurrogate(c) && !IsInvisibleFormat(c);

    /// <summary>Bidirectional controls, zero-width characters, word joiners, BOM, line and paragraph separators.</summary>
    private static bool IsInvisibleFormat(char c) =>
        c is '\u061C' or '\u00AD' or '\u180E' or (>= '\u200B' and <= '\u200F') or (>= '\u2028' and <= '\u202E') or
            (>= '\u2060' and <= '\u206F') or '\uFEFF' or (>= '\uFFF9' and <= '\uFFFB');

    private static string Escape(char c) => "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture);

    /// <summary>Whether the output would exceed the limit: more input follows, or this piece itself overflows.</summary>
    private static bool HasMore(string text, int index, int lengthWithPiece, int maxLength) =>
        lengthWithPiece > maxLength || index + 1 < text.Length;
}
