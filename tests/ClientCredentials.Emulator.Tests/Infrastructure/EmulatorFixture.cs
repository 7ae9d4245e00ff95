namespace ClientCredentials.Emulator.Tests.Infrastructure;

/// <summary>One emulator per test class, with the shared <see cref="TestDirectory"/> options.</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    internal EmulatorHarness Emulator { get; private set; } = null!;

    public async Task InitializeAsync() => Emulator = await EmulatorHarness.StartAsync();

    public async Task DisposeAsync() => await Emulator.DisposeAsync();
}
