namespace ClientCredentials.Protocol;

/// <summary>The JWS algorithm (RFC 7518 §3) that signs a certificate client assertion.</summary>
public enum ClientAssertionAlgorithm
{
    /// <summary>Entra ID: PS256 with <c>x5t#S256</c> (RS256 with <c>x5t</c> if the key cannot sign PSS). Other servers:
    /// RS256 with <c>x5t</c> for RSA keys, ES256 for EC P-256 keys.</summary>
    Automatic,

    /// <summary>RSASSA-PSS with SHA-256; the header names the certificate by <c>x5t#S256</c>.</summary>
    PS256,

    /// <summary>RSASSA-PKCS1-v1_5 with SHA-256; the header names the certificate by <c>x5t</c>.</summary>
    RS256,

    /// <summary>ECDSA P-256 with SHA-256 (not accepted by Entra ID); the header names the certificate by <c>x5t</c>.</summary>
    ES256,
}
