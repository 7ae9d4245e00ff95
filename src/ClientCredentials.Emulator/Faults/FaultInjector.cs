using ClientCredentials.Emulator.Errors;

namespace ClientCredentials.Emulator.Faults;

/// <summary>
/// Applies <see cref="EmulatorFaults"/> to token requests before normal processing: first the added latency,
/// then the next forced status (a forced status below 400 means "serve normally"), then the seeded failure rate.
/// </summary>
internal sealed class FaultInjector(TimeProvider timeProvider)
{
    private sealed class State(EmulatorFaults faults)
    {
        public EmulatorFaults Faults { get; } = faults;

        public Random Random { get; } = new(faults.Seed);

        public int NextForced;
    }

    private State _state = new(new EmulatorFaults());

    /// <summary>Replaces the faults and restarts their sequence and random generator.</summary>
    public void Reset(EmulatorFaults faults) => Volatile.Write(ref _state, new State(faults));

    /// <summary>Waits for the configured latency, then returns the fault to answer, if any.</summary>
    public async Task<AadError?> ApplyAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _state);
        var faults = current.Faults;
        if (faults.LatencyMilliseconds > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(faults.LatencyMilliseconds), timeProvider, cancellationToken).ConfigureAwait(false);
        }

        if (faults.ForcedStatusCodes.Count > 0)
        {
            var index = Interlocked.Increment(ref current.NextForced) - 1;
            if (index < faults.ForcedStatusCodes.Count)
            {
                var status = faults.ForcedStatusCodes[index];
                return status >= 400 ? AadErrors.InjectedFault(status, faults.RetryAfterSeconds) : null;
            }
        }

        if (faults.FailureRate > 0)
        {
            double draw;
            lock (current.Random)
            {
                draw = current.Random.NextDouble();
            }

            if (draw < faults.FailureRate)
            {
                return AadErrors.InjectedFault(faults.FailureStatusCode, faults.RetryAfterSeconds);
            }
        }

        return null;
    }
}
