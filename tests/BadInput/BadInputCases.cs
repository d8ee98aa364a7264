using ImageRec.Common.Contracts;
using ImageRec.Common.Imaging;
using ImageRec.Tests.Imaging.Builders;
using static ImageRec.Tests.BadInput.BadInputFiles;

namespace ImageRec.Tests.BadInput;

/// <summary>
/// The bad-input table: every kind of upload the service must answer clearly, what is sent and what must come of it.
/// The web tier judges what it can from the bytes and the header (4xx problem+json with a reason); what only the
/// decoder can find ends in a failed result with a reason; nothing gives a 5xx or leaves a job queued. The second
/// outcome is the worker's when the same bytes reach it without the web tier: it applies the same rules.
/// docs/bad-input.md shows this table; tests run it at the web tier alone, at the worker alone, and through the stack.
/// </summary>
public static class BadInputCases
{
    private const int MiB = 1024 * 1024;

    public static IReadOnlyList<BadInputCase> All { get; } =
    [
        // ---- requests without a usable file
        Refuse("request", "No file part: the image in a field named `picture`", "photo.jpg", "image/jpeg", Photo, 400, "missing-file", atWorker: null, Delivery.OtherField),
        Refuse("request", "Not a form: a JSON body", "-", "application/json", Photo, 400, "missing-file", atWorker: null, Delivery.JsonBody),
        Refuse("request", "Empty file (0 bytes)", "empty.jpg", "image/jpeg", () => [], 400, "empty-file", Classified.Failed(FailureReasons.UnsupportedType)),
        Refuse("request", "10 MiB + 1 byte: a JPEG signature, then zeros", "huge.jpg", "image/jpeg", () => JpegLookalike(10 * MiB + 1), 413, FailureReasons.FileTooLarge),

        // ---- not images
        Refuse("not an image", "Plain text", "notes.txt", "text/plain", () => Text("hello, this is not an image\n"), 415, FailureReasons.UnsupportedType),
        Refuse("not an image", "Plain text named like a photo and sent as image/jpeg", "cat.jpg", "image/jpeg", () => Text("hello, this is not an image\n"), 415, FailureReasons.UnsupportedType),
        Refuse("not an image", "PDF document", "scan.pdf", "application/pdf", Pdf, 415, FailureReasons.UnsupportedType),
        Refuse("not an image", "ZIP archive", "photos.zip", "application/zip", Zip, 415, FailureReasons.UnsupportedType),

        // ---- image formats the service does not decode
        Refuse("unsupported format", "GIF (still, 1×1)", "dot.gif", "image/gif", Gif, 415, FailureReasons.UnsupportedFormat),
        Refuse("unsupported format", "Animated GIF (2 frames, looping)", "spinner.gif", "image/gif", AnimatedGif, 415, FailureReasons.UnsupportedFormat),
        Refuse("unsupported format", "BMP (24-bit, 1×1)", "dot.bmp", "image/bmp", Bmp, 415, FailureReasons.UnsupportedFormat),
        Refuse("unsupported format", "TIFF", "scan.tif", "image/tiff", Tiff, 415, FailureReasons.UnsupportedFormat),
        Refuse("unsupported format", "HEIC (ftyp heic)", "IMG_0001.heic", "image/heic", () => IsoMedia("heic", "mif1", "heic"), 415, FailureReasons.UnsupportedFormat),
        Refuse("unsupported format", "AVIF (ftyp avif)", "photo.avif", "image/avif", () => IsoMedia("avif", "avif", "mif1", "miaf"), 415, FailureReasons.UnsupportedFormat),
        Refuse("unsupported format", "JPEG XL (bare codestream)", "photo.jxl", "image/jxl", JpegXl, 415, FailureReasons.UnsupportedFormat),
        Refuse("unsupported format", "SVG", "logo.svg", "image/svg+xml", Svg, 415, FailureReasons.UnsupportedFormat),
        Refuse("unsupported format", "12-bit JPEG (frame header precision 12)", "medical.jpg", "image/jpeg", () => JpegWriter.WithFrameHeader(TinyJpeg(), precision: 12), 415, FailureReasons.UnsupportedFormat),
        Refuse("unsupported format", "Lossless JPEG (SOF3)", "lossless.jpg", "image/jpeg", () => JpegWriter.WithFrameHeader(TinyJpeg(), marker: 0xC3), 415, FailureReasons.UnsupportedFormat),

        // ---- sizes: decompression bombs, the pixel limit, impossible sizes
        Refuse("size", "PNG bomb: IHDR claims 100000×100000, no image data", "bomb.png", "image/png", () => PngHeaderOnly(100_000, 100_000), 422, FailureReasons.TooManyPixels),
        Refuse("size", "JPEG bomb: frame header claims 65535×65535 over a 16×16 image's data", "bomb.jpg", "image/jpeg", () => JpegWriter.WithFrameHeader(TinyJpeg(), height: 65535, width: 65535), 422, FailureReasons.TooManyPixels),
        Refuse("size", "WebP bomb: VP8X canvas claims 16384×16384", "bomb.webp", "image/webp", () => WebPCanvas(16384, 16384), 422, FailureReasons.TooManyPixels),
        Refuse("size", "PNG of 8000×5001 = 40 008 000 pixels, just over the 40 MP limit", "big.png", "image/png", () => PngHeaderOnly(8000, 5001), 422, FailureReasons.TooManyPixels),
        Refuse("size", "PNG 0 pixels wide", "zero.png", "image/png", () => PngHeaderOnly(0, 100), 400, FailureReasons.Undecodable),
        Refuse("size", "PNG 2³¹ pixels wide (negative as a signed 32-bit number)", "negative.png", "image/png", () => PngHeaderOnly(0x8000_0000, 1), 400, FailureReasons.Undecodable),
        Refuse("size", "JPEG 0 pixels high (height left to a DNL marker)", "dnl.jpg", "image/jpeg", () => JpegWriter.WithFrameHeader(TinyJpeg(), height: 0), 400, FailureReasons.Undecodable),
        Refuse("size", "WebP 0 pixels wide (VP8 frame header)", "zero.webp", "image/webp", WebPZeroWidth, 400, FailureReasons.Undecodable),

        // ---- truncated and corrupt
        Refuse("truncated or corrupt", "JPEG cut after 20 bytes, inside its header", "cut.jpg", "image/jpeg", () => Photo()[..20], 400, FailureReasons.Undecodable),
        Fail("truncated or corrupt", "JPEG photo cut at 60%: header complete, scan data cut", "cut.jpg", "image/jpeg", () => Cut(Photo(), 60), FailureReasons.Undecodable),
        Fail("truncated or corrupt", "JPEG header followed by zeros instead of scan data", "zeros.jpg", "image/jpeg", () => [.. Photo()[..1200], .. new byte[2000]], FailureReasons.Undecodable),
        Fail("truncated or corrupt", "PNG 256×256 cut in the middle of its image data", "cut.png", "image/png", () => Cut(NoisyPng(256), 50), FailureReasons.Undecodable),
        Fail("truncated or corrupt", "PNG whose compressed image data is damaged", "damaged.png", "image/png", () => DamagedIdat(Fixture("rgb8.png")), FailureReasons.Undecodable),
        Fail("truncated or corrupt", "WebP (lossy) cut at 75%", "cut.webp", "image/webp", () => Cut(Fixture("lossy.webp"), 75), FailureReasons.Undecodable),

        // ---- animation
        Refuse("animation", "Animated PNG (APNG: acTL, 2 frames)", "anim.png", "image/png", AnimatedPng, 422, FailureReasons.AnimatedImage),
        Refuse("animation", "Animated WebP (ANIM + ANMF)", "anim.webp", "image/webp", AnimatedWebP, 422, FailureReasons.AnimatedImage),

        // ---- declared type or name contradicting the content: the content decides
        Succeed("type mismatch", "PNG named photo.jpg and sent as image/jpeg", "photo.jpg", "image/jpeg", () => Fixture("rgb8.png")),
        Succeed("type mismatch", "JPEG named photo.png and sent as image/png", "photo.png", "image/png", Photo),
        Succeed("type mismatch", "JPEG with no extension, sent as application/octet-stream", "upload", "application/octet-stream", Photo),
        Succeed("type mismatch", "WebP named photo.gif and sent as image/gif", "photo.gif", "image/gif", () => Fixture("lossy.webp")),

        // ---- colour models, depths and codings that must decode
        Succeed("decodes", "Progressive JPEG", "progressive.jpg", "image/jpeg", () => Fixture("progressive.jpg")),
        Succeed("decodes", "Arithmetic-coded JPEG (SOF9)", "arithmetic.jpg", "image/jpeg", () => Fixture("arithmetic.jpg")),
        Succeed("decodes", "Greyscale JPEG", "grey.jpg", "image/jpeg", () => Fixture("gray.jpg")),
        Succeed("decodes", "CMYK JPEG, Adobe YCCK (ImageMagick)", "cmyk.jpg", "image/jpeg", () => Fixture("cmyk.jpg")),
        Succeed("decodes", "CMYK JPEG, Adobe YCCK (TurboJPEG)", "ycck.jpg", "image/jpeg", () => CmykJpegs.Ycck().Jpeg),
        Succeed("decodes", "CMYK JPEG, Adobe plain CMYK (transform 0)", "cmyk-plain.jpg", "image/jpeg", () => CmykJpegs.PlainCmyk().Jpeg),
        Succeed("decodes", "16-bit RGB PNG", "rgb16.png", "image/png", () => Fixture("rgb16.png")),
        Succeed("decodes", "16-bit grey + alpha PNG", "ga16.png", "image/png", Grey16AlphaPng),
        Succeed("decodes", "Palette PNG", "palette.png", "image/png", () => Fixture("palette.png")),
        Succeed("decodes", "Greyscale PNG", "grey.png", "image/png", () => Fixture("gray8.png")),
        Succeed("decodes", "RGBA PNG", "rgba.png", "image/png", () => Fixture("rgba8.png")),
        Succeed("decodes", "Lossless WebP", "lossless.webp", "image/webp", () => Fixture("lossless.webp")),
        Succeed("decodes", "Lossy WebP with alpha (VP8X + ALPH)", "alpha.webp", "image/webp", () => Fixture("alpha_lossy.webp")),

        // ---- EXIF orientation: the lamp stored turned, tagged so, must be seen upright
        .. Enum.GetValues<ImageOrientation>().Select(o => Succeed("orientation",
            $"EXIF orientation {(int)o} ({o}): the lamp photo stored that way", $"lamp-{(int)o}.jpg", "image/jpeg", () => LampStored(o), LampLabel)),
        Succeed("orientation", "EXIF orientation 6 written big-endian (MM)", "lamp-6-mm.jpg", "image/jpeg", () => LampStored(ImageOrientation.Rotate90, bigEndian: true), LampLabel),
        Succeed("orientation", "An Exif segment that is not TIFF inside: ignored", "lamp-junk-exif.jpg", "image/jpeg", LampWithGarbageExif, LampLabel),
    ];

