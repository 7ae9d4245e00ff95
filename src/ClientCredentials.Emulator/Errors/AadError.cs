namespace ClientCredentials.Emulator.Errors;

/// <summary>
/// One AAD-shaped token endpoint error (RFC 6749 §5.2 plus AAD's fields): HTTP status, OAuth <c>error</c>, the
/// AADSTS code and the human message. Messages never contain secrets, assertions or tokens.
/// </summary>
internal sealed record AadError(int StatusCode, string Error, int Code, string Message)
{
    /// <summary>Seconds for a <c>Retry-After</c> header, when the error asks the client to wait.</summary>
    public int? RetryAfterSeconds { get; init; }
}
