namespace ClientCredentials.Protocol;

/// <summary>
/// The client id (RFC 6749 §2.2, Appendix A.1: <c>client-id = *VSCHAR</c>, U+0020–U+007E) must be non-blank and
/// printable ASCII. It is sent in the form body and HTTP Basic header, signed into assertions as <c>iss</c>/<c>sub</c>,
/// and written into log events and messages, so a CR, LF, NUL, other control character or non-ASCII character is
/// refused before anything is sent (<c>Setting</c> = <c>ClientId</c>). Surrounding white space is trimmed.
/// </summary>
internal static class ClientIdRule
{
    public static string Validate(string? clientId)
    {
        if (string.IsNullOrWhiteSpace(clientId))
        {
            throw new ClientCredentialsConfigurationException("ClientId", "ClientId is required: the application (client) id of the app registration.");
        }

        var trimmed = clientId.Trim();
        var bad = trimmed.AsSpan().IndexOfAnyExceptInRange('\u0020', '\u007E');
        if (bad >= 0)
        {
            throw new ClientCredentialsConfigurationException(
                "ClientId",
                $"ClientId contains {HeaderValueRule.Describe(trimmed[bad])} at position {bad}; a client id is printable ASCII (RFC 6749 Appendix A.1), for Entra ID the application (client) id GUID.");
        }

        return trimmed;
    }
}
