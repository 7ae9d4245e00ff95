using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ClientCredentials.Protocol;

/// <summary>
/// Builds and signs the compact JWS of a certificate client assertion (RFC 7515 §7.1, RFC 7523). The header is
/// <c>{"alg","typ", "x5t#S256" | "x5t", "kid"?, "x5c"?}</c>: Entra gets PS256 with <c>x5t#S256</c>; other servers
/// RS256 with <c>x5t</c> or ES256, or the first algorithm the server lists in
/// <c>token_endpoint_auth_signing_alg_values_supported</c> that the key can do. When a key cannot sign PSS (some HSM
/// and CNG keys), it falls back to RS256 with <c>x5t</c> once and remembers that.
/// </summary>
internal sealed class AssertionSigner
{
    private readonly X509Certificate2 _certificate;
    private readonly CertificateCredentialOptions _options;
    private readonly string _x5t;
    private readonly string _x5tS256;
    private readonly string[]? _x5c;
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
    }

    /// <param name="claims">The payload.</param>
    /// <param name="kind">The kind of server.</param>
    /// <param name="type">The <c>typ</c> header (<c>JWT</c>, or <c>client-authentication+jwt</c> for an issuer audience).</param>
    /// <param name="serverAlgorithms">The server's <c>token_endpoint_auth_signing_alg_values_supported</c>, or null.</param>
    public string Sign(AssertionClaims claims, AuthorityKind kind, string type = AssertionAudience.JwtType, IReadOnlyList<string>? serverAlgorithms = null)
    {
        var algorithm = Choose(kind, serverAlgorithms);
        if (algorithm != ClientAssertionAlgorithm.PS256)
        {
            return Build(algorithm, claims, type);
        }

        try
        {
            return Build(ClientAssertionAlgorithm.PS256, claims, type);
        }
        catch (CryptographicException) when (_options.Algorithm == ClientAssertionAlgorithm.Automatic && serverAlgorithms is null)
        {
            _pssUnavailable = true;
            return Build(ClientAssertionAlgorithm.RS256, claims, type);
        }
    }

    private ClientAssertionAlgorithm Choose(AuthorityKind kind, IReadOnlyList<string>? serverAlgorithms)
    {
        bool isEc;
        using (var ec = _certificate.GetECDsaPublicKey())
        {
            isEc = ec is not null;
        }

        if (_options.Algorithm != ClientAssertionAlgorithm.Automatic)
        {
            if (serverAlgorithms is not null && !serverAlgorithms.Contains(_options.Algorithm.ToString(), StringComparer.Ordinal))
            {
                throw new ClientCredentialsConfigurationException("Algorithm", $"The authorization server does not list {_options.Algorithm} in token_endpoint_auth_signing_alg_values_supported ({Listed(serverAlgorithms)}); choose one of those that the certificate's key can do.");
            }

            return _options.Algorithm;
        }

        var preferred = isEc ? ClientAssertionAlgorithm.ES256
            : kind == AuthorityKind.Entra && !_pssUnavailable ? ClientAssertionAlgorithm.PS256
            : ClientAssertionAlgorithm.RS256;
        if (serverAlgorithms is null || serverAlgorithms.Contains(preferred.ToString(), StringComparer.Ordinal))
        {
            return preferred;
        }

        ClientAssertionAlgorithm[] possible = isEc ? [ClientAssertionAlgorithm.ES256] : [ClientAssertionAlgorithm.RS256, ClientAssertionAlgorithm.PS256];
        foreach (var listed in serverAlgorithms)
        {
            foreach (var algorithm in possible)
            {
                if (string.Equals(listed, algorithm.ToString(), StringComparison.Ordinal))
                {
                    return algorithm;
                }
            }
        }

        throw new ClientCredentialsConfigurationException("Certificate", $"Certificate '{_certificate.Subject}' has {(isEc ? "an EC P-256 key (ES256)" : "an RSA key (RS256, PS256)")}, but the authorization server lists only {Listed(serverAlgorithms)} in token_endpoint_auth_signing_alg_values_supported; use a certificate whose key can sign one of those.");
    }

    private static string Listed(IReadOnlyList<string> algorithms) =>
        algorithms.Count == 0 ? "none" : UntrustedText.JoinCapped(", ", algorithms, 16);

    private string Build(ClientAssertionAlgorithm algorithm, AssertionClaims claims, string type) =>
        CompactJws.Create(writer => WriteHeader(writer, algorithm, type), claims.WriteTo, data => SignBytes(algorithm, data));

    private void WriteHeader(System.Text.Json.Utf8JsonWriter writer, ClientAssertionAlgorithm algorithm, string type)
    {
        writer.WriteStartObject();
        writer.WriteString("alg", algorithm.ToString());
        writer.WriteString("typ", type);
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
    }

    private byte[] SignBytes(ClientAssertionAlgorithm algorithm, byte[] data)
    {
        if (algorithm == ClientAssertionAlgorithm.ES256)
        {
            using var ec = _certificate.GetECDsaPrivateKey() ?? throw NoKey();
            return ec.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }

        using var rsa = _certificate.GetRSAPrivateKey() ?? throw NoKey();
        var padding = algorithm == ClientAssertionAlgorithm.PS256 ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
        return rsa.SignData(data, HashAlgorithmName.SHA256, padding);
    }

    private ClientCredentialsConfigurationException NoKey() =>
        new("Certificate", $"Certificate '{_certificate.Subject}' (thumbprint {_certificate.Thumbprint}) has no usable private key.");
}
