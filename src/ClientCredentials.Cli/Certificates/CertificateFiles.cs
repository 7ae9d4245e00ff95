using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ClientCredentials.Cli.Hosting;

namespace ClientCredentials.Cli.Certificates;

/// <summary>The files <c>cert new</c> writes.</summary>
/// <param name="Pfx">PKCS#12 with the private key: keep it secret.</param>
/// <param name="Cer">The public certificate, DER: upload it to the app registration.</param>
/// <param name="Pem">The public certificate, PEM: for the emulator configuration or servers that want PEM.</param>
internal sealed record CertificateFileSet(string Pfx, string Cer, string Pem)
{
    public static CertificateFileSet In(string directory, string name) =>
        new(Path.Combine(directory, name + ".pfx"), Path.Combine(directory, name + ".cer"), Path.Combine(directory, name + ".pem"));

    public IEnumerable<string> All => [Pfx, Cer, Pem];
}

/// <summary>Writes a certificate as PFX (with key, optionally password-protected), CER (DER) and PEM (public only).</summary>
internal static class CertificateFiles
{
    public static void Write(X509Certificate2 certificate, CertificateFileSet files, string? password, bool overwrite)
    {
        if (!overwrite && files.All.FirstOrDefault(File.Exists) is { } existing)
        {
            throw new CliConfigurationException("--name", $"'{existing}' already exists; choose another --name or --directory, or pass --force to overwrite it.");
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(files.Pfx)!);
            var pfx = certificate.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, password);
            WritePrivate(files.Pfx, pfx);
            File.WriteAllBytes(files.Cer, certificate.RawData);
            File.WriteAllText(files.Pem, certificate.ExportCertificatePem() + "\n");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliConfigurationException("--directory", $"The certificate files cannot be written: {ex.Message}", ex);
        }
    }

    /// <summary>The PFX holds the private key: on Unix it is created readable by its owner only.</summary>
    private static void WritePrivate(string path, byte[] content)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(content);
    }
}
