using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ClientCredentials.Protocol;

/// <summary>
/// The key a client proves possession of with DPoP (RFC 9449): it signs a proof JWT (<c>typ: dpop+jwt</c>, the public
/// key as <c>jwk</c>) for every token request and every resource request, and the server binds the tokens it issues to
/// the key's JWK SHA-256 thumbprint (<see cref="Thumbprint"/>, the token's <c>cnf.jkt</c>). ES256 for an EC P-256
/// key, PS256 for an RSA key. <see cref="CreateEphemeral"/> makes a P-256 key that exists only in this process's
/// memory. <see cref="ToString"/> shows the algorithm and thumbprint, never the key.
/// </summary>
public sealed class DPoPProofKey : IDisposable
{
    /// <summary>The <c>token_type</c> of a DPoP-bound token (RFC 9449 §5), and the cache key's token type for one.</summary>
    internal const string TokenType = "DPoP";

    private readonly AsymmetricAlgorithm _key;
    private readonly byte[] _publicJwk;

    /// <summary>Uses an EC P-256 key (ES256). The caller keeps ownership of <paramref name="key"/> until this is disposed.</summary>
    /// <exception cref="ClientCredentialsConfigurationException">The key is not on P-256 or has no private part.</exception>
    public DPoPProofKey(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        // Assigned here too, so the compiler sees it assigned even where a mutation tool drops the try block's statements.
        var parameters = default(ECParameters);
        try
        {
            parameters = key.ExportParameters(includePrivateParameters: false);
            _ = key.SignData([0], HashAlgorithmName.SHA256);
        }
        catch (CryptographicException ex)
        {
            throw new ClientCredentialsConfigurationException("DPoPKey", "The DPoP key cannot sign: it needs its private part.", ex);
        }

        if (key.KeySize != 256 || parameters.Curve.Oid?.Value is not ("1.2.840.10045.3.1.7" or null) || parameters.Q.X is null || parameters.Q.Y is null)
        {
            throw new ClientCredentialsConfigurationException("DPoPKey", $"The DPoP key is an EC key of {key.KeySize} bits; ES256 needs the P-256 curve.");
        }

        _key = key;
        Algorithm = "ES256";
        // RFC 7638 §3.2: the required members only, in lexicographic order, no white space; the same bytes serve as the proof's jwk.
        _publicJwk = Encoding.UTF8.GetBytes($"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{Base64Url.EncodeToString(parameters.Q.X)}\",\"y\":\"{Base64Url.EncodeToString(parameters.Q.Y)}\"}}");
        Thumbprint = Base64Url.EncodeToString(SHA256.HashData(_publicJwk));
    }

    /// <summary>Uses an RSA key of 2048 bits or more (PS256). The caller keeps ownership of <paramref name="key"/> until this is disposed.</summary>
    /// <exception cref="ClientCredentialsConfigurationException">The key is shorter than 2048 bits or has no private part.</exception>
    public DPoPProofKey(RSA key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.KeySize < 2048)
        {
            throw new ClientCredentialsConfigurationException("DPoPKey", $"The DPoP key is a {key.KeySize}-bit RSA key; use at least 2048 bits, or an EC P-256 key (ES256).");
        }

        var parameters = default(RSAParameters);
        try
        {
            parameters = key.ExportParameters(includePrivateParameters: false);
            _ = key.SignData([0], HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        }
        catch (CryptographicException ex)
        {
            throw new ClientCredentialsConfigurationException("DPoPKey", "The DPoP key cannot sign PS256: it needs its private part and PSS support.", ex);
        }

        _key = key;
        Algorithm = "PS256";
        _publicJwk = Encoding.UTF8.GetBytes($"{{\"e\":\"{Base64Url.EncodeToString(parameters.Exponent)}\",\"kty\":\"RSA\",\"n\":\"{Base64Url.EncodeToString(parameters.Modulus)}\"}}");
        Thumbprint = Base64Url.EncodeToString(SHA256.HashData(_publicJwk));
    }

    /// <summary>The JWS algorithm of the proofs: <c>ES256</c> or <c>PS256</c>.</summary>
    public string Algorithm { get; }

    /// <summary>The JWK SHA-256 thumbprint of the public key (RFC 7638), Base64url: the <c>cnf.jkt</c> of bound tokens
    /// and the <c>dpop_jkt</c> of RFC 9449 §10.</summary>
    public string Thumbprint { get; }

