using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using ImageRec.Common.Index;
using ImageRec.Tests.BadInput;
using ImageRec.Tests.Infrastructure;
using ImageRec.Tests.Infrastructure.Chaos;
using Microsoft.Extensions.DependencyInjection;

namespace ImageRec.Tests.EndToEnd;

/// <summary>
/// <c>imagerec-webtier reindex</c> on the running stack: a user's images (classified, failed at the worker, one
/// deleted) are indexed live by the web tier and the workers; the rebuild from S3 into a new table holds exactly the
/// same items, attribute for attribute.
/// </summary>
[Collection(LocalStackCollection.Name)]
public sealed class IndexRebuildTests(LocalStackFixture stack)
{
    private static MultipartFormDataContent Form(byte[] bytes, string fileName, string contentType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return new MultipartFormDataContent { { content, "image", fileName } };
    }

    [Fact]
    public async Task The_index_rebuilt_from_S3_equals_the_live_index()
    {
        using var client = await stack.ClientForAsync("reindex-" + Guid.NewGuid().ToString("N")[..8]);
        var uploads = new List<(byte[] Bytes, string Name, string Type)>
        {
            (File.ReadAllBytes(RepositoryPaths.SharedFile("testdata", "images", "img_00.jpg")), "img_00.jpg", "image/jpeg"),
            (File.ReadAllBytes(RepositoryPaths.SharedFile("testdata", "images", "img_04.jpg")), "img_04.jpg", "image/jpeg"),
            (File.ReadAllBytes(RepositoryPaths.SharedFile("testdata", "images", "img_09.jpg")), "photo with spaces é.jpg", "image/jpeg"),
        };
        // Passes the web tier's header checks, fails to decode at the worker: a failed image with its reason.
        var cut = BadInputCases.Named("JPEG header followed by zeros instead of scan data");
        uploads.Add((cut.Bytes(), cut.FileName, cut.ContentType));

        string owner = "";
        var ids = new List<string>();
        foreach (var (bytes, name, type) in uploads)
        {
            using var response = await client.PostAsync(new Uri(stack.WebTier, "v1/images?wait=30"), Form(bytes, name, type));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name}: {(int)response.StatusCode} {body}");
            var result = JsonDocument.Parse(body).RootElement;
            ids.Add(result.GetProperty("id").GetString()!);
            owner = result.GetProperty("owner").GetString()!;
        }
        using (var deleted = await client.DeleteAsync(new Uri(stack.WebTier, $"v1/images/{ids[1]}")))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        await using var aws = AwsClients.For(stack.Emulator);
        var dynamoDb = aws.GetRequiredService<IAmazonDynamoDB>();
        var rebuilt = await IndexTable.CreateAsync(stack.Emulator, AwsEmulatorFixture.UniqueName("rebuilt"));
        await using (var reindex = ServiceProcess.Start("webtier", ["reindex"], new Dictionary<string, string>(stack.WebTierSettings()) { ["Index__TableName"] = rebuilt }))
        {
            await reindex.WaitForExitAsync(TimeSpan.FromSeconds(60));
            Assert.True(reindex.ExitCode == 0, reindex.Output);
            Assert.Contains("reindexed images=", reindex.Output);
        }

        var live = await ItemsAsync(dynamoDb, "imagerec-images", owner);
        var fromS3 = await ItemsAsync(dynamoDb, rebuilt, owner);
        Assert.Equal(new[] { ids[0], ids[2], ids[3] }.Order(), live.Keys.Order());
        Assert.Equal("failed", JsonDocument.Parse(live[ids[3]]).RootElement.GetProperty(ImageIndexSchema.Status).GetProperty("S").GetString());
        Assert.Equal(live, fromS3);
    }

    /// <summary>The owner's items in <paramref name="table"/>, by id, each as canonical JSON (attributes sorted by name).</summary>
    private static async Task<Dictionary<string, string>> ItemsAsync(IAmazonDynamoDB dynamoDb, string table, string owner)
    {
        var response = await dynamoDb.QueryAsync(new QueryRequest
        {
            TableName = table,
            KeyConditionExpression = "#o = :o",
            ExpressionAttributeNames = new() { ["#o"] = ImageIndexSchema.Owner },
            ExpressionAttributeValues = new() { [":o"] = new AttributeValue { S = owner } },
            ConsistentRead = true,
        });
        return (response.Items ?? []).ToDictionary(i => i[ImageIndexSchema.Id].S, Canonical);
    }

    private static string Canonical(Dictionary<string, AttributeValue> item) =>
        JsonSerializer.Serialize(item.OrderBy(a => a.Key, StringComparer.Ordinal).ToDictionary(a => a.Key, a => Value(a.Value)));

    private static object Value(AttributeValue value) =>
        value.S is { } s ? new { S = s }
        : value.N is { } n ? new { N = n }
        : value.M is { } m ? new { M = m.OrderBy(a => a.Key, StringComparer.Ordinal).ToDictionary(a => a.Key, a => Value(a.Value)) }
        : value.L is { } l ? new { L = l.Select(Value).ToArray() }
        : throw new InvalidOperationException("an attribute type the index does not write");
}
