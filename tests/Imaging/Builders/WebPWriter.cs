using System.Buffers.Binary;

namespace ImageRec.Tests.Imaging.Builders;

/// <summary>
/// Extended-format WebP containers made in code (WebP container specification: RIFF header, VP8X with its flags
/// and canvas size, ANIM/ANMF for animation), around bitstream chunks taken from real WebP files.
/// </summary>
internal static class WebPWriter
{
    public const byte AnimationFlag = 0x02;

    /// <summary>RIFF/WEBP around a VP8X chunk (canvas size, flags) followed by <paramref name="chunks"/>.</summary>
    public static byte[] Extended(int canvasWidth, int canvasHeight, byte flags, params byte[][] chunks)
    {
        var vp8x = new byte[10];
        vp8x[0] = flags;
        WriteUInt24(vp8x, 4, canvasWidth - 1);
        WriteUInt24(vp8x, 7, canvasHeight - 1);
        var body = new List<byte>("WEBP"u8.ToArray());
        body.AddRange(Chunk("VP8X", vp8x));
        foreach (var chunk in chunks) body.AddRange(chunk);
        var file = new byte[8 + body.Count];
        "RIFF"u8.CopyTo(file);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), (uint)body.Count);
        body.CopyTo(file, 8);
        return file;
    }

    /// <summary>An animated WebP of one frame: ANIM, then an ANMF holding the image chunk of a still WebP file.</summary>
    public static byte[] Animated(byte[] stillWebP, int width, int height)
    {
        var anim = new byte[6]; // background colour 0, loop count 0 (forever)
        var frameHeader = new byte[16]; // X/2, Y/2, width−1, height−1, duration, flags: 24 bits each but the last
        WriteUInt24(frameHeader, 6, width - 1);
        WriteUInt24(frameHeader, 9, height - 1);
        WriteUInt24(frameHeader, 12, 100); // ms
        byte[] frame = [.. frameHeader, .. stillWebP.AsSpan(12)]; // the still file's chunks after "RIFF" size "WEBP"
        return Extended(width, height, AnimationFlag, Chunk("ANIM", anim), Chunk("ANMF", frame));
    }

    public static byte[] Chunk(string fourCc, byte[] payload)
    {
        var chunk = new byte[8 + payload.Length + (payload.Length & 1)];
        for (int i = 0; i < 4; i++) chunk[i] = (byte)fourCc[i];
        BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(4), (uint)payload.Length);
        payload.CopyTo(chunk, 8);
        return chunk;
    }

    private static void WriteUInt24(byte[] b, int at, int v)
    {
        b[at] = (byte)v;
        b[at + 1] = (byte)(v >> 8);
        b[at + 2] = (byte)(v >> 16);
    }
}
