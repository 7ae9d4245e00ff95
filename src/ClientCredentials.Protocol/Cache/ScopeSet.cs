using System.Collections;

namespace ClientCredentials.Protocol;

/// <summary>
/// The scopes of a cache key: a read-only list in the order given (as the request sends them) that also knows its
/// canonical form — distinct scopes, sorted, space-separated (RFC 6749 §3.3: the order does not matter). One object
/// per cached token, shared by the key and the cached <see cref="AccessToken.Scopes"/>. Also a read-only
/// <see cref="IList{T}"/>, as the <see cref="System.Collections.ObjectModel.ReadOnlyCollection{T}"/> it replaces was:
/// callers that cast or copy the list keep working, and every mutator throws <see cref="NotSupportedException"/>.
/// </summary>
internal abstract class ScopeSet : IReadOnlyList<string>, IList<string>
{
    /// <summary>The canonical form, compared ordinally or ignoring case (as the key says).</summary>
    public abstract string Canonical { get; }

    public abstract int Count { get; }

    public abstract string this[int index] { get; }

    bool ICollection<string>.IsReadOnly => true;

    string IList<string>.this[int index]
    {
        get => this[index];
        set => throw ReadOnly();
    }

    /// <summary>
    /// The set for <paramref name="scopes"/>, which the caller hands over (it must not change afterwards). Case is
    /// not folded into a new string: with <paramref name="caseInsensitive"/> duplicates and order ignore it.
    /// </summary>
    public static ScopeSet Of(string[] scopes, bool caseInsensitive)
    {
        if (scopes.Length == 1)
        {
            return new One(scopes[0]);
        }

        var normalized = new SortedSet<string>(caseInsensitive ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        foreach (var scope in scopes)
        {
            normalized.Add(scope);
        }

        return new Many(scopes, string.Join(' ', normalized));
    }

    public IEnumerator<string> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public int IndexOf(string item)
    {
        for (var i = 0; i < Count; i++)
        {
            if (string.Equals(this[i], item, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    public bool Contains(string item) => IndexOf(item) >= 0;

    public void CopyTo(string[] array, int arrayIndex)
    {
        ArgumentNullException.ThrowIfNull(array);
        ArgumentOutOfRangeException.ThrowIfNegative(arrayIndex);
        if (array.Length - arrayIndex < Count)
        {
            throw new ArgumentException($"The array has room for {array.Length - arrayIndex} scopes from index {arrayIndex}; {Count} are needed.", nameof(array));
        }

        for (var i = 0; i < Count; i++)
        {
            array[arrayIndex + i] = this[i];
        }
    }

    void ICollection<string>.Add(string item) => throw ReadOnly();

    void ICollection<string>.Clear() => throw ReadOnly();

    bool ICollection<string>.Remove(string item) => throw ReadOnly();

    void IList<string>.Insert(int index, string item) => throw ReadOnly();

    void IList<string>.RemoveAt(int index) => throw ReadOnly();

    private static NotSupportedException ReadOnly() => new("The scopes of a token or cache key are read-only.");

    /// <summary>
    /// One scope — the only shape Entra ID and ADFS accept for app-only tokens (<c>{resource}/.default</c>): a
    /// 24-byte object that is its own canonical form, where an array and a read-only wrapper would take 56 bytes.
    /// </summary>
    private sealed class One(string scope) : ScopeSet
    {
        public override string Canonical => scope;

        public override int Count => 1;

        public override string this[int index] =>
            index == 0 ? scope : throw new ArgumentOutOfRangeException(nameof(index), index, "This scope set has one scope, at index 0.");
    }

    /// <summary>Zero or several scopes.</summary>
    private sealed class Many(string[] scopes, string canonical) : ScopeSet
    {
        public override string Canonical => canonical;

        public override int Count => scopes.Length;

        public override string this[int index] => scopes[index];
    }
}
