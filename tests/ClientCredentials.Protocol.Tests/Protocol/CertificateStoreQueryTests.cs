using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>
/// Finding the signing certificate in the current user's X.509 store: by thumbprint (separators and case ignored), by
/// distinguished name or by a part of the subject name; only a certificate with its private key that is valid at the
/// given time qualifies, the one valid longest wins, and a miss says which query found what in which store. Each test
/// adds certificates under a subject of its own and removes them again.
/// </summary>
public sealed class CertificateStoreQueryTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly string _name = $"cc-store-query-{Guid.NewGuid():N}";
    private readonly X509Store _store = new(StoreName.My, StoreLocation.CurrentUser);
    private readonly List<X509Certificate2> _added = [];

    public CertificateStoreQueryTests() => _store.Open(OpenFlags.ReadWrite);

    private string Subject => "CN=" + _name;

    public void Dispose()
    {
        foreach (var certificate in _added)
        {
            _store.Remove(certificate);
            certificate.Dispose();
        }

        _store.Dispose();
    }

    /// <summary>A certificate whose key can be written to the store, as one imported from a PFX file is.</summary>
    private X509Certificate2 Add(DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, bool withKey = true)
    {
        using var ephemeral = TestCertificates.Rsa(subject: Subject, notBefore: notBefore ?? Now.AddDays(-1), notAfter: notAfter ?? Now.AddDays(30));
        var certificate = withKey
            ? X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null, X509KeyStorageFlags.Exportable)
            : TestCertificates.PublicOnly(ephemeral);
        _store.Add(certificate);
        _added.Add(certificate);
        return certificate;
    }

    private static DateTimeOffset Utc(DateTime time) => new(time.ToUniversalTime());

    [Fact]
    public void A_thumbprint_finds_the_certificate_whatever_its_separators_and_case()
    {
        var certificate = Add();
        var written = string.Join(": ", certificate.Thumbprint.ToLowerInvariant().Chunk(2).Select(pair => new string(pair)));

        using var found = new CertificateStoreQuery { Thumbprint = written }.Find(Now);

        Assert.Equal(certificate.Thumbprint, found.Thumbprint);
    }

    [Fact]
    public void A_distinguished_name_finds_the_certificate()
    {
        var certificate = Add();

        using var found = new CertificateStoreQuery { Subject = $"  {Subject} " }.Find(Now);

        Assert.Equal(certificate.Thumbprint, found.Thumbprint);
    }

    [Fact]
    public void A_part_of_the_subject_name_finds_the_certificate()
    {
        var certificate = Add();

        using var found = new CertificateStoreQuery { Subject = _name[3..] }.Find(Now);

        Assert.Equal(certificate.Thumbprint, found.Thumbprint);
    }

    [Fact]
    public void A_query_without_a_thumbprint_or_subject_is_refused()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new CertificateStoreQuery { Thumbprint = " ", Subject = " " }.Find(Now));

        Assert.Equal("Certificate", error.Setting);
        Assert.Equal("A certificate store query needs a Thumbprint or a Subject.", error.Message);
    }

    [Fact]
    public void A_missing_thumbprint_is_reported_with_the_store()
    {
        var thumbprint = Convert.ToHexString(RandomNumberGenerator.GetBytes(20));

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new CertificateStoreQuery { Thumbprint = thumbprint.ToLowerInvariant() }.Find(Now));

        Assert.Equal("Certificate", error.Setting);
        Assert.Equal($"no certificate with thumbprint {thumbprint} is in CurrentUser\\My.", error.Message);
    }

    [Fact]
    public void A_missing_distinguished_name_is_reported_with_the_store()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new CertificateStoreQuery { Subject = Subject + " " }.Find(Now));

        Assert.Equal($"no certificate with subject '{Subject}' is in CurrentUser\\My.", error.Message);
    }

    [Fact]
    public void A_missing_subject_name_is_reported_with_the_store()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new CertificateStoreQuery { Subject = _name }.Find(Now));

        Assert.Equal($"no certificate with subject name '{_name}' is in CurrentUser\\My.", error.Message);
    }

    [Fact]
    public void A_certificate_without_its_private_key_does_not_qualify()
    {
        Add(withKey: false);

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new CertificateStoreQuery { Subject = _name }.Find(Now));

        Assert.Equal("Certificate", error.Setting);
        Assert.Equal($"1 certificate(s) with subject name '{_name}' are in CurrentUser\\My, but none holds a private key and is valid now.", error.Message);
    }

    [Fact]
    public void An_expired_certificate_does_not_qualify()
    {
        Add(notBefore: Now.AddDays(-30), notAfter: Now.AddDays(-1));

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new CertificateStoreQuery { Subject = Subject }.Find(Now));

        Assert.Contains("1 certificate(s) with subject", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_qualifies_from_its_first_through_its_last_valid_moment()
    {
        var certificate = Add();
        var query = new CertificateStoreQuery { Subject = Subject };

        using var first = query.Find(Utc(certificate.NotBefore));
        using var last = query.Find(Utc(certificate.NotAfter));

        Assert.Equal(certificate.Thumbprint, first.Thumbprint);
        Assert.Equal(certificate.Thumbprint, last.Thumbprint);
    }

    [Fact]
    public void Of_several_valid_certificates_the_one_valid_longest_wins()
    {
        Add(notAfter: Now.AddDays(10));
        var renewed = Add(notAfter: Now.AddDays(300));
        Add(notAfter: Now.AddDays(20));

        using var found = new CertificateStoreQuery { Subject = Subject }.Find(Now);

        Assert.Equal(renewed.Thumbprint, found.Thumbprint);
    }

    [Fact]
    public void Of_two_certificates_valid_equally_long_the_first_the_store_lists_wins()
    {
        var notAfter = new DateTimeOffset(Now.Year + 1, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Add(notAfter: notAfter);
        Add(notAfter: notAfter);
        var listed = _store.Certificates.Find(X509FindType.FindBySubjectDistinguishedName, Subject, validOnly: false);

        using var found = new CertificateStoreQuery { Subject = Subject }.Find(Now);

        Assert.Equal(2, listed.Count);
        Assert.Equal(listed[0].Thumbprint, found.Thumbprint);
    }

    [Fact]
    public void A_store_that_does_not_exist_is_reported_not_created()
    {
        // On Windows every standard store exists; on Linux only the stores something has written to do.
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new CertificateStoreQuery { Name = StoreName.AddressBook, Subject = Subject }.Find(Now));

        Assert.Equal("Certificate", error.Setting);
        Assert.StartsWith("the store CurrentUser\\AddressBook could not be opened: ", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<CryptographicException>(error.InnerException);
    }

    [Fact]
    public void ToString_names_the_store_and_the_thumbprint_or_subject()
    {
        Assert.Equal("CurrentUser\\My thumbprint AB12", new CertificateStoreQuery { Thumbprint = "AB12" }.ToString());
        Assert.Equal("LocalMachine\\Root subject CN=app", new CertificateStoreQuery { Location = StoreLocation.LocalMachine, Name = StoreName.Root, Subject = "CN=app" }.ToString());
    }
}
