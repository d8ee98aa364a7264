using ImageRec.Operator.Entities;

namespace ImageRec.Operator.Status;

/// <summary>Where <c>GET /status</c> reads pools from: the pool informer in a cluster, the one local pool in <c>--local</c> mode.</summary>
public interface IPoolStatusSource
{
    /// <summary>False until the pools were read once: an empty answer before that would claim there are none.</summary>
    bool HasSynced { get; }

    /// <summary>
    /// A local operator runs exactly one pool and answers it itself at <c>GET /status</c> (what <c>make run</c>'s
    /// web tier reads); a cluster operator answers the list there.
    /// </summary>
    RecognitionPool? OnlyPool => null;

    /// <summary>Every pool with its status, in namespace/name order.</summary>
    IReadOnlyList<RecognitionPool> List();

    RecognitionPool? Get(string @namespace, string name);
}
