using System.Buffers.Text;
using System.Text;

namespace ImageRec.Common.Index;

/// <summary>
/// Where the next page of a listing starts: the last image of the previous page (its upload time and id), opaque to
/// clients (base64url). The owner is never in it: a cursor read back is only ever applied to the caller's own images.
/// </summary>
public sealed record IndexCursor(string UploadedAt, string Id)
{
    public string Encode() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{UploadedAt}|{Id}"));

    public static bool TryDecode(string? text, out IndexCursor cursor)
    {
        cursor = null!;
        if (string.IsNullOrEmpty(text) || text.Length > 200) return false;
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            return false;
        }
        var parts = Encoding.UTF8.GetString(bytes).Split('|');
        if (parts is not [var uploadedAt, var id] || !Guid.TryParseExact(id, "D", out _) || !ImageIndexSchema.TryParseTime(uploadedAt, out _))
            return false;
        cursor = new IndexCursor(uploadedAt, id);
        return true;
    }
}
