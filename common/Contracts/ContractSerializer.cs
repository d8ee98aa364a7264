using System.Text.Json;

namespace ImageRec.Common.Contracts;

/// <summary>Reads and writes the contracts, refusing versions this build does not understand.</summary>
public static class ContractSerializer
{
    public static RecognitionJob ParseJob(string json)
    {
        var job = JsonSerializer.Deserialize(json, ContractJson.Default.RecognitionJob)
            ?? throw new JsonException("job message is JSON null");
        if (job.V != RecognitionJob.CurrentVersion)
            throw new JsonException($"unsupported job version {job.V} (this build understands {RecognitionJob.CurrentVersion})");
        return job;
    }

    public static RecognitionResult ParseResult(string json)
    {
        var result = JsonSerializer.Deserialize(json, ContractJson.Default.RecognitionResult)
            ?? throw new JsonException("result document is JSON null");
        if (result.V != RecognitionResult.CurrentVersion)
            throw new JsonException($"unsupported result version {result.V} (this build understands {RecognitionResult.CurrentVersion})");
        return result;
    }

    public static string Serialize(RecognitionJob job) => JsonSerializer.Serialize(job, ContractJson.Default.RecognitionJob);

    public static string Serialize(RecognitionResult result) => JsonSerializer.Serialize(result, ContractJson.Default.RecognitionResult);
}
