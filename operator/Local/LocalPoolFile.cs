using System.Text.Json;
using ImageRec.Operator.Entities;
using ImageRec.Operator.Yaml;

namespace ImageRec.Operator.Local;

/// <summary>Reads a RecognitionPool manifest (YAML or JSON) the way <c>kubectl apply -f</c> would take it.</summary>
public static class LocalPoolFile
{
    public static RecognitionPool Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Pool file {path} does not exist.", path);
        var json = YamlJson.ToJson(File.ReadAllText(path)) ?? throw new FormatException($"{path} is empty.");
        var pool = json.Deserialize(EntityJson.Default.RecognitionPool) ?? throw new FormatException($"{path} is not a RecognitionPool.");
        if (pool.Kind != RecognitionPool.KindValue || pool.ApiVersion != RecognitionPool.ApiVersionValue)
            throw new FormatException($"{path} holds {pool.ApiVersion}/{pool.Kind}, not {RecognitionPool.ApiVersionValue}/{RecognitionPool.KindValue}.");
        if (string.IsNullOrWhiteSpace(pool.Name)) throw new FormatException($"{path}: metadata.name is required.");
        if (pool.Spec.Scaling.MinReplicas > pool.Spec.Scaling.MaxReplicas)
            throw new FormatException($"{path}: minReplicas must not exceed maxReplicas.");
        GoDuration.Parse(pool.Spec.Scaling.PollInterval);
        GoDuration.Parse(pool.Spec.Scaling.ScaleDownStabilization);
        return pool;
    }
}
