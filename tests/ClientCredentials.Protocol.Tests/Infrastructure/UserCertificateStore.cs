using System.Security.Cryptography.X509Certificates;
using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Tests.Infrastructure;

/// <summary>
/// The current user's personal store (CurrentUser\My, a real store under the home directory on Linux) for one test:
/// every certificate the test adds is removed again when this is disposed.
/// </summary>
internal sealed class UserCertificateStore : IDisposable
{
    private readonly X509Store _store = new(StoreName.My, StoreLocation.CurrentUser);
    private readonly List<X509Certificate2> _added = [];

    public UserCertificateStore(params X509Certificate2[] certificates)
    {
        _store.Open(OpenFlags.ReadWrite);
        foreach (var certificate in certificates)
        {
            Add(certificate);
        }
    }

    /// <summary>A certificate with an exportable RSA key and <paramref name="subject"/>, as a store would hold it.</summary>
    public static X509Certificate2 Exportable(string subject, TimeSpan? lifetime = null)
    {
        using var ephemeral = TestCertificates.Rsa(subject: subject, notAfter: DateTimeOffset.UtcNow.Add(lifetime ?? TimeSpan.FromDays(30)));
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null, X509KeyStorageFlags.Exportable);
    }

    public void Add(X509Certificate2 certificate)
    {
        _store.Add(certificate);
        _added.Add(certificate);
    }

    public void Remove(X509Certificate2 certificate) => _store.Remove(certificate);

    public void Dispose()
    {
        foreach (var certificate in _added)
        {
            _store.Remove(certificate);
        }

        _store.Dispose();
    }
}
