using ClientCredentials.Emulator;

namespace ClientCredentials.Cli.Output;

/// <summary>Prints where a running emulator listens and how to get a token from it.</summary>
internal static class EmulatorEndpointsWriter
{
    public static void Write(TextWriter output, EmulatorServer server, EmulatorOptions options)
    {
        var root = server.BaseAddress.AbsoluteUri.TrimEnd('/');
        output.WriteLine($"Emulator listening on {root}  (Ctrl+C to stop)");
        foreach (var tenant in options.Tenants)
        {
            output.WriteLine();
            output.WriteLine($"Tenant {tenant.Id}{(tenant.Domains.Count > 0 ? " (" + string.Join(", ", tenant.Domains) + ")" : string.Empty)}");
            output.WriteLine($"  token (v2):  {server.GetTokenEndpoint(tenant.Id)}");
            output.WriteLine($"  token (v1):  {root}/{tenant.Id}/oauth2/token");
            output.WriteLine($"  discovery:   {root}/{tenant.Id}/v2.0/.well-known/openid-configuration");
            output.WriteLine($"  keys (JWKS): {root}/{tenant.Id}/discovery/v2.0/keys");
            output.WriteLine($"  issuer:      {server.GetIssuer(tenant.Id)}");
        }

        if (options.ProtectedApi is { } api)
        {
            output.WriteLine();
            output.WriteLine($"Protected API: GET {root}/api/whoami  (accepts tokens for {api.Resource}{(api.RequiredRole is { } role ? ", role " + role : string.Empty)})");
        }

        output.WriteLine();
        output.WriteLine($"Try: cc-token token --instance {root} --tenant <tenant> --client-id <client id> --resource <resource> --secret-env MY_SECRET");
    }
}
