using System.Net.Http.Headers;
using System.Text;

namespace ImageRec.Tests.Infrastructure;

/// <summary>
/// Creates the image index table in the local emulator from deploy/eks/image-index-table.json, the file users create
/// it from on AWS (eng/run-local.sh sends the same request with curl), so the tests run against the real definition.
/// </summary>
public static class IndexTable
{
    public static string DefinitionPath => Path.Combine(RepositoryPaths.Root, "deploy", "eks", "image-index-table.json");

    /// <summary>The CreateTable request for <paramref name="tableName"/>.</summary>
    public static string Definition(string tableName) => File.ReadAllText(DefinitionPath).Replace("${INDEX_TABLE}", tableName, StringComparison.Ordinal);

    /// <summary>
    /// A new table named <paramref name="tableName"/> at <paramref name="endpoint"/>, once it is ACTIVE (a table still
    /// CREATING answers ResourceNotFound, in dynalite as in DynamoDB); returns the name.
    /// </summary>
    public static async Task<string> CreateAsync(Uri endpoint, string tableName)
    {
        using var http = new HttpClient();
        await CallAsync(http, endpoint, "CreateTable", Definition(tableName));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!(await CallAsync(http, endpoint, "DescribeTable", $"{{\"TableName\":\"{tableName}\"}}")).Contains("\"TableStatus\":\"ACTIVE\"", StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Table {tableName} not ACTIVE within 10 s.");
            await Task.Delay(20);
        }
        return tableName;
    }

    private static async Task<string> CallAsync(HttpClient http, Uri endpoint, string action, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(json, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.0");
        request.Headers.Add("X-Amz-Target", "DynamoDB_20120810." + action);
        // The emulator checks that a request is signed, not the signature.
        request.Headers.Add("X-Amz-Date", "20260101T000000Z");
        request.Headers.TryAddWithoutValidation("Authorization",
            "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0");
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{action} {endpoint}: {(int)response.StatusCode} {body}");
        return body;
    }
}
