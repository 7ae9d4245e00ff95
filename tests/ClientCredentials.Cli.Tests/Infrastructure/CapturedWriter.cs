using System.Text;

namespace ClientCredentials.Cli.Tests.Infrastructure;

/// <summary>
/// A thread-safe string writer: commands running in the background write, the test reads snapshots or waits (on a
/// signal from the writes, not by polling) until the text says what it waits for.
/// </summary>
internal sealed class CapturedWriter : TextWriter
{
    private readonly StringBuilder _text = new();
    private readonly List<(Func<string, bool> Condition, TaskCompletionSource<string> Met)> _waiters = [];

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value) => Append(value.ToString());

    public override void Write(string? value) => Append(value);

    public override void WriteLine(string? value) => Append(value + NewLine);

    public override string ToString()
    {
        lock (_text)
        {
            return _text.ToString();
        }
    }

    /// <summary>Completes with the text written so far once it satisfies <paramref name="condition"/>.</summary>
    public Task<string> WaitForAsync(Func<string, bool> condition)
    {
        var met = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_text)
        {
            var current = _text.ToString();
            if (condition(current))
            {
                return Task.FromResult(current);
            }

            _waiters.Add((condition, met));
        }

        return met.Task;
    }

    private void Append(string? value)
    {
        List<(TaskCompletionSource<string> Met, string Text)> reached;
        lock (_text)
        {
            _text.Append(value);
            var current = _text.ToString();
            reached = [.. _waiters.Where(w => w.Condition(current)).Select(w => (w.Met, current))];
            _waiters.RemoveAll(w => reached.Any(r => r.Met == w.Met));
        }

        reached.ForEach(r => r.Met.TrySetResult(r.Text));
    }
}
