using System.Text;

namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>
/// The application/x-www-form-urlencoded body (RFC 6749 Appendix B): <c>name=value</c> pairs joined with <c>&amp;</c>,
/// and the token request's bytes, written into an array of their exact length, are exactly that text in UTF-8.
/// </summary>
public class FormUrlEncodingTests
{
    [Fact]
    public void A_form_joins_its_pairs_with_ampersands_in_the_given_order()
    {
        KeyValuePair<string, string>[] fields = [new("b", "2"), new("a", "1"), new("empty", "")];

        Assert.Equal("b=2&a=1&empty=", FormUrlEncoding.EncodeForm(fields));
        Assert.Equal("b=2&a=1&empty=", Encoding.UTF8.GetString(FormUrlEncoding.EncodeFormUtf8(fields)));
    }

    [Theory]
    [InlineData("AZaz09*-._", "AZaz09*-._")] // the edges of every kept range, copied as they are
    [InlineData("Z 9", "Z+9")] // with a space: the kept characters at the ranges' upper edges still go out as they are
    [InlineData("a~b", "a%7Eb")]
    [InlineData("\u007f", "%7F")] // the last ASCII character
    [InlineData("\u0080", "%C2%80")] // the first non-ASCII one: two UTF-8 bytes
    [InlineData("Z\u00e9 9\u20ac\ud83d\ude00", "Z%C3%A9+9%E2%82%AC%F0%9F%98%80")]
    public void The_request_body_is_exactly_the_utf8_of_the_encoded_form(string value, string encoded)
    {
        KeyValuePair<string, string>[] fields = [new("k", value)];

        var body = FormUrlEncoding.EncodeFormUtf8(fields);

        Assert.Equal("k=" + encoded, Encoding.UTF8.GetString(body));
        Assert.Equal(FormUrlEncoding.EncodeForm(fields), Encoding.UTF8.GetString(body));
    }
}
