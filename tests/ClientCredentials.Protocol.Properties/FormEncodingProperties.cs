using System.Net;
using System.Text;
using ClientCredentials.Protocol.Properties.Generators;
using Microsoft.AspNetCore.WebUtilities;

namespace ClientCredentials.Protocol.Properties;

/// <summary>
/// application/x-www-form-urlencoded as the library writes it (WHATWG URL §5.2, RFC 6749 Appendix B; vectors in
/// spec/vectors/form-encoding.json): UTF-8, ASCII letters, digits and <c>*-._</c> kept, space as <c>+</c>, every other
/// byte as one upper-case <c>%XX</c>. Servers decode with standard decoders; these are two of them.
/// </summary>
public sealed class FormEncodingProperties
{
    private static bool IsKept(byte b) => b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'*' or (byte)'-' or (byte)'.' or (byte)'_';

    [Property(MaxTest = 2000)]
    public Property A_value_round_trips_through_WebUtility_UrlDecode() =>
        Prop.ForAll(TextGen.WellFormed.ToArbitrary(), value => WebUtility.UrlDecode(FormUrlEncoding.Encode(value)) == value);

    [Property(MaxTest = 1000, EndSize = 30)]
    public Property A_form_round_trips_through_ASP_NET_Core_FormReader_pair_by_pair_in_order()
    {
        var pairs = Gen.Zip(TextGen.NonEmptyWellFormed, TextGen.WellFormed).Select(p => new KeyValuePair<string, string>(p.Item1, p.Item2)).ListOf().ToArbitrary();
        return Prop.ForAll(pairs, fields =>
        {
            var body = FormUrlEncoding.EncodeForm(fields);
            using var reader = new FormReader(body);
            var decoded = new List<KeyValuePair<string, string>>();
            while (reader.ReadNextPair() is { } pair)
            {
                decoded.Add(pair);
            }

            return decoded.SequenceEqual(fields);
        });
    }

    [Property(MaxTest = 2000)]
    public Property Each_UTF8_byte_is_written_one_way_only_kept_plus_or_one_uppercase_escape() =>
        Prop.ForAll(TextGen.WellFormed.ToArbitrary(), value =>
        {
            var encoded = FormUrlEncoding.Encode(value);
            var bytes = new List<byte>();
            for (var i = 0; i < encoded.Length; i++)
            {
                var c = encoded[i];
                if (c == '%')
                {
                    var hex = encoded.Substring(i + 1, 2);
                    Assert.True(hex.All(h => char.IsAsciiDigit(h) || h is >= 'A' and <= 'F'), $"'%{hex}' is not an upper-case escape");
                    var b = Convert.ToByte(hex, 16);
                    Assert.False(IsKept(b) || b == (byte)' ', $"byte 0x{b:X2} is escaped although it has a literal form");
                    bytes.Add(b);
                    i += 2;
                }
                else if (c == '+')
                {
                    bytes.Add((byte)' ');
                }
                else
                {
                    Assert.True(c < 0x80 && IsKept((byte)c), $"'{c}' is written literally although it must be escaped");
                    bytes.Add((byte)c);
                }
            }

            return bytes.SequenceEqual(Encoding.UTF8.GetBytes(value));
        });

    [Property(MaxTest = 1000)]
    public Property A_space_is_always_plus_and_a_plus_is_always_escaped() =>
        Prop.ForAll(TextGen.WellFormed.ToArbitrary(), value =>
        {
            var encoded = FormUrlEncoding.Encode(value);
            return !encoded.Contains("%20", StringComparison.Ordinal) &&
                encoded.Count(c => c == '+') == value.Count(c => c == ' ') &&
                encoded.Contains("%2B", StringComparison.Ordinal) == value.Contains('+', StringComparison.Ordinal);
        });

    [Property(MaxTest = 1000)]
    public Property A_lone_surrogate_is_sent_as_U_FFFD_as_the_WHATWG_serializer_does() =>
        Prop.ForAll(TextGen.Any.ToArbitrary(), value => FormUrlEncoding.Encode(value) == FormUrlEncoding.Encode(TextGen.ToScalarValues(value)));
}
