using System.Text;

namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>RFC 6749 §2.3.1: id and secret are form-url-encoded before Base64, so ':' in either survives.</summary>
public class BasicCredentialsTests
{
    [Theory]
    [InlineData("client", "secret", "client:secret")]
    [InlineData("id:with:colons", "p:ss", "id%3Awith%3Acolons:p%3Ass")]
    [InlineData("a b", "x+y%z", "a+b:x%2By%25z")]
    [InlineData("clïent", "sécret~!", "cl%C3%AFent:s%C3%A9cret%7E%21")]
    [InlineData("safe-._*", "A0z9", "safe-._*:A0z9")]
    public void Encodes_each_part_with_form_url_encoding_then_base64(string id, string secret, string expectedBeforeBase64)
    {
        var header = BasicCredentials.Encode(id, secret);
        Assert.Equal(expectedBeforeBase64, Encoding.UTF8.GetString(Convert.FromBase64String(header)));
    }

    [Fact]
    public void Round_trips_through_form_url_decoding()
    {
        const string id = "weird id:%+/?&=é";
        const string secret = "~s3cr:t with spaces+plus%";
        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(BasicCredentials.Encode(id, secret)));
        var colon = decoded.IndexOf(':');
        Assert.Equal(id, Uri.UnescapeDataString(decoded[..colon].Replace('+', ' ')));
        Assert.Equal(secret, Uri.UnescapeDataString(decoded[(colon + 1)..].Replace('+', ' ')));
    }
}
