namespace ClientCredentials.Emulator.Endpoints;

/// <summary>The emulator's root URL (<c>http://127.0.0.1:{port}</c>), known once Kestrel has bound its port.</summary>
internal sealed class EmulatorAddress
{
    private string? _root;

    public string Root => Volatile.Read(ref _root) ?? throw new InvalidOperationException("The emulator has not bound its port yet.");

    public void Set(string value) => Volatile.Write(ref _root, value);
}
