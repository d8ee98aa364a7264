using ImageRec.Common.Imaging;

namespace ImageRec.Tests.Imaging.Builders;

/// <summary>
/// Turns upright pixels into the pixels a camera stores with a given EXIF orientation, read straight from
/// TIFF 6.0's wording of the tag ("the 0th row represents the visual top/bottom/left/right of the image, and the
/// 0th column the visual left/right/top/bottom"): an independent statement of what the worker must undo.
/// </summary>
internal static class OrientedImage
{
    public static (byte[] Rgb, int Width, int Height) Stored(byte[] upright, int width, int height, ImageOrientation orientation)
    {
        (string row0, string column0) = (int)orientation switch
        {
            1 => ("top", "left"), 2 => ("top", "right"), 3 => ("bottom", "right"), 4 => ("bottom", "left"),
            5 => ("left", "top"), 6 => ("right", "top"), 7 => ("right", "bottom"), 8 => ("left", "bottom"),
            _ => throw new ArgumentOutOfRangeException(nameof(orientation)),
        };
        bool rowsAreColumns = row0 is "left" or "right";
        int storedW = rowsAreColumns ? height : width, storedH = rowsAreColumns ? width : height;
        var stored = new byte[storedW * storedH * 3];
        for (int r = 0; r < storedH; r++)
        {
            for (int c = 0; c < storedW; c++)
            {
                // Where stored row r, column c is seen on screen.
                int x, y;
                if (!rowsAreColumns)
                {
                    y = row0 == "top" ? r : height - 1 - r;
                    x = column0 == "left" ? c : width - 1 - c;
                }
                else
                {
                    x = row0 == "left" ? r : width - 1 - r;
                    y = column0 == "top" ? c : height - 1 - c;
                }
                upright.AsSpan((y * width + x) * 3, 3).CopyTo(stored.AsSpan((r * storedW + c) * 3));
            }
        }
        return (stored, storedW, storedH);
    }
}
