namespace ClientCredentials.Emulator.Tokens;

/// <summary>How a client proved its identity; <see cref="Azpacr"/> is AAD's <c>azpacr</c> (1 secret, 2 certificate or federated).</summary>
internal sealed record ClientAuthentication(string Method, string Azpacr)
{
    public static readonly ClientAuthentication Secret = new("client_secret", "1");
    public static readonly ClientAuthentication Certificate = new("certificate", "2");
    public static readonly ClientAuthentication Federated = new("federated", "2");
}
