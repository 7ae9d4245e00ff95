using System.Buffers.Text;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ClientCredentials.Protocol;

/// <summary>Writes a JWS in compact serialization (RFC 7515 §7.1): Base64url(header) . Base64url(payload) . Base64url(signature).</summary>
internal static class CompactJws
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Create(Action<Utf8JsonWriter> header, Action<Utf8JsonWriter> payload, Func<byte[], byte[]> sign)
    {
        var signingInput = Base64Url.EncodeToString(Json(header)) + "." + Base64Url.EncodeToString(Json(payload));
        return signingInput + "." + Base64Url.EncodeToString(sign(Encoding.ASCII.GetBytes(signingInput)));
    }

    public static byte[] Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream(512);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return buffer.ToArray();
    }
}
