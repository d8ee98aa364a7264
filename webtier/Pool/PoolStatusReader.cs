using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace ImageRec.WebTier.Pool;

/// <summary>Reads the pool's status from the operator's status URL (<see cref="PoolOptions.StatusUrl"/>).</summary>
public sealed class PoolStatusReader(HttpClient http, IOptions<PoolOptions> options, ILogger<PoolStatusReader> logger)
{
    /// <summary>Why the status could not be read: a stable reason and a sentence for people.</summary>
    public sealed record Failure(string Reason, string Detail);

    public async Task<(PoolStatus? Status, Failure? Failure)> ReadAsync(CancellationToken cancellationToken)
    {
        if (options.Value.StatusUrl is not { } url)
            return (null, new Failure("pool-status-not-configured", $"The web tier has no {PoolOptions.Section}:StatusUrl to read the pool's status from."));

        try
        {
            // GetAsync reads the whole body, so HttpClient.Timeout (PoolOptions.Timeout) bounds all of it.
            using var response = await http.GetAsync(url, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
                return Failed("pool-not-found", $"The operator at {url} has no such pool (yet).");
            if (!response.IsSuccessStatusCode)
                return Failed("pool-status-unavailable", $"The operator at {url} answered {(int)response.StatusCode}.");
            var document = await JsonNode.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            return document is JsonObject pool
                ? (PoolStatus.FromRecognitionPool(pool), null)
                : Failed("pool-status-unavailable", $"The operator at {url} answered something other than a RecognitionPool.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed("pool-status-unavailable", $"The operator at {url} did not answer within {options.Value.Timeout.TotalSeconds:0.#} s.");
        }
        catch (Exception e) when (e is HttpRequestException or JsonException)
        {
            return Failed("pool-status-unavailable", $"The operator at {url} could not be read: {e.Message}");
        }
    }

    private (PoolStatus?, Failure?) Failed(string reason, string detail)
    {
        logger.LogWarning("Pool status unavailable ({Reason}): {Detail}", reason, detail);
        return (null, new Failure(reason, detail));
    }
}
