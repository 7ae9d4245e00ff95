using ClientCredentials.Emulator.Directory;
using ClientCredentials.Emulator.Errors;

namespace ClientCredentials.Emulator.Tokens;

/// <summary>The result of processing a token request: an error, or a token for a resource.</summary>
internal sealed record TokenOutcome
{
    public AadError? Error { get; private init; }

    public IssuedToken? Token { get; private init; }

    public RegisteredResource? Resource { get; private init; }

    public RegisteredApplication? Application { get; private init; }

    public ClientAuthentication? Authentication { get; private init; }

    /// <summary>The <c>resource</c> value a v1 response echoes (as the client asked for it).</summary>
    public string? RequestedResource { get; private init; }

    public static TokenOutcome Failed(AadError error) => new() { Error = error };

    public static TokenOutcome Issued(IssuedToken token, RegisteredApplication application, RegisteredResource resource, ClientAuthentication authentication, string requestedResource) =>
        new() { Token = token, Application = application, Resource = resource, Authentication = authentication, RequestedResource = requestedResource };
}
