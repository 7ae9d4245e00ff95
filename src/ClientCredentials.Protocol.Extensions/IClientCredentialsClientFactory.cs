using System.Diagnostics.CodeAnalysis;

namespace ClientCredentials.Protocol.Extensions;

/// <summary>
/// Returns the <see cref="ClientCredentialsClient"/> registered under a name with <c>AddClientCredentials</c>. Each
/// client is created once, on first use, and then reused; all share the container's <see cref="TokenCache"/>, each
/// in its own key space. The same client is also a keyed singleton: <c>[FromKeyedServices("name")] ClientCredentialsClient</c>.
/// </summary>
public interface IClientCredentialsClientFactory
{
    /// <summary>
    /// Returns the client named <paramref name="name"/>. Throws <see cref="ClientCredentialsConfigurationException"/>
    /// when no client has that name or none of its credentials loads, and <c>OptionsValidationException</c> when its
    /// options are invalid.
    /// </summary>
    [SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Justification = "Named like IOptionsSnapshot<T>.Get(name), the named-instance lookup DI users know; Visual Basic callers write [Get].")]
    ClientCredentialsClient Get(string name);
}
