using System.Text;

namespace ClientCredentials.Protocol.Benchmarks.Fakes;

/// <summary>
/// A JWT-shaped access token of realistic size (an Entra app-only token is 1–2 KB), so the cache stores and the
/// contenders parse what they would in production. It is not signed and no one validates it.
/// </summary>
internal static class CannedAccessToken
{
    /// <summary>A token of about 1,250 characters: header, app-only claims, and a 2048-bit RSA signature's worth of bytes.</summary>
    public static readonly string Realistic = Build(signatureBytes: 256);

    /// <summary>
    /// A 64-character token for the scale benchmarks, which keep up to a million tokens in memory at once; the
    /// cache's cost per entry does not depend on the token's length.
    /// </summary>
    public static readonly string Short = new('t', 64);

    private static string Build(int signatureBytes)
    {
        const string header = """{"typ":"JWT","alg":"RS256","x5t":"benchmark-key","kid":"benchmark-key"}""";
        var payload = $$"""
            {"aud":"https://graph.microsoft.com","iss":"https://sts.windows.net/{{BenchmarkTenant.TenantId}}/","iat":1767225600,"nbf":1767225600,"exp":1767229500,"aio":"k2BgYJjXZfVB8K1vF0mKf3mQ0fCAA==","app_displayname":"benchmark-app","appid":"{{BenchmarkTenant.ClientId}}","appidacr":"1","idp":"https://sts.windows.net/{{BenchmarkTenant.TenantId}}/","idtyp":"app","oid":"0f0e0d0c-0b0a-0908-0706-050403020100","rh":"0.AAAAEREREiIiMzNERFVVVVVVqqqqqru7zMzd3e7u7u4AAAA.","roles":["User.Read.All","Group.Read.All"],"sub":"0f0e0d0c-0b0a-0908-0706-050403020100","tenant_region_scope":"EU","tid":"{{BenchmarkTenant.TenantId}}","uti":"bNchMaRkUtI0000000000A","ver":"1.0","wids":["0997a1d0-0d1d-4acb-b408-d5ca73121e90"],"xms_tcdt":1500000000}
            """;
        var signature = new byte[signatureBytes];
        for (var i = 0; i < signature.Length; i++)
        {
            signature[i] = (byte)((i * 73) + 41);
        }

        return $"{Base64Url(Encoding.UTF8.GetBytes(header))}.{Base64Url(Encoding.UTF8.GetBytes(payload))}.{Base64Url(signature)}";
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
