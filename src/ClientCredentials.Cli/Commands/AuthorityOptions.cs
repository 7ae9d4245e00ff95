using System.CommandLine;
using ClientCredentials.Cli.Acquisition;

namespace ClientCredentials.Cli.Commands;

/// <summary>The options that say where tokens come from and who asks: authority (four ways) and client id.</summary>
internal sealed class AuthorityOptions
{
    public Option<string> Tenant { get; } = new("--tenant") { Description = "Entra tenant id (GUID) or verified domain. Default: $AZURE_TENANT_ID.", HelpName = "tenant" };

    public Option<string> Instance { get; } = new("--instance") { Description = "Entra cloud host or base URL (login.microsoftonline.us, http://127.0.0.1:5000...). Default: $AZURE_AUTHORITY_HOST, else the public cloud.", HelpName = "host-or-url" };

    public Option<string> Region { get; } = new("--region") { Description = "Entra: the Azure region whose regional endpoint (ESTS-R, e.g. westus2.login.microsoft.com) is tried first; 'none' turns it off. Default: $AZURE_REGIONAL_AUTHORITY_NAME, else $MSAL_FORCE_REGION.", HelpName = "region" };

    public Option<string> RegionalInstance { get; } = new("--regional-instance") { Description = "Entra: the regional endpoint's base URL when it is not {region}.{host} (a private endpoint, an emulator's regional alias).", HelpName = "url" };

    public Option<string> Authority { get; } = new("--authority") { Description = "ADFS authority, e.g. https://sts.contoso.com/adfs.", HelpName = "url" };

    public Option<string> TokenEndpoint { get; } = new("--token-endpoint") { Description = "Any OAuth 2.0 server's token endpoint URL (scopes are sent as given).", HelpName = "url" };

    public Option<string> Issuer { get; } = new("--issuer") { Description = "An authorization server's issuer; its metadata (RFC 8414 /.well-known/oauth-authorization-server, else OIDC discovery) gives the token endpoint and the authentication methods it accepts.", HelpName = "url" };

    public Option<string> ClientId { get; } = new("--client-id") { Description = "Application (client) id. Default: $AZURE_CLIENT_ID.", HelpName = "id" };

    public void AddTo(Command command)
    {
        command.Add(Tenant);
        command.Add(Instance);
        command.Add(Region);
        command.Add(RegionalInstance);
        command.Add(Authority);
        command.Add(TokenEndpoint);
        command.Add(Issuer);
        command.Add(ClientId);
    }

    public AuthorityInput Read(ParseResult parse) => new(
        parse.GetValue(Tenant),
        parse.GetValue(Instance),
        parse.GetValue(Authority),
        parse.GetValue(TokenEndpoint),
        parse.GetValue(Issuer),
        parse.GetValue(ClientId),
        parse.GetValue(Region),
        parse.GetValue(RegionalInstance));
}
