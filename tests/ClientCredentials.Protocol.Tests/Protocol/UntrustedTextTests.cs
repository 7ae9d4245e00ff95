using System.Text;

namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>The rules that keep server and configuration text harmless in messages, logs and terminals (spec §11.6).</summary>
public sealed class UntrustedTextTests
{
    [Fact]
    public void Safe_text_is_returned_as_the_same_instance()
    {
        var text = "AADSTS7000215: Invalid client secret provided. Überprüfen — 日本 🔑";

        Assert.Same(text, UntrustedText.Neutralize(text));
    }

    [Theory]
    [InlineData("line one\r\nline two", "line one line two")]
    [InlineData("a\n\n\r\n\tb", "a b")]
    [InlineData("title\u001b]0;pwned\u0007", "title\\u001B]0;pwned\\u0007")]
    [InlineData("csi\u009b31m", "csi\\u009B31m")]
    [InlineData("nul\u0000del\u007f", "nul\\u0000del\\u007F")]
    [InlineData("abc\u202edcba", "abc\\u202Edcba")]
    [InlineData("zero\u200bwidth\ufeff", "zero\\u200Bwidth\\uFEFF")]
    [InlineData("sep\u2028arator", "sep\\u2028arator")]
    public void Line_breaks_become_spaces_and_other_invisible_characters_visible_escapes(string text, string expected)
    {
        Assert.Equal(expected, UntrustedText.Neutralize(text));
    }

    [Fact]
    public void An_unpaired_surrogate_is_escaped()
    {
        // Built in code: an attribute argument cannot carry an unpaired surrogate.
        var text = "lone" + (char)0xD800 + "surrogate";

        Assert.Equal("lone\\uD800surrogate", UntrustedText.Neutralize(text));
    }

    [Theory]
    [InlineData("\u00ad", "\\u00AD")]
    [InlineData("\u061c", "\\u061C")]
    [InlineData("\u180e", "\\u180E")]
    [InlineData("\u200f", "\\u200F")]
    [InlineData("\u2060", "\\u2060")]
    [InlineData("\u206f", "\\u206F")]
    [InlineData("\ufff9", "\\uFFF9")]
    [InlineData("\ufffb", "\\uFFFB")]
    [InlineData("\u001f", "\\u001F")]
    [InlineData("\u007f", "\\u007F")]
    public void Every_escaped_character_is_escaped_alone_among_safe_text(string character, string escape)
    {
        Assert.Equal("a" + escape + "b", UntrustedText.Neutralize("a" + character + "b"));
    }

    [Theory]
    [InlineData("\u200a")] // hair space, next to the zero-width range
    [InlineData("\u2027")] // hyphenation point, before the line separator
    [InlineData("\u202f")] // narrow no-break space, after the bidirectional controls
    [InlineData("\u205f")] // medium mathematical space, before the word joiner
    [InlineData("\u2070")] // superscript zero, after the invisible operators
    [InlineData("\ufffc")] // object replacement character, after the interlinear annotations
    [InlineData("\u00a0")] // no-break space
    public void Visible_characters_next_to_the_escaped_ranges_are_kept(string character)
    {
        var text = "a" + character + "b";

        Assert.Same(text, UntrustedText.Neutralize(text));
    }

    [Theory]
    [InlineData("\u0001 \U0001F511 end", "\\u0001 \U0001F511 end")]
    [InlineData("\U0001F511\u0001", "\U0001F511\\u0001")]
    [InlineData("a\n\U0001F511\nb", "a \U0001F511 b")]
    public void Surrogate_pairs_are_kept_whole_when_other_characters_are_escaped(string text, string expected)
    {
        Assert.Equal(expected, UntrustedText.Neutralize(text));
    }

    [Fact]
    public void Unpaired_surrogates_at_either_end_or_after_text_are_escaped()
    {
        // Built in code: an attribute argument cannot carry an unpaired surrogate.
        Assert.Equal("x\\uD800", UntrustedText.Neutralize("x" + (char)0xD800));
        Assert.Equal("\\uDC00x", UntrustedText.Neutralize((char)0xDC00 + "x"));
        Assert.Equal("x\\uDC00y", UntrustedText.Neutralize("x" + (char)0xDC00 + "y"));
        Assert.Equal("\\u0001x\\uD800", UntrustedText.Neutralize("\u0001x" + (char)0xD800));
        Assert.Equal("\\uD800" + "\U00010000", UntrustedText.Neutralize(new string([(char)0xD800, (char)0xD800, (char)0xDC00])));
    }

    [Fact]
    public void A_leading_line_break_becomes_a_space_too()
    {
        Assert.Equal(" first line", UntrustedText.Neutralize("\nfirst line"));
    }

