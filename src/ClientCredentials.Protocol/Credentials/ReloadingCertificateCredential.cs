using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ClientCredentials.Protocol;

/// <summary>
/// A certificate credential whose certificate is rotated without a restart: read from a PKCS#12 file again when the
/// file changes, or looked up again in a store (at most every <see cref="StoreRecheckInterval"/>, so a renewed
/// certificate is found); and, when Entra rejects the assertion with a certificate error — AADSTS700027 (key not
/// found), 700024 (assertion outside its time range), 7000214 (certificate revoked), 1000502, 7000274, 7000277, the
/// codes on which Microsoft.Identity.Web reloads — loaded again at once and, if that gives another certificate, the
/// request is sent once more with it. Assertions are built as by <see cref="CertificateCredential"/>.
/// </summary>
public sealed class ReloadingCertificateCredential : ClientCredential
{
    /// <summary>The AADSTS codes after which the certificate is loaded again and the request retried once with a new one.</summary>
    public static IReadOnlyList<int> ReloadCodes { get; } = [700027, 700024, 7000214, 1000502, 7000274, 7000277];

    /// <summary>How often a store is searched again for a renewed certificate (a file is checked on every request). 5 minutes.</summary>
    public static readonly TimeSpan StoreRecheckInterval = TimeSpan.FromMinutes(5);

    /// <summary>After a failed reload the current certificate is kept; the next attempt comes no sooner than this.</summary>
    private static readonly TimeSpan RetryAfterFailedReload = TimeSpan.FromSeconds(30);

    private readonly Func<DateTimeOffset, (X509Certificate2 Certificate, object Stamp)> _load;
    private readonly Func<DateTimeOffset, object?, bool> _changed;
    private readonly CertificateCredentialOptions _options;
    private readonly string _description;
    private readonly object _gate = new();
    private volatile Loaded _current;

    private ReloadingCertificateCredential(
        Func<DateTimeOffset, (X509Certificate2, object)> load,
        Func<DateTimeOffset, object?, bool> changed,
        CertificateCredentialOptions? options,
        string description,
        TimeProvider timeProvider)
    {
        _load = load;
        _changed = changed;
        _options = options ?? new CertificateCredentialOptions();
        CertificateRules.CheckOptions(_options);
        _description = description;
        var now = timeProvider.GetUtcNow();
        var (certificate, stamp) = load(now);
        _current = new Loaded(new CertificateCredential(certificate, _options), stamp);
    }

    /// <summary>The certificate assertions are signed with now.</summary>
    public X509Certificate2 Certificate => _current.Credential.Certificate;

