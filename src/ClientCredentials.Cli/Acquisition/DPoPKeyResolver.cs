using System.Security.Cryptography;
using ClientCredentials.Cli.Hosting;
using ClientCredentials.Protocol;

namespace ClientCredentials.Cli.Acquisition;

/// <summary>
/// The DPoP key of <c>--dpop</c> (a new P-256 key that lives only in this process) or <c>--dpop-key PATH</c> (a PEM EC
/// P-256 or RSA private key, so that proofs for later requests can be made with the same key), and the checks of the
/// options that make a resource request's proof (<c>--dpop-url</c>, <c>--dpop-method</c>, <c>--dpop-nonce</c>).
/// </summary>
internal static class DPoPKeyResolver
{
    public static DPoPProofKey? Resolve(DPoPInput input, CliContext context)
    {
        if (!input.Requested)
        {
            if (input.Url is not null || input.Method is not null || input.Nonce is not null)
            {
                throw new CliUsageException("--dpop-url, --dpop-method and --dpop-nonce make a DPoP proof; give --dpop or --dpop-key PATH too.");
            }

            return null;
        }

        if (input.Url is null && (input.Method is not null || input.Nonce is not null))
        {
            throw new CliUsageException("--dpop-method and --dpop-nonce apply to the proof for --dpop-url URL; give the URL of the resource request.");
        }

        if (input.Url is not null && (!Uri.TryCreate(input.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)))
        {
            throw new CliConfigurationException("--dpop-url", $"--dpop-url '{UntrustedText.Neutralize(input.Url, 256)}' is not an absolute http(s) URL.");
        }

        if (input.Nonce is not null && !DPoPNonce.IsValid(input.Nonce))
        {
            throw new CliConfigurationException("--dpop-nonce", "--dpop-nonce is not a DPoP nonce (RFC 9449 §8.1: visible ASCII without quotes or backslashes); give the DPoP-Nonce header value the resource sent.");
        }

        if (input.KeyFile is null)
        {
            return DPoPProofKey.CreateEphemeral();
        }

        var path = context.ResolvePath(input.KeyFile);
        string pem;
        try
        {
            pem = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliConfigurationException("--dpop-key", $"The DPoP key file '{path}' cannot be read: {ex.Message}", ex);
        }

        return pem.Contains("RSA", StringComparison.Ordinal) && !pem.Contains("EC PRIVATE", StringComparison.Ordinal) ? RsaKey(pem, path) : EcKey(pem, path);
    }

    private static DPoPProofKey EcKey(string pem, string path)
    {
        var ec = ECDsa.Create();
        try
        {
            ec.ImportFromPem(pem);
            return new DPoPProofKey(ec);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            ec.Dispose();
            throw new CliConfigurationException("--dpop-key", $"The DPoP key file '{path}' does not hold a PEM EC P-256 (or RSA) private key ({ex.Message}). Create one with: openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out dpop.pem", ex);
        }
        catch
        {
            ec.Dispose();
            throw;
        }
    }

    private static DPoPProofKey RsaKey(string pem, string path)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return new DPoPProofKey(rsa);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw new CliConfigurationException("--dpop-key", $"The DPoP key file '{path}' does not hold a usable PEM RSA private key ({ex.Message}).", ex);
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }
}
