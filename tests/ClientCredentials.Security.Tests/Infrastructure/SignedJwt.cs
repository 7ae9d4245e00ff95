using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace ClientCredentials.Security.Tests.Infrastructure;

/// <summary>
/// Signs a JWT with RS256 from a header and payload given as JSON objects, byte for byte as given: the tests need
/// claims no token library would write (exp = 253402300799, nbf = -62135596800, a 1 MB jti).
/// </summary>
public static class SignedJwt
{
    public static string Rs256(JsonObject header, JsonObject payload, RSA key)
    {
        header["alg"] = "RS256";
        header["typ"] = "JWT";
        var signingInput = $"{Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString()))}.{Base64Url(Encoding.UTF8.GetBytes(payload.ToJsonString()))}";
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signingInput}.{Base64Url(signature)}";
    }

    /// <summary>The <c>x5t#S256</c> header value of <paramref name="certificate"/>: base64url of the SHA-256 of its DER.</summary>
    public static string X5tS256(X509Certificate2 certificate) => Base64Url(SHA256.HashData(certificate.RawData));

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