    /// <summary>
    /// A PKCS#12 (PFX) file, read now and again whenever its size or last write time changes. Throws
    /// <see cref="ClientCredentialsConfigurationException"/> (setting <c>Certificate</c>) when it cannot be read now.
    /// </summary>
    public static ReloadingCertificateCredential FromFile(string path, string? password = null, CertificateCredentialOptions? options = null, TimeProvider? timeProvider = null)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ClientCredentialsConfigurationException("Certificate", "The certificate file path is empty.");
        }

        var full = Path.GetFullPath(path);
        return new ReloadingCertificateCredential(
            _ => (LoadFile(full, password), FileStamp(full)),
            (_, stamp) => !Equals(FileStamp(full), stamp),
            options,
            $"certificate file {full}",
            // Stryker disable once NullCoalescing : a file's stamp is its write time and size; the file loader ignores the clock's reading
            timeProvider ?? TimeProvider.System);
    }

    /// <summary>
    /// A certificate in an X.509 store (<see cref="CertificateStoreQuery"/>), found now and searched again every
    /// <see cref="StoreRecheckInterval"/> and after a certificate rejection.
    /// </summary>
    public static ReloadingCertificateCredential FromStore(CertificateStoreQuery query, CertificateCredentialOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        return new ReloadingCertificateCredential(
            now => (query.Find(now), now),
            (now, stamp) => stamp is DateTimeOffset searched && now - searched >= StoreRecheckInterval,
            options,
            $"certificate in {query}",
            timeProvider ?? TimeProvider.System);
    }

    private protected override void ValidateCore(TokenAuthority authority, TimeProvider timeProvider) => _current.Credential.Validate(authority, timeProvider);

    internal override ValueTask ApplyAsync(ClientAuthenticationContext context, TokenRequestMessage message, CancellationToken cancellationToken)
    {
        var now = context.TimeProvider.GetUtcNow();
        var current = _current;
        if (IsDue(now, current))
        {
            current = Reload(now, current, force: false);
        }

        return current.Credential.ApplyAsync(context, message, cancellationToken);
    }

    internal override ValueTask<bool> RenewAfterRejectionAsync(TokenEndpointError error, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (!error.ErrorCodes.Any(code => ReloadCodes.Contains(code)))
        {
            return ValueTask.FromResult(false);
        }

        var rejected = _current;
        var reloaded = Reload(timeProvider.GetUtcNow(), rejected, force: true);
        return ValueTask.FromResult(!ReferenceEquals(reloaded, rejected) && !reloaded.Credential.Certificate.RawData.AsSpan().SequenceEqual(rejected.Credential.Certificate.RawData));
    }

    /// <summary>
    /// <c>certificate-source:</c> and where the certificate is loaded from (file path or store query): stable across a
    /// rotation, so a renewed certificate keeps serving the tokens its predecessor obtained.
    /// </summary>
    internal override string CacheIdentity => "certificate-source:" + _description;

    /// <inheritdoc />
    public override string ToString() => $"reloading {_description} (now {Certificate.Subject}, thumbprint {Certificate.Thumbprint})";

    /// <summary>Loads again unless another caller already replaced <paramref name="seen"/>; a failed load keeps the current certificate.</summary>
    private Loaded Reload(DateTimeOffset now, Loaded seen, bool force)
    {
        lock (_gate)
        {
            var current = _current;
            if (!ReferenceEquals(current, seen) || (!force && !IsDue(now, current)))
            {
                return current;
            }

            try
            {
                var (certificate, stamp) = _load(now);
                var loaded = new Loaded(new CertificateCredential(certificate, _options), stamp);
                _current = loaded;
                return loaded;
            }
            catch (ClientCredentialsConfigurationException) when (!force)
            {
                // A file caught half-written or a store briefly unreadable: keep signing with the current certificate
                // and look again on the next request.
                _current = current with { Stamp = new FailedReload(now) };
                return current;
            }
        }
    }

    private bool IsDue(DateTimeOffset now, Loaded current) =>
        current.Stamp is FailedReload failed ? now - failed.At >= RetryAfterFailedReload : _changed(now, current.Stamp);

    private static X509Certificate2 LoadFile(string path, string? password)
    {
        if (!File.Exists(path))
        {
            throw new ClientCredentialsConfigurationException("Certificate", $"the certificate file '{path}' does not exist.");
        }

        try
        {
#if NET9_0_OR_GREATER
            return X509CertificateLoader.LoadPkcs12FromFile(path, password);
#else
            return new X509Certificate2(path, password);
#endif
        }
        catch (Exception ex) when (ReadErrorOf(ex) is { } readError)
        {
            throw new ClientCredentialsConfigurationException("Certificate", $"the certificate file '{path}' could not be read: {readError.Message}", ex);
        }
        catch (CryptographicException ex)
        {
            throw new ClientCredentialsConfigurationException("Certificate", $"the certificate file '{path}' is not a PKCS#12 (PFX) file that opens with the configured password: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The error that kept the file from being read, or null: <paramref name="ex"/> itself, or the I/O error that
    /// X509CertificateLoader (.NET 9 and later) wraps in a <see cref="CryptographicException"/>. Content that ends before
    /// its length says (<see cref="EndOfStreamException"/>) is a malformed file, not a read error.
    /// </summary>
    private static Exception? ReadErrorOf(Exception ex)
    {
        var error = ex is CryptographicException { InnerException: { } inner } ? inner : ex;
        return error is (IOException and not EndOfStreamException) or UnauthorizedAccessException ? error : null;
    }

    private static (DateTime, long) FileStamp(string path)
    {
        var info = new FileInfo(path);
        // Stryker disable once Unary : no existing file was last written in year 1, so a length of 1 differs from every real stamp as -1 does
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1);
    }

    private sealed record Loaded(CertificateCredential Credential, object Stamp);

    private sealed record FailedReload(DateTimeOffset At);
}