    [Fact]
    public void Long_text_is_cut_to_the_limit_ending_in_an_ellipsis()
    {
        var result = UntrustedText.Neutralize(new string('x', 10_000), 100);

        Assert.Equal(100, result.Length);
        Assert.EndsWith("…", result, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abcdefgh\u001bz")]
    [InlineData("abcdefgh🔑🔑")]
    public void A_cut_never_splits_an_escape_or_a_surrogate_pair(string text)
    {
        var result = UntrustedText.Neutralize(text, 10);

        Assert.True(result.Length <= 10, result);
        Assert.DoesNotContain("\\u00", result, StringComparison.Ordinal);
        Assert.Equal(Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(result)), result); // no lone surrogate
    }

    [Fact]
    public void Text_exactly_at_the_limit_is_not_cut()
    {
        var text = "abcde";

        Assert.Same(text, UntrustedText.Neutralize(text, 5));
    }

    [Theory]
    [InlineData("abcd\u0001", 10, "abcd\\u0001")] // the escape ends exactly at the limit
    [InlineData("abcdefgh\u001b", 10, "abcdefgh…")] // the last escape would overflow
    [InlineData("\u0001\u0001\u0001\u0001", 10, "\\u0001…")] // escapes keep counting towards the limit
    [InlineData("abcdefghi\u0001", 10, "abcdefghi…")]
    public void Escapes_count_towards_the_limit_and_are_never_cut(string text, int maxLength, string expected)
    {
        Assert.Equal(expected, UntrustedText.Neutralize(text, maxLength));
    }

    [Fact]
    public void A_limit_below_one_character_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => UntrustedText.Neutralize("text", 0));
    }

    [Fact]
    public void Capped_joins_refuse_missing_arguments_and_a_cap_below_one()
    {
        Assert.Throws<ArgumentNullException>(() => UntrustedText.JoinCapped(null!, [1]));
        Assert.Throws<ArgumentNullException>(() => UntrustedText.JoinCapped<int>(", ", null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => UntrustedText.JoinCapped(", ", [1], 0));
    }

    [Fact]
    public void Long_lists_show_their_first_items_and_how_many_more()
    {
        Assert.Equal("1, 2, 3, … (2 more)", UntrustedText.JoinCapped(", ", [1, 2, 3, 4, 5], 3));
        Assert.Equal("1, 2", UntrustedText.JoinCapped(", ", [1, 2], 3));
    }

    [Theory]
    [InlineData("""{"error":"x","access_token":"opaque-LEAK"}""", """{"error":"x","access_token":"[redacted]"}""")]
    [InlineData("""{ 'Refresh_Token' : 'LEAK' }""", """{ 'Refresh_Token' : '[redacted]' }""")]
    [InlineData("grant_type=x&client_secret=LEAK&client_assertion=LEAK2", "grant_type=x&client_secret=[redacted]&client_assertion=[redacted]")]
    [InlineData("Authorization: Bearer LEAK.tok-en~+/=", "Authorization: Bearer [redacted]")]
    [InlineData("token eyJhbGciOiJIUzI1NiJ9.eyJMRUFLIjoxfQ.sig_LEAK end", "token [redacted] end")]
    [InlineData("cut eyJhbGciOiJIUzI1Ni", "cut [redacted]")]
    [InlineData("""{"id_token":"LEAK""", """{"id_token":"[redacted]""")]
    public void Excerpts_replace_every_credential_looking_value(string body, string expected)
    {
        Assert.Equal(expected, ResponseExcerpt.Redact(body));
    }

    [Fact]
    public void An_excerpt_of_ordinary_text_keeps_it()
    {
        Assert.Equal("<html> <body>502 Bad Gateway</body> </html>", ResponseExcerpt.Of(Encoding.UTF8.GetBytes("<html>\n<body>502 Bad Gateway</body>\n</html>")));
    }

    [Theory]
    [InlineData("abc", true)]
    [InlineData("eyJ.a-b_c~d+e/f=", true)]
    [InlineData("", false)]
    [InlineData("a b", false)]
    [InlineData("a\tb", false)]
    [InlineData("a\r\nb", false)]
    [InlineData("\u00e9", false)]
    [InlineData("a\u007f", false)]
    public void Header_values_are_visible_ascii(string value, bool valid)
    {
        Assert.Equal(valid, HeaderValueRule.IsValid(value));
    }

    [Theory]
    [InlineData("Bearer", true)]
    [InlineData("DPoP", true)]
    [InlineData("Bear(er", false)]
    [InlineData("Bearer:", false)]
    [InlineData("Bear er", false)]
    public void Authorization_schemes_are_http_tokens(string scheme, bool valid)
    {
        Assert.Equal(valid, HeaderValueRule.IsValidToken(scheme));
    }

    [Fact]
    public void A_refused_header_value_is_named_by_position_and_code_point_never_quoted()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => HeaderValueRule.Validate("secret-part\r\nX-Injected: 1", "CorrelationId"));

        Assert.Equal("CorrelationId", error.Setting);
        Assert.Contains("carriage return (U+000D) at position 11", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-part", error.Message, StringComparison.Ordinal);
    }
}
