using ImageRec.Operator.Entities;
using k8s;

namespace ImageRec.Operator.Cluster;

/// <summary>The RecognitionPool calls the operator makes, through the Kubernetes client's custom-objects API.</summary>
public static class RecognitionPoolApi
{
    /// <summary>GET one pool; null when it does not exist.</summary>
    public static async Task<RecognitionPool?> GetPoolAsync(this IKubernetes client, string @namespace, string name, CancellationToken cancellationToken = default)
    {
        try
        {
            return await client.CustomObjects.GetNamespacedCustomObjectAsync<RecognitionPool>(
                RecognitionPool.Group, RecognitionPool.Version, @namespace, RecognitionPool.Plural, name, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e.IsNotFound())
        {
            return null;
        }
    }

    /// <summary>
    /// Read, mutate, write the status subresource, and on a 409 (someone wrote in between) read again and
    /// retry, at most <paramref name="maxAttempts"/> times. Returns null when the pool is gone.
    /// <paramref name="mutate"/> gets a fresh copy each time; its metadata.resourceVersion makes the write conditional.
    /// </summary>
    public static async Task<RecognitionPool?> UpdatePoolStatusWithRetryAsync(
        this IKubernetes client, string @namespace, string name, Action<RecognitionPool> mutate, int maxAttempts = 5,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        for (var attempt = 1; ; attempt++)
        {
            var current = await client.GetPoolAsync(@namespace, name, cancellationToken).ConfigureAwait(false);
            if (current is null) return null;
            mutate(current);
            try
            {
                return await client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync<RecognitionPool>(current,
                    RecognitionPool.Group, RecognitionPool.Version, @namespace, RecognitionPool.Plural, name,
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e.IsConflict() && attempt < maxAttempts)
            {
                // Lost the optimistic-concurrency race: read the new version and apply the change again.
            }
            catch (Exception e) when (e.IsNotFound())
            {
                return null;
            }
        }
    }
}
