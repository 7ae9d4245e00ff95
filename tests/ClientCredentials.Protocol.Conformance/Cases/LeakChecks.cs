namespace ClientCredentials.Protocol.Conformance;

/// <summary>
/// The check every case makes (spec/conformance/README.md): no text the client reports — an error's message and
/// everything in it, or a token's <c>ToString</c> — contains the secret, a client assertion it sent, or an access
/// token any answer carried.
/// </summary>
internal static class LeakChecks
{
    public static void Check(CaseVerdict verdict, ConformanceCase conformanceCase, IReadOnlyList<WireMockRecordedRequest> requests, IEnumerable<string> reported)
    {
        var secrets = new List<(string What, string Value)>
        {
            ("the client secret", CaseCredentials.Secret),
            ("the form-encoded client secret", "conformance%7Esecret*value"),
            ("the client_secret_jwt secret", CaseCredentials.JwtSecret),
        };
        foreach (var request in requests.Where(r => r.Method == "POST"))
        {
            if (SentChecks.Value(FormUrlEncodedBody.Parse(request.Body), "client_assertion") is { Length: >= 8 } assertion)
            {
                secrets.Add(("a client assertion it sent", assertion));
            }
        }

        secrets.AddRange(conformanceCase.AccessTokensServed.Select(token => ("an access token from an answer", token)));
        foreach (var text in reported)
        {
            foreach (var (what, value) in secrets)
            {
                if (text.Contains(value, StringComparison.Ordinal))
                {
                    verdict.Add($"a reported text contains {what}: {text[..Math.Min(text.Length, 200)]}…");
                }
            }
        }
    }

    /// <summary>The texts a caller sees of a result: the exception with its inner ones, or the token's description.</summary>
    public static IEnumerable<string> TextsOf(AccessToken? token, Exception? failure)
    {
        if (token is not null)
        {
            yield return token.ToString();
        }

        if (failure is not null)
        {
            yield return failure.ToString();
            if (failure is TokenEndpointException endpoint)
            {
                yield return endpoint.Details.ToString();
            }
        }
    }
}
