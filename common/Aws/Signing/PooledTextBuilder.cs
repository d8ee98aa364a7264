using System.Buffers;

namespace ImageRec.Common.Aws.Signing;

/// <summary>
/// Append-only char buffer rented from <see cref="ArrayPool{T}"/>, so building a canonical request
/// does not allocate per call. Must be disposed to return the buffer.
/// </summary>
internal ref struct PooledTextBuilder
{
    private char[] _buffer;
    private int _length;

    public PooledTextBuilder(int initialCapacity)
    {
        _buffer = ArrayPool<char>.Shared.Rent(initialCapacity);
        _length = 0;
    }

    public readonly int Length => _length;

    public readonly ReadOnlySpan<char> AsSpan() => _buffer.AsSpan(0, _length);

    public readonly ReadOnlySpan<char> AsSpan(int start, int length) => _buffer.AsSpan(start, length);

    public void Append(char c)
    {
        if (_length == _buffer.Length)
        {
            Grow(1);
        }
        _buffer[_length++] = c;
    }

    public void Append(scoped ReadOnlySpan<char> text)
    {
        if (_length + text.Length > _buffer.Length)
        {
            Grow(text.Length);
        }
        text.CopyTo(_buffer.AsSpan(_length));
        _length += text.Length;
    }

    /// <summary>Reserves <paramref name="count"/> chars and returns them for the caller to fill.</summary>
    public Span<char> AppendSpan(int count)
    {
        if (_length + count > _buffer.Length)
        {
            Grow(count);
        }
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    public override readonly string ToString() => new(_buffer, 0, _length);

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    private void Grow(int additional)
    {
        var larger = ArrayPool<char>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + additional));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        if (_buffer.Length > 0)
        {
            ArrayPool<char>.Shared.Return(_buffer);
        }
        _buffer = larger;
    }
}
