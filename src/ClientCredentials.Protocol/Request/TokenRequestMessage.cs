using System.Net.Http.Headers;

namespace ClientCredentials.Protocol;

/// <summary>The parts of one token request that credentials add to: form fields (in order) and an Authorization header.</summary>
internal sealed class TokenRequestMessage
{
    public List<KeyValuePair<string, string>> Form { get; } = new(8);

    public AuthenticationHeaderValue? Authorization { get; set; }
}
