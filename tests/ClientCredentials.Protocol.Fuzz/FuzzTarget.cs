namespace ClientCredentials.Protocol.Fuzz;

/// <summary>
/// One fuzz target: code that takes untrusted bytes, with the invariant it must keep for every input. A target
/// returns normally when the code under test answered as documented (a result, or one of its typed errors) and
/// throws otherwise: an unexpected exception type escapes as is, a broken invariant as a
/// <see cref="FuzzInvariantException"/>. The fuzzer reports either as a crash.
/// </summary>
public abstract class FuzzTarget
{
    /// <summary>The name used on the command line and as the corpus folder (<c>corpus/{Name}</c>).</summary>
    public abstract string Name { get; }

    /// <summary>What the target feeds and what it asserts, for <c>list</c> and the README.</summary>
    public abstract string Description { get; }

    /// <summary>Runs the code under test on one input; throws when the invariant does not hold.</summary>
    public abstract void Run(ReadOnlySpan<byte> input);

    /// <summary>Every target, by name.</summary>
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new Targets.TokenResponseTarget(),
        new Targets.JwtDecodeTarget(),
        new Targets.ClientAssertionTarget(),
        new Targets.EmulatorTokenRequestTarget(),
    ];

    /// <summary>The target called <paramref name="name"/>, or null.</summary>
    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal));
}

/// <summary>A target's invariant did not hold for an input (the code returned or failed in a way it must not).</summary>
public sealed class FuzzInvariantException(string message, Exception? innerException = null) : Exception(message, innerException);
