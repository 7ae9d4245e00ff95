namespace ClientCredentials.Emulator;

/// <summary>
/// A certificate credential. Give the public certificate (<see cref="Certificate"/>, Base64 DER or PEM) so the
/// emulator can check signatures from the <c>x5t</c>/<c>x5t#S256</c> header alone; or give only a thumbprint, in
/// which case the assertion must carry the certificate in <c>x5c</c> (subject name/issuer style).
/// </summary>
public sealed record EmulatorCertificate
{
    /// <summary>The public certificate, as Base64 DER or PEM.</summary>
    public string? Certificate { get; init; }

    /// <summary>The SHA-1 thumbprint, hex (what <c>x5t</c> encodes).</summary>
    public string? ThumbprintSha1 { get; init; }

    /// <summary>The SHA-256 thumbprint, hex (what <c>x5t#S256</c> encodes).</summary>
    public string? ThumbprintSha256 { get; init; }
}
