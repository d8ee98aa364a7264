using System.Net.Http.Headers;

namespace ImageRec.Tests.BadInput;

/// <summary>The upload request body of a case, as a browser or curl would send it.</summary>
public static class BadInputRequests
{
    public const string ImageField = "image";

    public static HttpContent Content(BadInputCase c)
    {
        if (c.Delivery == Delivery.JsonBody)
            return new StringContent("""{"image":"/9j/4AAQSkZJRg=="}""", System.Text.Encoding.UTF8, "application/json");
        var file = new ByteArrayContent(c.Bytes());
        file.Headers.ContentType = MediaTypeHeaderValue.Parse(c.ContentType);
        return new MultipartFormDataContent { { file, c.Delivery == Delivery.OtherField ? "picture" : ImageField, c.FileName } };
    }
}
