using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ClientCredentials.Cli.Certificates;
using ClientCredentials.Protocol;

namespace ClientCredentials.Cli.Output;

/// <summary>Prints what <c>cert new</c> made and the identifiers servers use to name the certificate.</summary>
internal static class CertificateReportWriter
{
    public static void Write(TextWriter output, X509Certificate2 certificate, CertificateFileSet files)
    {
        output.WriteLine($"Subject:            {certificate.Subject}");
        output.WriteLine($"Valid:              {certificate.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm} UTC to {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC");
        output.WriteLine($"Thumbprint (SHA-1): {certificate.Thumbprint}");
        output.WriteLine($"SHA-256:            {Convert.ToHexString(SHA256.HashData(certificate.RawData))}");
        output.WriteLine($"x5t:                {CertificateThumbprints.X5t(certificate)}");
        output.WriteLine($"x5t#S256:           {CertificateThumbprints.X5tS256(certificate)}");
        output.WriteLine($"Private key (PFX):  {files.Pfx}");
        output.WriteLine($"Public cert (DER):  {files.Cer}");
        output.WriteLine($"Public cert (PEM):  {files.Pem}");
        output.WriteLine("Upload the .cer (or .pem) to the app registration (Certificates & secrets); keep the .pfx secret.");
    }
}
