using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ClientCredentials.Protocol.Tests.Infrastructure;

/// <summary>Records the library's spans of one kind, its request durations and its throttled calls (process-wide listeners).</summary>
internal sealed class TelemetryRecorder : IDisposable
{
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters = new();
    private readonly List<Activity> _spans = [];
    private readonly List<(double Seconds, Dictionary<string, object?> Tags)> _durations = [];
    private long _throttled;

    public TelemetryRecorder(string activityName)
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ClientCredentialsTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.OperationName == activityName)
                {
                    lock (_spans)
                    {
                        _spans.Add(activity);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(_activities);

        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ClientCredentialsTelemetry.Name &&
                instrument.Name is ClientCredentialsTelemetry.RequestDuration or ClientCredentialsTelemetry.Throttled)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            lock (_durations)
            {
                _durations.Add((value, copy));
            }
        });
        _meters.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _throttled, value));
        _meters.Start();
    }

    public IReadOnlyList<Activity> Spans
    {
        get
        {
            lock (_spans)
            {
                return [.. _spans];
            }
        }
    }

    public IReadOnlyList<(double Seconds, Dictionary<string, object?> Tags)> Durations
    {
        get
        {
            lock (_durations)
            {
                return [.. _durations];
            }
        }
    }

    public long Throttled => Interlocked.Read(ref _throttled);

    public void Dispose()
    {
        _meters.Dispose();
        _activities.Dispose();
    }
}
