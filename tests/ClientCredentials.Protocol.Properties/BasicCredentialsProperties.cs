using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ClientCredentials.Protocol.Properties.Generators;
using EmulatorBasicCredentials = ClientCredentials.Emulator.Tokens.BasicCredentials;

namespace ClientCredentials.Protocol.Properties;

/// <summary>
/// <c>client_secret_basic</c> (RFC 6749 §2.3.1, RFC 7617; vectors in spec/vectors/basic-credentials.json): id and secret
/// form-url-encoded, joined with <c>:</c>, Base64 of the UTF-8 bytes. Any Unicode id and secret must come back intact.
/// </summary>
public sealed class BasicCredentialsProperties
{
    private static Arbitrary<(string Id, string Secret)> Credentials { get; } = Gen.Zip(TextGen.NonEmptyWellFormed, TextGen.NonEmptyWellFormed).ToArbitrary();

    [Property(MaxTest = 2000)]
    public Property Any_Unicode_id_and_secret_round_trip_through_Base64_and_form_decoding() =>
        Prop.ForAll(Credentials, c =>
        {
            var userPass = Encoding.UTF8.GetString(Convert.FromBase64String(BasicCredentials.Encode(c.Id, c.Secret)));
            var colon = userPass.IndexOf(':', StringComparison.Ordinal);
            return WebUtility.UrlDecode(userPass[..colon]) == c.Id && WebUtility.UrlDecode(userPass[(colon + 1)..]) == c.Secret;
        });

    [Property(MaxTest = 1000)]
    public Property The_user_pass_is_ASCII_with_exactly_one_colon_so_charset_and_splitting_cannot_differ() =>
        Prop.ForAll(Credentials, c =>
        {
            var bytes = Convert.FromBase64String(BasicCredentials.Encode(c.Id, c.Secret));
            return bytes.All(b => b is > 0x20 and < 0x7f) && bytes.Count(b => b == (byte)':') == 1;
        });

    [Property(MaxTest = 1000)]
    public Property The_emulator_reads_back_what_the_client_sends() =>
        Prop.ForAll(Credentials, c =>
        {
            var read = EmulatorBasicCredentials.TryRead("Basic " + BasicCredentials.Encode(c.Id, c.Secret), out var malformed);
            return !malformed && read is not null && read.ClientId == c.Id && read.Secret == c.Secret;
        });

    [Property(MaxTest = 1000)]
    public Property The_header_parses_as_HTTP_credentials_with_the_value_as_token68() =>
        Prop.ForAll(Credentials, c =>
        {
            var value = BasicCredentials.Encode(c.Id, c.Secret);
            return AuthenticationHeaderValue.TryParse("Basic " + value, out var header) && header.Scheme == "Basic" && header.Parameter == value;
        });
}
