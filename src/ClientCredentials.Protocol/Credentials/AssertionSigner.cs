using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace ClientCredentials.Protocol;

/// <summary>
/// Builds and signs the compact JWS of a certificate client assertion (RFC 7515 §7.1, RFC 7523). The header is
/// <c>{"alg","typ", "x5t#S256" | "x5t", "kid"?, "x5c"?}</c>: Entra gets PS256 with <c>x5t#S256</c>; other servers
/// RS256 with <c>x5t</c> or ES256, or the first algorithm the server lists in
/// <c>token_endpoint_auth_signing_alg_values_supported</c> that the key can do. When a key cannot sign PSS (some HSM
/// and CNG keys), it falls back to RS256 with <c>x5t</c> once and remembers that.
/// </summary>
/// <remarks>
/// Everything that depends on the certificate alone is worked out once, here, not per request: the thumbprints, the
/// kind of key, the private key handle, the validity window and each encoded header (per algorithm and <c>typ</c>).
/// The algorithm chosen for a server's list is remembered for that list, so a request only compares a reference.
/// One signer belongs to one certificate; a rotated certificate gets a new credential and so a new signer.
/// </remarks>
internal sealed class AssertionSigner
{
    private readonly X509Certificate2 _certificate;
    private readonly CertificateCredentialOptions _options;
    private readonly string _x5t;
    private readonly string _x5tS256;
    private readonly string[]? _x5c;
    private readonly bool _isEcKey;
    private readonly long _notBeforeTicks;
    private readonly long _notAfterTicks;
    private readonly Lazy<AsymmetricAlgorithm?> _privateKey;

    // One encoded header per algorithm (the enum's four values) and typ (JWT, client-authentication+jwt).
    private readonly string?[] _encodedHeaders = new string?[8];
    private volatile bool _pssUnavailable;
    private volatile ServerAlgorithmChoice? _serverChoice;

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
        catch (CryptographicException) when (_options.Algorithm == ClientAssertionAlgorithm.Automatic && ServerAccepts(serverAlgorithms, ClientAssertionAlgorithm.RS256))
        {
            // Stryker disable once Boolean : remembering only spares a PSS attempt that would fail and fall back to the same RS256
            _pssUnavailable = true;
            _serverChoice = null;
            return Build(ClientAssertionAlgorithm.RS256, claims, type);
        }
    }

    private ClientAssertionAlgorithm Choose(AuthorityKind kind, IReadOnlyList<string>? serverAlgorithms)
    {
        if (serverAlgorithms is null)
        {
            return _options.Algorithm != ClientAssertionAlgorithm.Automatic ? _options.Algorithm
                : _isEcKey ? ClientAssertionAlgorithm.ES256
                : kind == AuthorityKind.Entra && !_pssUnavailable ? ClientAssertionAlgorithm.PS256
                : ClientAssertionAlgorithm.RS256;
        }

        // The server's list is a new object only when its metadata is fetched again (daily), so the choice made for it is kept.
        if (_serverChoice is { } known && ReferenceEquals(known.ServerAlgorithms, serverAlgorithms) && known.Kind == kind)
        {
            return known.Algorithm;
        }

        var chosen = ChooseFromServerList(kind, serverAlgorithms);
        _serverChoice = new ServerAlgorithmChoice(serverAlgorithms, kind, chosen);
        return chosen;
    }

    private ClientAssertionAlgorithm ChooseFromServerList(AuthorityKind kind, IReadOnlyList<string> serverAlgorithms)
    {
        if (_options.Algorithm != ClientAssertionAlgorithm.Automatic)
        {
            return ServerAccepts(serverAlgorithms, _options.Algorithm)
                ? _options.Algorithm
                : throw new ClientCredentialsConfigurationException("Algorithm", $"The authorization server does not list {_options.Algorithm} in token_endpoint_auth_signing_alg_values_supported ({Listed(serverAlgorithms)}); choose one of those that the certificate's key can do.");
        }

        var preferred = _isEcKey ? ClientAssertionAlgorithm.ES256
            : kind == AuthorityKind.Entra && !_pssUnavailable ? ClientAssertionAlgorithm.PS256
            : ClientAssertionAlgorithm.RS256;
        if (ServerAccepts(serverAlgorithms, preferred))
        {
            return preferred;
        }

        ClientAssertionAlgorithm[] possible = _isEcKey ? [ClientAssertionAlgorithm.ES256] : [ClientAssertionAlgorithm.RS256, ClientAssertionAlgorithm.PS256];
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

        throw new ClientCredentialsConfigurationException("Certificate", $"Certificate '{_certificate.Subject}' has {(_isEcKey ? "an EC P-256 key (ES256)" : "an RSA key (RS256, PS256)")}, but the authorization server lists only {Listed(serverAlgorithms)} in token_endpoint_auth_signing_alg_values_supported; use a certificate whose key can sign one of those.");
    }

    private static bool ServerAccepts(IReadOnlyList<string>? serverAlgorithms, ClientAssertionAlgorithm algorithm) =>
        serverAlgorithms is null || serverAlgorithms.Contains(algorithm.ToString(), StringComparer.Ordinal);

    private static string Listed(IReadOnlyList<string> algorithms) =>
        algorithms.Count == 0 ? "none" : UntrustedText.JoinCapped(", ", algorithms, 16);

    private string Build(ClientAssertionAlgorithm algorithm, AssertionClaims claims, string type)
    {
        // type is JWT or client-authentication+jwt, the two AssertionAudience.Resolve gives: slots 0-3 hold the JWT
        // headers by algorithm, slots 4-7 the client-authentication+jwt ones.
        var isJwtType = string.Equals(type, AssertionAudience.JwtType, StringComparison.Ordinal);
        // Stryker disable once Assignment : a header depends on algorithm and typ alone; encoding it again gives the same text
        var header = _encodedHeaders[(isJwtType ? 0 : 4) + (int)algorithm] ??= EncodeHeader(algorithm, type);
        var signingInput = header + "." + Base64Url.EncodeToString(CompactJws.Json(claims.WriteTo));
        var signature = SignBytes(algorithm, Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    private string EncodeHeader(ClientAssertionAlgorithm algorithm, string type) =>
        Base64Url.EncodeToString(CompactJws.Json(writer => WriteHeader(writer, algorithm, type)));

    private void WriteHeader(Utf8JsonWriter writer, ClientAssertionAlgorithm algorithm, string type)
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

    /// <summary>The algorithm chosen for one server list (by reference) and kind of server.</summary>
    private sealed record ServerAlgorithmChoice(IReadOnlyList<string> ServerAlgorithms, AuthorityKind Kind, ClientAssertionAlgorithm Algorithm);
}
