using System.Text.Json;
using ClientCredentials.Emulator.Directory;
using ClientCredentials.Emulator.Errors;
using ClientCredentials.Emulator.Signing;
using Microsoft.AspNetCore.Http;

namespace ClientCredentials.Emulator.Endpoints;

/// <summary>
/// OpenID Connect discovery (<c>/{tenant}/v2.0/.well-known/openid-configuration</c>) and the JWKS
/// (<c>/{tenant}/discovery/v2.0/keys</c>, RFC 7517). Like AAD, <c>/common</c> and <c>/organizations</c> answer with
/// the <c>{tenantid}</c> placeholder in the issuer; an unknown tenant answers AADSTS90002 (<c>invalid_tenant</c>).
/// </summary>
internal sealed class DiscoveryEndpoints(Func<DirectorySnapshot> directory, EmulatorSigningKey signingKey, AadErrorWriter errorWriter, EmulatorAddress address)
{
    private const string TenantPlaceholder = "{tenantid}";

    public async Task OpenIdConfigurationAsync(HttpContext context)
    {
        var tenantId = ResolveTenantId(context);
        if (tenantId is null)
        {
            await WriteUnknownTenantAsync(context).ConfigureAwait(false);
            return;
        }

        await WriteJsonAsync(context, writer =>
        {
            writer.WriteString("issuer", EmulatorUrls.Issuer(address.Root, tenantId));
            writer.WriteString("token_endpoint", EmulatorUrls.V2TokenEndpoint(address.Root, tenantId));
            writer.WriteString("jwks_uri", EmulatorUrls.Keys(address.Root, tenantId));
            WriteArray(writer, "token_endpoint_auth_methods_supported", ["client_secret_post", "private_key_jwt", "client_secret_basic"]);
            WriteArray(writer, "token_endpoint_auth_signing_alg_values_supported", ["RS256", "PS256", "ES256"]);
            WriteArray(writer, "grant_types_supported", ["client_credentials"]);
            WriteArray(writer, "id_token_signing_alg_values_supported", ["RS256"]);
            WriteArray(writer, "subject_types_supported", ["pairwise"]);
            writer.WriteString("tenant_region_scope", "NA");
            writer.WriteString("cloud_instance_name", "emulator.local");
        }).ConfigureAwait(false);
    }

    public async Task KeysAsync(HttpContext context)
    {
        var tenantId = ResolveTenantId(context);
        if (tenantId is null)
        {
            await WriteUnknownTenantAsync(context).ConfigureAwait(false);
            return;
        }

        await WriteJsonAsync(context, writer =>
        {
            writer.WriteStartArray("keys");
            writer.WriteStartObject();
            writer.WriteString("kty", "RSA");
            writer.WriteString("use", "sig");
            writer.WriteString("kid", signingKey.KeyId);
            writer.WriteString("x5t", signingKey.Thumbprint);
            writer.WriteString("n", signingKey.Modulus);
            writer.WriteString("e", signingKey.Exponent);
            WriteArray(writer, "x5c", [signingKey.CertificateBase64]);
            writer.WriteString("issuer", EmulatorUrls.Issuer(address.Root, tenantId));
            writer.WriteEndObject();
            writer.WriteEndArray();
        }).ConfigureAwait(false);
    }

    private string? ResolveTenantId(HttpContext context)
    {
        var segment = context.Request.RouteValues["tenant"] as string ?? string.Empty;
        if (segment.Equals("common", StringComparison.OrdinalIgnoreCase) || segment.Equals("organizations", StringComparison.OrdinalIgnoreCase))
        {
            return TenantPlaceholder;
        }

        return directory().FindTenant(segment)?.Id;
    }

    private Task WriteUnknownTenantAsync(HttpContext context)
    {
        var segment = context.Request.RouteValues["tenant"] as string ?? string.Empty;
        return errorWriter.WriteAsync(context, AadErrors.DiscoveryTenantNotFound(segment), address.Root, context.RequestAborted);
    }

    private static async Task WriteJsonAsync(HttpContext context, Action<Utf8JsonWriter> body)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        body(writer);
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static void WriteArray(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}
