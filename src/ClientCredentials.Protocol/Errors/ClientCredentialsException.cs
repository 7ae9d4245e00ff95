namespace ClientCredentials.Protocol;

/// <summary>Base type of every error this library throws. Messages never contain secrets, assertions or tokens.</summary>
public abstract class ClientCredentialsException : Exception
{
    /// <summary>Creates the exception with a message that says what to fix.</summary>
    protected ClientCredentialsException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A configuration mistake found before any request was sent: a bad authority, tenant, scope, credential, header value
/// or option — or an <see cref="HttpClient"/> that followed a redirect of a token request (<see cref="Setting"/> =
/// <c>HttpClient</c>, found on its answer). Retrying cannot help; <see cref="Exception.Message"/> says what to change.
/// </summary>
public sealed class ClientCredentialsConfigurationException : ClientCredentialsException
{
    /// <summary>Creates the exception for the named setting.</summary>
    public ClientCredentialsConfigurationException(string setting, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Setting = setting;
    }

    /// <summary>The option or configuration key at fault, for example <c>Scopes</c> or <c>Authority</c>.</summary>
    public string Setting { get; }
}

/// <summary>
/// A token could not be obtained from the token endpoint. <see cref="IsTransient"/> says whether the same request
/// may succeed later; <see cref="RetryAfter"/> carries the server's or the client's wait, when known.
/// </summary>
public abstract class TokenAcquisitionException : ClientCredentialsException
{
    /// <summary>Creates the exception.</summary>
    protected TokenAcquisitionException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>True for failures worth retrying later: 5xx, 408, 429, <c>temporarily_unavailable</c>, network errors and timeouts.</summary>
    public abstract bool IsTransient { get; }

    /// <summary>How long to wait before trying again, when the server said (<c>Retry-After</c>) or the client throttles.</summary>
    public virtual TimeSpan? RetryAfter => null;
}
