using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ClientCredentials.Protocol;

/// <summary>
/// Builds and signs the compact JWS of a certificate client assertion (RFC 7515 §7.1, RFC 7523). The header is
/// <c>{"alg","typ":"JWT", "x5t#S256" | "x5t", "kid"?, "x5c"?}</c>: Entra gets PS256 with <c>x5t#S256</c>; other servers
/// RS256 with <c>x5t</c> or ES256. When a key cannot sign PSS (some HSM and CNG keys), it falls back to RS256 with
/// <c>x5t</c> once and remembers that.
/// </summary>
/// <remarks>
/// Everything that depends on the certificate alone is worked out once, here, not per request: the thumbprints, the
/// kind of key, the private key handle, the validity window and each encoded header. One signer belongs to one
/// certificate; a rotated certificate gets a new credential and so a new signer.
/// </remarks>
internal sealed class AssertionSigner
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly X509Certificate2 _certificate;
    private readonly CertificateCredentialOptions _options;
    private readonly string _x5t;
    private readonly string _x5tS256;
    private readonly string[]? _x5c;
    private readonly bool _isEcKey;
    private readonly long _notBeforeTicks;
    private readonly long _notAfterTicks;
    private readonly Lazy<AsymmetricAlgorithm?> _privateKey;
    private readonly string?[] _encodedHeaders = new string?[4];
    private volatile bool _pssUnavailable;

    public AssertionSigner(X509Certificate2 certificate, CertificateCredentialOptions options)
    {
        _certificate = certificate;
        _options = options;
        _x5t = CertificateThumbprints.X5t(certificate);
        _x5tS256 = CertificateThumbprints.X5tS256(certificate);
        if (options.SendCertificateChain)
        {
            _x5c = [Convert.ToBase64String(certificate.RawData), .. options.Chain.Select(c => Convert.ToBase64String(c.RawData))];
        }

        using (var ec = certificate.GetECDsaPublicKey())
        {
            _isEcKey = ec is not null;
        }

        _notBeforeTicks = certificate.NotBefore.ToUniversalTime().Ticks;
        _notAfterTicks = certificate.NotAfter.ToUniversalTime().Ticks;
        _privateKey = new Lazy<AsymmetricAlgorithm?>(() => _isEcKey ? certificate.GetECDsaPrivateKey() : certificate.GetRSAPrivateKey(), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>
    /// True when <paramref name="now"/> lies inside the certificate's validity period: the per-request part of
    /// <see cref="CertificateRules.Check"/>, whose other rules depend on the certificate alone and ran when the
    /// credential was validated.
    /// </summary>
    public bool IsValidAt(DateTimeOffset now) => now.UtcTicks >= _notBeforeTicks && now.UtcTicks <= _notAfterTicks;

    /// <summary>The <c>x5t#S256</c> thumbprint of the certificate.</summary>
    public string X5tS256 => _x5tS256;

    public string Sign(AssertionClaims claims, AuthorityKind kind)
    {
        var algorithm = Choose(kind);
        if (algorithm != ClientAssertionAlgorithm.PS256)
        {
            return Build(algorithm, claims);
        }

        try
        {
            return Build(ClientAssertionAlgorithm.PS256, claims);
        }
        catch (CryptographicException) when (_options.Algorithm == ClientAssertionAlgorithm.Automatic)
        {
            _pssUnavailable = true;
            return Build(ClientAssertionAlgorithm.RS256, claims);
        }
    }

    private ClientAssertionAlgorithm Choose(AuthorityKind kind)
    {
        if (_options.Algorithm != ClientAssertionAlgorithm.Automatic)
        {
            return _options.Algorithm;
        }

        if (_isEcKey)
        {
            return ClientAssertionAlgorithm.ES256;
        }

        return kind == AuthorityKind.Entra && !_pssUnavailable ? ClientAssertionAlgorithm.PS256 : ClientAssertionAlgorithm.RS256;
    }

    private string Build(ClientAssertionAlgorithm algorithm, AssertionClaims claims)
    {
        var header = _encodedHeaders[(int)algorithm] ??= Base64Url.EncodeToString(WriteHeader(algorithm));
        var signingInput = header + "." + Base64Url.EncodeToString(Write(claims.WriteTo));
        var signature = SignBytes(algorithm, Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    private byte[] WriteHeader(ClientAssertionAlgorithm algorithm) => Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("alg", algorithm.ToString());
        writer.WriteString("typ", "JWT");
        if (algorithm == ClientAssertionAlgorithm.PS256)
        {
            writer.WriteString("x5t#S256", _x5tS256);
        }
        else
        {
            writer.WriteString("x5t", _x5t);
        }

        if (_options.KeyId is { Length: > 0 } kid)
        {
            writer.WriteString("kid", kid);
        }

        if (_x5c is not null)
        {
            writer.WriteStartArray("x5c");
            foreach (var der in _x5c)
            {
                writer.WriteStringValue(der);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    });

    private byte[] SignBytes(ClientAssertionAlgorithm algorithm, byte[] data)
    {
        // The key object is kept for the certificate's life: opening it per request costs more than the signature.
        var key = _privateKey.Value;
        if (algorithm == ClientAssertionAlgorithm.ES256)
        {
            var ec = key as ECDsa ?? throw NoKey();
            return ec.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }

        var rsa = key as RSA ?? throw NoKey();
        var padding = algorithm == ClientAssertionAlgorithm.PS256 ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
        return rsa.SignData(data, HashAlgorithmName.SHA256, padding);
    }

    private ClientCredentialsConfigurationException NoKey() =>
        new("Certificate", $"Certificate '{_certificate.Subject}' (thumbprint {_certificate.Thumbprint}) has no usable private key.");

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream(512);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return buffer.ToArray();
    }
}
