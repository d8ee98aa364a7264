using Amazon.SQS;
using ImageRec.Common.Aws.Sqs;
using ImageRec.Common.Configuration;
using Microsoft.Extensions.Options;

namespace ImageRec.WebTier.Submission;

/// <summary>The request queue's URL, looked up once from its configured name (or taken as given when it is a URL).</summary>
public sealed class RequestQueue(IAmazonSQS sqs, IOptions<QueueOptions> options)
{
    private Task<string>? _url;

    public Task<string> UrlAsync(CancellationToken cancellationToken)
    {
        var url = _url ??= sqs.ResolveQueueUrlAsync(options.Value.RequestQueue, CancellationToken.None);
        // A failed lookup is not cached: the next request tries again.
        if (url.IsFaulted) _url = null;
        return url.WaitAsync(cancellationToken);
    }
}
