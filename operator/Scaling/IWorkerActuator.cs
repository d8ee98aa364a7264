namespace ImageRec.Operator.Scaling;

/// <summary>
/// What turns a desired worker count into running workers: the worker Deployment in a cluster, or
/// local worker processes in <c>--local</c> mode. The autoscaler is the same for both.
/// </summary>
public interface IWorkerActuator
{
    Task<WorkerFleet> ObserveAsync(CancellationToken cancellationToken);

    /// <summary>Sets the number of workers. Scale-in must prefer idle workers and let busy ones finish.</summary>
    Task ScaleAsync(int replicas, CancellationToken cancellationToken);
}
