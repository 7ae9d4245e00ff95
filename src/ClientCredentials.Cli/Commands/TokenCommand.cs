using System.CommandLine;
using ClientCredentials.Cli.Acquisition;
using ClientCredentials.Cli.Hosting;
using ClientCredentials.Cli.Output;

namespace ClientCredentials.Cli.Commands;

/// <summary><c>cc-token token</c>: gets an app-only access token with the client credentials grant and prints it.</summary>
internal static class TokenCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var authority = new AuthorityOptions();
        var certificate = new CertificateOptions();
        var scopes = new Option<string[]>("--scope") { Description = "A scope to ask for; repeat for several (Entra: exactly one {resource}/.default).", HelpName = "scope", Arity = ArgumentArity.OneOrMore };
        var resource = new Option<string>("--resource") { Description = "The resource (app id URI or app id); asks for {resource}/.default.", HelpName = "uri" };
        var secretEnv = new Option<string>("--secret-env") { Description = "Name of the environment variable holding the client secret (never the secret itself).", HelpName = "NAME" };
        var secretStdin = new Option<bool>("--secret-stdin") { Description = "Read the client secret from standard input." };
        var clientAuth = new Option<string>("--client-auth") { Description = "How the client authenticates: basic or post (secret as HTTP Basic or in the body), secret-jwt (client_secret_jwt, HS256), private-key-jwt (certificate-signed assertion), tls or self-signed-tls (the certificate on the TLS connection, RFC 8705). Default: post / private-key-jwt for Entra ID, ADFS and --token-endpoint; for --issuer the first method in the server's token_endpoint_auth_methods_supported that the credential can do.", HelpName = "method" };
        clientAuth.AcceptOnlyFromAmong([.. ClientAuthenticationChoice.Names.Keys]);
        var dpop = new Option<bool>("--dpop") { Description = "Bind the token to a new DPoP key (RFC 9449, ES256) that exists only in this process; the server answers token_type DPoP." };
        var dpopKey = new Option<string>("--dpop-key") { Description = "Bind the token to the DPoP key in this PEM file (EC P-256 or RSA private key), so that later proofs can use the same key.", HelpName = "path" };
        var dpopUrl = new Option<string>("--dpop-url") { Description = "Also make the DPoP proof for a request to this URL: printed as the DPoP header with -o header (curl -H @file), or as dpop_proof with -o json.", HelpName = "url" };
        var dpopMethod = new Option<string>("--dpop-method") { Description = "The HTTP method of the --dpop-url request (default GET).", HelpName = "method" };
        var dpopNonce = new Option<string>("--dpop-nonce") { Description = "The resource server's DPoP-Nonce to put in the --dpop-url proof (after a use_dpop_nonce answer).", HelpName = "nonce" };
        var tlsCaFile = new Option<string>("--tls-ca-file") { Description = "Also trust the CA certificates in this PEM file for the servers' TLS certificates (a private PKI); host names are still checked.", HelpName = "path" };
        var assertionFile = new Option<string>("--assertion-file") { Description = "A file holding a signed client assertion (JWT), sent as is; read again for every request.", HelpName = "path" };
        var managedIdentity = new Option<bool>("--managed-identity") { Description = "Get the token from this Azure resource's managed identity (App Service, Arc, Service Fabric, Cloud Shell or IMDS, found from the environment); --client-id then names a user-assigned identity." };
        var output = new Option<string>("--output", "-o") { Description = "token: the bare token; json: token and metadata (errors as one JSON object too); header: 'Authorization: Bearer ...'.", DefaultValueFactory = _ => "token" };
        output.AcceptOnlyFromAmong("token", "json", "header");
        var timeout = new Option<int>("--timeout") { Description = "Give up after this many seconds, retries included.", HelpName = "seconds", DefaultValueFactory = _ => 30 };
        timeout.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 600)
            {
                result.AddError("--timeout must be between 1 and 600 seconds.");
            }
        });

        var command = new Command("token", "Get an app-only access token with the OAuth 2.0 client credentials grant (RFC 6749 §4.4).\n" +
            "Without authority, client id or credential options, the workload identity variables AZURE_TENANT_ID, AZURE_AUTHORITY_HOST, AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE are used.");
        authority.AddTo(command);
        command.Add(scopes);
        command.Add(resource);
        command.Add(secretEnv);
        command.Add(secretStdin);
        certificate.AddTo(command);
        command.Add(assertionFile);
        command.Add(clientAuth);
        command.Add(dpop);
        command.Add(dpopKey);
        command.Add(dpopUrl);
        command.Add(dpopMethod);
        command.Add(dpopNonce);
        command.Add(tlsCaFile);
        command.Add(managedIdentity);
        command.Add(output);
        command.Add(timeout);

        command.SetAction((parse, cancellationToken) =>
        {
            var format = TokenWriter.ParseFormat(parse.GetValue(output));
            return CommandRunner.RunAsync(context, format == TokenOutputFormat.Json, async () =>
            {
                var authorityInput = authority.Read(parse);
                if (parse.GetValue(managedIdentity))
                {
                    RejectWithManagedIdentity(
                        authorityInput,
                        new CredentialInput(parse.GetValue(secretEnv), parse.GetValue(secretStdin), certificate.Read(parse), parse.GetValue(assertionFile), parse.GetValue(clientAuth)) { TlsCaFile = parse.GetValue(tlsCaFile) },
                        new DPoPInput(parse.GetValue(dpop), parse.GetValue(dpopKey), parse.GetValue(dpopUrl), parse.GetValue(dpopMethod), parse.GetValue(dpopNonce)));
                    var managedScopes = ScopeResolver.Resolve(new ScopeInput(parse.GetValue(scopes) ?? [], parse.GetValue(resource)));
                    var managedToken = await ManagedIdentityAcquisition.AcquireAsync(authorityInput.ClientId, managedScopes, TimeSpan.FromSeconds(parse.GetValue(timeout)), context, parse.GetValue(global.Verbose), cancellationToken).ConfigureAwait(false);
                    TokenWriter.Write(context.Out, format, managedToken, context.TimeProvider.GetUtcNow());
                    return ExitCodes.Success;
                }

                var tokenAuthority = AuthorityResolver.Resolve(authorityInput, context);
                var clientId = AuthorityResolver.ResolveClientId(authorityInput, context);
                var requested = ScopeResolver.Resolve(new ScopeInput(parse.GetValue(scopes) ?? [], parse.GetValue(resource)));
                var credentialInput = new CredentialInput(parse.GetValue(secretEnv), parse.GetValue(secretStdin), certificate.Read(parse), parse.GetValue(assertionFile), parse.GetValue(clientAuth)) { TlsCaFile = parse.GetValue(tlsCaFile) };
                var method = await ChooseMethodAsync(credentialInput, tokenAuthority, context, parse.GetValue(global.Verbose), cancellationToken).ConfigureAwait(false);
                using var credential = CredentialResolver.Resolve(credentialInput, method, context);
                var dpopInput = new DPoPInput(parse.GetValue(dpop), parse.GetValue(dpopKey), parse.GetValue(dpopUrl), parse.GetValue(dpopMethod), parse.GetValue(dpopNonce));
                using var proofKey = DPoPKeyResolver.Resolve(dpopInput, context);
                if (proofKey is not null && format == TokenOutputFormat.Header && dpopInput.Url is null)
                {
                    throw new CliUsageException("-o header with a DPoP token needs --dpop-url URL: the Authorization: DPoP header is sent with a DPoP proof made for that request.");
                }

                var settings = new TokenRequestSettings(tokenAuthority, clientId, requested, credential, TimeSpan.FromSeconds(parse.GetValue(timeout)))
                {
                    DPoPKey = proofKey,
                    TlsCaFile = parse.GetValue(tlsCaFile),
                };
                var token = await TokenAcquisition.AcquireAsync(settings, context, parse.GetValue(global.Verbose), cancellationToken).ConfigureAwait(false);
                var proof = proofKey is not null && dpopInput.Url is not null
                    ? proofKey.CreateProof(new HttpMethod(dpopInput.Method ?? "GET"), new Uri(dpopInput.Url), context.TimeProvider.GetUtcNow(), token.Token, dpopInput.Nonce)
                    : null;
                TokenWriter.Write(context.Out, format, token, context.TimeProvider.GetUtcNow(), proofKey, proof);
                return ExitCodes.Success;
            });
        });
        return command;
    }

    private static async Task<string> ChooseMethodAsync(CredentialInput input, Protocol.TokenAuthority authority, CliContext context, bool verbose, CancellationToken cancellationToken)
    {
        var kind = CredentialResolver.KindOf(input, context);
        return await ClientAuthenticationChoice.ChooseAsync(kind, input.ClientAuth, authority, async () =>
        {
            using var httpClient = CliHttpClient.Create(context, verbose, TimeSpan.FromSeconds(30), tlsCaFile: input.TlsCaFile);
            return await authority.GetMetadataAsync(httpClient, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// A managed identity needs no authority and no credential, and its endpoints authenticate the Azure resource
    /// itself and issue Bearer tokens over their own channel: any authority, credential, client authentication, DPoP
    /// or TLS option alongside it would be silently ignored, so it is refused, every such option named.
    /// </summary>
    private static void RejectWithManagedIdentity(AuthorityInput authority, CredentialInput credential, DPoPInput dpop)
    {
        var certificate = credential.Certificate;
        var given = new (string Option, bool Set)[]
        {
            ("--tenant", authority.Tenant is not null), ("--instance", authority.Instance is not null), ("--region", authority.Region is not null),
            ("--regional-instance", authority.RegionalInstance is not null), ("--authority", authority.Authority is not null),
            ("--token-endpoint", authority.TokenEndpoint is not null), ("--issuer", authority.Issuer is not null), ("--secret-env", credential.SecretEnv is not null),
            ("--secret-stdin", credential.SecretStdin), ("--certificate", certificate.Path is not null), ("--certificate-password-env", certificate.PasswordEnv is not null),
            ("--certificate-password-stdin", certificate.PasswordStdin), ("--send-x5c", certificate.SendX5c), ("--signing-alg", certificate.SigningAlg is not null),
            ("--assertion-audience", certificate.AssertionAudience is not null), ("--assertion-file", credential.AssertionFile is not null),
            ("--client-auth", credential.ClientAuth is not null), ("--dpop", dpop.Enabled), ("--dpop-key", dpop.KeyFile is not null), ("--dpop-url", dpop.Url is not null),
            ("--dpop-method", dpop.Method is not null), ("--dpop-nonce", dpop.Nonce is not null), ("--tls-ca-file", credential.TlsCaFile is not null),
        }.Where(o => o.Set).Select(o => o.Option).ToList();
        if (given.Count > 0)
        {
            throw new CliUsageException(
                $"--managed-identity gets the token from the Azure resource's managed identity endpoint, which authenticates the resource itself and issues Bearer tokens: " +
                $"it takes no authority, credential, client authentication, DPoP or TLS option, so remove {string.Join(", ", given)}.");
        }
    }
}
