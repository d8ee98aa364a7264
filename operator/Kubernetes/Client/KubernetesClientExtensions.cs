namespace ImageRec.Operator.Kubernetes;

public static class KubernetesClientExtensions
{
    /// <summary>
    /// Read, mutate, write the status subresource, and on a 409 (someone wrote in between) read again and
    /// retry, at most <paramref name="maxAttempts"/> times. Returns null when the object is gone.
    /// <paramref name="mutate"/> gets a fresh copy each time and must keep its metadata.resourceVersion.
    /// </summary>
    public static async Task<T?> UpdateStatusWithRetryAsync<T>(
        this IKubernetesClient client,
        KubernetesResource<T> resource,
        string? @namespace,
        string name,
        Func<T, T> mutate,
        int maxAttempts = 5,
        CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        for (var attempt = 1; ; attempt++)
        {
            var current = await client.GetAsync(resource, @namespace, name, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                return null;
            }

            try
            {
                return await client.ReplaceStatusAsync(resource, @namespace, name, mutate(current), cancellationToken).ConfigureAwait(false);
            }
            catch (ConflictException) when (attempt < maxAttempts)
            {
                // Lost the optimistic-concurrency race: read the new version and apply the change again.
            }
            catch (KubernetesApiException e) when (e.IsNotFound)
            {
                return null;
            }
        }
    }
}