    /// <summary>A new EC P-256 key (ES256) that lives only in this process's memory.</summary>
    public static DPoPProofKey CreateEphemeral() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>
    /// Creates one DPoP proof (RFC 9449 §4.2): header <c>typ: dpop+jwt</c>, <c>alg</c>, <c>jwk</c>; claims <c>jti</c> (new),
    /// <c>htm</c> = <paramref name="method"/>, <c>htu</c> = <paramref name="requestUri"/> without query and fragment,
    /// <c>iat</c> = <paramref name="issuedAt"/>, <c>ath</c> = Base64url(SHA-256(<paramref name="accessToken"/>)) when a token
    /// is presented (§7.1), and <c>nonce</c> when the server gave one (§8, §9). A proof is for one request only.
    /// </summary>
    /// <exception cref="ClientCredentialsConfigurationException">The URI is not absolute http(s), or the nonce is not a
    /// nonce (RFC 9449 §8.1: one or more of <c>%x21 / %x23-5B / %x5D-7E</c>).</exception>
    public string CreateProof(HttpMethod method, Uri requestUri, DateTimeOffset issuedAt, string? accessToken = null, string? nonce = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(requestUri);
        if (!requestUri.IsAbsoluteUri || (requestUri.Scheme != Uri.UriSchemeHttps && requestUri.Scheme != Uri.UriSchemeHttp))
        {
            throw new ClientCredentialsConfigurationException("RequestUri", "A DPoP proof is made for an absolute http(s) request URI.");
        }

        if (nonce is not null && !DPoPNonce.IsValid(nonce))
        {
            throw new ClientCredentialsConfigurationException("DPoPNonce", "The DPoP nonce is not a nonce (RFC 9449 §8.1: visible ASCII without '\"' or '\\').");
        }

        var htu = requestUri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        return CompactJws.Create(
            header =>
            {
                header.WriteStartObject();
                header.WriteString("typ", "dpop+jwt");
                header.WriteString("alg", Algorithm);
                header.WritePropertyName("jwk");
                // Stryker disable once Boolean : the JWK is JSON this class wrote; validating it writes the same bytes
                header.WriteRawValue(_publicJwk, skipInputValidation: true);
                header.WriteEndObject();
            },
            payload =>
            {
                payload.WriteStartObject();
                payload.WriteString("jti", Guid.NewGuid().ToString());
                payload.WriteString("htm", method.Method);
                payload.WriteString("htu", htu);
                payload.WriteNumber("iat", issuedAt.ToUnixTimeSeconds());
                if (accessToken is not null)
                {
                    payload.WriteString("ath", Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken))));
                }

                if (nonce is not null)
                {
                    payload.WriteString("nonce", nonce);
                }

                payload.WriteEndObject();
            },
            Sign);
    }

    /// <summary>Disposes the key.</summary>
    public void Dispose() => _key.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"DPoP key {Algorithm} (jkt {Thumbprint})";

    // The constructors take an ECDsa or an RSA key only.
    private byte[] Sign(byte[] data) => _key is ECDsa ec
        ? ec.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
        : ((RSA)_key).SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
}

/// <summary>DPoP nonces (RFC 9449 §8): the <c>DPoP-Nonce</c> header a server sends, checked before it is used.</summary>
public static class DPoPNonce
{
    /// <summary>The response header that carries a server's nonce.</summary>
    public const string HeaderName = "DPoP-Nonce";

    /// <summary>The request header that carries a proof.</summary>
    public const string ProofHeaderName = "DPoP";

    /// <summary>The error a server answers when a proof must carry its (new) nonce.</summary>
    public const string UseDPoPNonceError = "use_dpop_nonce";

    /// <summary>The longest nonce accepted.</summary>
    public const int MaxLength = 512;

    /// <summary>RFC 9449 §8.1: <c>nonce = 1*NQCHAR</c>, <c>NQCHAR = %x21 / %x23-5B / %x5D-7E</c>.</summary>
    public static bool IsValid(string? nonce) =>
        !string.IsNullOrEmpty(nonce) && nonce.Length <= MaxLength && !nonce.Any(c => c is '"' or '\\' || c < 0x21 || c > 0x7e);

    /// <summary>The valid nonce of a response's <c>DPoP-Nonce</c> header, or null (absent, repeated or malformed).</summary>
    public static string? From(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Headers.TryGetValues(HeaderName, out var values) && values.ToList() is [var single] && IsValid(single) ? single : null;
    }
}
