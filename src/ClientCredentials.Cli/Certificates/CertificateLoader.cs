using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ClientCredentials.Cli.Hosting;

namespace ClientCredentials.Cli.Certificates;

/// <summary>Loads a signing certificate with its private key from a PFX/PKCS#12 file or a PEM file (certificate + key).</summary>
internal static class CertificateLoader
{
    private const string Option = "--certificate";

    public static X509Certificate2 Load(string path, string? password)
    {
        byte[] head;
        try
        {
            using var stream = File.OpenRead(path);
            head = new byte[Math.Min(stream.Length, 64)];
            stream.ReadExactly(head);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliConfigurationException(Option, $"The certificate file '{path}' cannot be read: {ex.Message}", ex);
        }

        var isPem = System.Text.Encoding.ASCII.GetString(head).Contains("-----BEGIN", StringComparison.Ordinal);
        X509Certificate2 certificate;
        try
        {
            certificate = isPem ? LoadPem(path, password) : LoadPkcs12(path, password);
        }
        catch (CryptographicException ex)
        {
            throw new CliConfigurationException(
                Option,
                $"The certificate file '{path}' could not be opened as {(isPem ? "PEM (certificate and private key)" : "PFX/PKCS#12")}: {ex.Message}. " +
                "Check the file and the password (--certificate-password-env or --certificate-password-stdin).",
                ex);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new CliConfigurationException(Option, $"The certificate in '{path}' has no private key; client assertions are signed with it. Use the PFX, or a PEM file holding both the certificate and its private key.");
        }

        return certificate;
    }

    private static X509Certificate2 LoadPkcs12(string path, string? password)
    {
        var flags = OperatingSystem.IsMacOS() ? X509KeyStorageFlags.DefaultKeySet : X509KeyStorageFlags.EphemeralKeySet;
        return X509CertificateLoader.LoadPkcs12FromFile(path, password, flags);
    }

    private static X509Certificate2 LoadPem(string path, string? password) =>
        password is null ? X509Certificate2.CreateFromPemFile(path) : X509Certificate2.CreateFromEncryptedPemFile(path, password);
}
