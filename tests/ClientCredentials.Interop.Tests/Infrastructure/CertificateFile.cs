using System.Security.Cryptography.X509Certificates;

namespace ClientCredentials.Interop.Tests.Infrastructure;

/// <summary>A certificate with its key written as a PFX file (no password) for <c>cc-token --certificate</c>; deleted on dispose.</summary>
public sealed class CertificateFile : IDisposable
{
    public CertificateFile(X509Certificate2 certificate)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"cc-interop-{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(Path, certificate.Export(X509ContentType.Pfx));
    }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}
