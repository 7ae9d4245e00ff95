using System.Collections.Concurrent;
using StackExchange.Redis;

namespace ClientCredentials.Protocol.Caching.Fleet;

/// <summary>
/// One token request per key for a fleet, on Redis: a lease per key (<c>SET NX PX</c>, StackExchange.Redis'
/// <c>LockTake</c>) that expires by itself, released only by its holder (<c>LockRelease</c> compares the owner), and a
/// pub/sub channel on which the holder announces that it stored the token, so the waiting instances read it at once
/// rather than at their next poll. One subscription per process, made on the first wait.
/// </summary>
internal sealed class RedisFleetLeases(IConnectionMultiplexer redis, string channel)
{
    private readonly RedisChannel _channel = RedisChannel.Literal(channel);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _announcements = new(StringComparer.Ordinal);
    private readonly object _subscriptionGate = new();
    private Task? _subscription;

    private IDatabase Database => redis.GetDatabase();

    public Task<bool> TryTakeAsync(string leaseKey, string owner, TimeSpan duration) => Database.LockTakeAsync(leaseKey, owner, duration);

    public Task<bool> ReleaseAsync(string leaseKey, string owner) => Database.LockReleaseAsync(leaseKey, owner);

    public Task<bool> IsHeldAsync(string leaseKey) => Database.KeyExistsAsync(leaseKey);

    public Task<long> AnnounceAsync(string id) => redis.GetSubscriber().PublishAsync(_channel, id);

    /// <summary>A task that completes when an announcement for <paramref name="id"/> arrives; never faults.</summary>
    public Task AnnouncementOf(string id) => _announcements.GetOrAdd(id, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Stops waiting for <paramref name="id"/> (its waiter gave up or was answered).</summary>
    public void Forget(string id, Task announcement)
    {
        if (_announcements.TryGetValue(id, out var waiting) && waiting.Task == announcement)
        {
            _announcements.TryRemove(new KeyValuePair<string, TaskCompletionSource>(id, waiting));
        }
    }

    /// <summary>The subscription, made once (again after a failure); the caller bounds the wait for it.</summary>
    public Task EnsureSubscribedAsync()
    {
        lock (_subscriptionGate)
        {
            if (_subscription is null || _subscription.IsFaulted || _subscription.IsCanceled)
            {
                _subscription = redis.GetSubscriber().SubscribeAsync(_channel, (_, message) =>
                {
                    if (!message.IsNullOrEmpty && _announcements.TryRemove(message.ToString(), out var waiting))
                    {
                        waiting.TrySetResult();
                    }
                });
            }

            return _subscription;
        }
    }
}
