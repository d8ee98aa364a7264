using System.Globalization;
using ImageRec.Operator.Entities;

namespace ImageRec.Operator.Workers;

/// <summary>
/// The configuration a pool gives its workers, as environment variables (<c>Section__Key</c>, see
/// the README's configuration table). Used for the worker Deployment and for local worker processes,
/// so both run workers configured the same way.
/// </summary>
public static class WorkerEnvironment
{
    public static IReadOnlyList<KeyValuePair<string, string>> For(RecognitionPool pool)
    {
        var spec = pool.Spec;
        var gpu = spec.Compute.Class == ComputeClass.Gpu;
        var variables = new List<KeyValuePair<string, string>>
        {
            new("Aws__Region", spec.Queue.Region),
            new("Queue__RequestQueue", spec.Queue.Url),
            new("Storage__InputBucket", spec.Storage.InputBucket),
            new("Storage__ResultBucket", spec.Storage.ResultBucket),
            new("Index__TableName", spec.Storage.IndexTable),
            new("Model__Uri", spec.Model.Uri),
            new("Model__LabelsUri", spec.Model.LabelsUri),
            new("Model__ExecutionProvider", gpu ? "cuda" : "cpu"),
            new("Model__RequireGpu", (gpu && spec.Compute.RequireGpu) ? "true" : "false"),
            new("Worker__MaxBatchSize", spec.Worker.BatchSize.ToString(CultureInfo.InvariantCulture)),
            // SQS hands out at most 10 messages per receive; larger batches gather several receives.
            new("Worker__MaxMessages", Math.Min(10, spec.Worker.BatchSize).ToString(CultureInfo.InvariantCulture)),
            new("Worker__BatchWaitMilliseconds", spec.Worker.BatchWaitMilliseconds.ToString(CultureInfo.InvariantCulture)),
        };
        if (!string.IsNullOrWhiteSpace(spec.Queue.Endpoint)) variables.Add(new("Aws__ServiceUrl", spec.Queue.Endpoint));
        if (!string.IsNullOrWhiteSpace(spec.Model.Sha256)) variables.Add(new("Model__Sha256", spec.Model.Sha256));
        return variables;
    }
}
