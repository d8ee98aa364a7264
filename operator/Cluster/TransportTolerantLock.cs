using System.Net;
using k8s.Autorest;
using k8s.LeaderElection;

namespace ImageRec.Operator.Cluster;

/// <summary>
/// Wraps the leader-election lock (<see cref="k8s.LeaderElection.ResourceLock.LeaseLock"/>) so that a request that
/// never got an answer — a refused or reset connection, a timeout — counts as one failed attempt, as an HTTP error
/// already does. Why: the library's <see cref="LeaderElector"/> retries a failed renewal until the renew deadline
/// (client-go's behaviour) only when the lock reports it as failed; an exception escaping the lock ends the term at
/// once while leading, and ends <c>RunAsync</c> while acquiring. So without this, one connection reset makes the
/// leader step down and restart every autoscaler. What would replace it: the elector treating transport errors
/// like HTTP errors itself.
/// </summary>
public sealed class TransportTolerantLock(ILock inner) : ILock
{
    public string Identity => inner.Identity;

    public string Describe() => inner.Describe();

    public async Task<LeaderElectionRecord> GetAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.GetAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnanswered(e, cancellationToken))
        {
            // The elector reads a GET that failed with anything but 404 as "try again after the retry period".
            throw new HttpOperationException($"Reading the lease failed: {e.Message}", e)
            {
                Response = new HttpResponseMessageWrapper(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable), e.Message),
            };
        }
    }

    public async Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.CreateAsync(record, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnanswered(e, cancellationToken))
        {
            return false;
        }
    }

    public async Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.UpdateAsync(record, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnanswered(e, cancellationToken))
        {
            return false;
        }
    }

    /// <summary>No answer came: the connection failed or the client gave up waiting (not the caller cancelling).</summary>
    private static bool IsUnanswered(Exception e, CancellationToken cancellationToken) => e switch
    {
        HttpRequestException or IOException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };
}