    public static BadInputCase Named(string name) => All.Single(c => c.Name == name);

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var c in All) data.Add(c.Name);
        return data;
    }

    /// <summary>Refused by the web tier; at the worker the same reason as a failed result unless said otherwise.</summary>
    private static BadInputCase Refuse(string group, string name, string fileName, string contentType, Func<byte[]> bytes,
        int status, string reason) =>
        new(group, name, fileName, contentType, bytes, new Refused(status, reason), Classified.Failed(reason));

    private static BadInputCase Refuse(string group, string name, string fileName, string contentType, Func<byte[]> bytes,
        int status, string reason, Classified? atWorker, Delivery delivery = Delivery.FilePart) =>
        new(group, name, fileName, contentType, bytes, new Refused(status, reason), atWorker, delivery);

    /// <summary>Accepted by the web tier (only the decoder can tell), then failed with a reason.</summary>
    private static BadInputCase Fail(string group, string name, string fileName, string contentType, Func<byte[]> bytes, string reason) =>
        new(group, name, fileName, contentType, bytes, Classified.Failed(reason), Classified.Failed(reason));

    private static BadInputCase Succeed(string group, string name, string fileName, string contentType, Func<byte[]> bytes, string? top1 = null) =>
        new(group, name, fileName, contentType, bytes, Classified.Succeeded(top1), Classified.Succeeded(top1));
}
