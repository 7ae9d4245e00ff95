namespace ClientCredentials.Protocol;

/// <summary>
/// The one rule for every value this library writes into an HTTP header — the <c>client-request-id</c> of a token
/// request, the token and token type the HTTP handler writes as <c>Authorization</c>, and any header added later:
/// one or more visible ASCII characters (RFC 5234 <c>VCHAR</c>, U+0021–U+007E). CR, LF and NUL, which would end the
/// header line and let the rest of the value forge headers or a second request (RFC 9112 §11.2, request splitting),
/// every other control character, white space and non-ASCII are refused.
/// </summary>
public static class HeaderValueRule
{
    /// <summary>True when <paramref name="value"/> is non-empty and every character is visible ASCII (U+0021–U+007E).</summary>
    public static bool IsValid(ReadOnlySpan<char> value) =>
        !value.IsEmpty && value.IndexOfAnyExceptInRange('\u0021', '\u007E') < 0;

    /// <summary>
    /// True when <paramref name="value"/> is an HTTP <c>token</c> (RFC 9110 §5.6.2: one or more visible ASCII characters
    /// other than the delimiters <c>"(),/:;&lt;=&gt;?@[\]{}</c>), as an authentication scheme such as a token type must be.
    /// </summary>
    public static bool IsValidToken(ReadOnlySpan<char> value) =>
        IsValid(value) && value.IndexOfAny(Delimiters) < 0;

    /// <summary>
    /// Returns <paramref name="value"/> when <see cref="IsValid"/> and at most <paramref name="maxLength"/> characters
    /// long; otherwise throws <see cref="ClientCredentialsConfigurationException"/> naming <paramref name="setting"/> and
    /// the position and code point of the first bad character. The value itself is never quoted: it may be a token.
    /// </summary>
    public static string Validate(string? value, string setting, int maxLength = int.MaxValue)
    {
        ArgumentException.ThrowIfNullOrEmpty(setting);
        if (string.IsNullOrEmpty(value))
        {
            throw new ClientCredentialsConfigurationException(setting, $"{setting} is empty; a value sent in an HTTP header needs at least one visible ASCII character.");
        }

        if (value.Length > maxLength)
        {
            throw new ClientCredentialsConfigurationException(setting, $"{setting} is {value.Length} characters long; at most {maxLength} are sent in an HTTP header.");
        }

        var bad = value.AsSpan().IndexOfAnyExceptInRange('\u0021', '\u007E');
        if (bad >= 0)
        {
            throw new ClientCredentialsConfigurationException(
                setting,
                $"{setting} contains {Describe(value[bad])} at position {bad}. A value sent in an HTTP header must be visible ASCII only (no CR, LF, NUL or other control character, " +
                "no white space, no non-ASCII), so that it cannot end the header line and inject headers.");
        }

        return value;
    }

    private static readonly System.Buffers.SearchValues<char> Delimiters = System.Buffers.SearchValues.Create("\"(),/:;<=>?@[\\]{}");

    /// <summary>Names a character by its code point, with the usual name of the ones that matter here.</summary>
    internal static string Describe(char c) => c switch
    {
        '\r' => "a carriage return (U+000D)",
        '\n' => "a line feed (U+000A)",
        '\0' => "a NUL (U+0000)",
        ' ' => "a space (U+0020)",
        '\t' => "a tab (U+0009)",
        _ => $"U+{(int)c:X4}",
    };
}
