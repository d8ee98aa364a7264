using System.Text.Json;
using ImageRec.Common.Contracts;

namespace ImageRec.Tests.Contracts;

public sealed class ContractSerializerTests
{
    private static readonly RecognitionJob Job = new()
    {
        Id = "0190a8e2-7c1a-7abc-8def-0123456789ab",
        Owner = "anonymous",
        Input = new ObjectLocation("imagerec-input", "anonymous/0190a8e2-7c1a-7abc-8def-0123456789ab"),
        ReplyTo = "http://127.0.0.1:4566/000000000000/imagerec-reply-host-1",
        SubmittedAt = new DateTimeOffset(2026, 11, 22, 10, 30, 0, TimeSpan.Zero),
        Traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        FileName = "cat.jpg",
    };

    [Fact]
    public void Job_round_trips_and_carries_its_version()
    {
        var json = ContractSerializer.Serialize(Job);
        Assert.Equal(Job, ContractSerializer.ParseJob(json));

        var document = JsonDocument.Parse(json).RootElement;
        Assert.Equal(1, document.GetProperty("v").GetInt32());
        Assert.Equal("anonymous/0190a8e2-7c1a-7abc-8def-0123456789ab", document.GetProperty("input").GetProperty("key").GetString());
        Assert.Equal("2026-11-22T10:30:00+00:00", document.GetProperty("submittedAt").GetString());
        Assert.True(document.TryGetProperty("traceparent", out _));
    }

    [Fact]
    public void Result_round_trips_with_labels_model_and_timings()
    {
        var result = new RecognitionResult
        {
            Id = Job.Id,
            Owner = Job.Owner,
            Status = JobStatus.Succeeded,
            Labels = [new LabelScore(15, "robin", 0.98f), new LabelScore(10, "brambling", 0.01f)],
            Model = new ModelInfo("mobilenetv2-12-int8", new string('a', 64)),
            Timings = new JobTimings(12.5, 3.25, 4.75),
        };
        var json = ContractSerializer.Serialize(result);
        var parsed = ContractSerializer.ParseResult(json);
        Assert.Equal(result.Labels, parsed.Labels);
        Assert.Equal(result.Model, parsed.Model);
        Assert.Equal(result.Timings, parsed.Timings);

        var document = JsonDocument.Parse(json).RootElement;
        Assert.Equal("succeeded", document.GetProperty("status").GetString());
        Assert.Equal("robin", document.GetProperty("labels")[0].GetProperty("label").GetString());
        Assert.False(document.TryGetProperty("error", out _), "null members are left out");
    }

    [Theory]
    [InlineData("""{"v":2,"id":"x","owner":"o","input":{"bucket":"b","key":"k"},"submittedAt":"2026-01-01T00:00:00Z"}""", "unsupported job version 2")]
    [InlineData("""{"v":1,"owner":"o","input":{"bucket":"b","key":"k"},"submittedAt":"2026-01-01T00:00:00Z"}""", "id")]
    [InlineData("not json", "")]
    [InlineData("null", "null")]
    public void Unreadable_jobs_are_refused_with_a_reason(string json, string reason)
    {
        var error = Assert.ThrowsAny<JsonException>(() => ContractSerializer.ParseJob(json));
        Assert.Contains(reason, error.Message);
    }
}
