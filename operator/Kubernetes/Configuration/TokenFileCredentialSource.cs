namespace ImageRec.Operator.Kubernetes;

/// <summary>
/// A bearer token read from a file: the service-account token in a pod, or a kubeconfig <c>tokenFile</c>.
/// Projected service-account tokens are rotated by the kubelet (about hourly), so, like client-go, the file
/// is read again when it changed, at least once a minute, and after a 401
/// (https://kubernetes.io/docs/concepts/security/service-accounts/#bound-service-account-tokens).
/// </summary>
public sealed class TokenFileCredentialSource : IKubernetesCredentialSource
{
    private static readonly TimeSpan RereadInterval = TimeSpan.FromMinutes(1);

    private readonly string _path;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _lock = new();
    private KubernetesCredentials? _cached;
    private DateTimeOffset _readAt;
    private DateTime _fileWrittenAt;

    public TokenFileCredentialSource(string path, TimeProvider? timeProvider = null)
    {
        _path = path;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    public string Path => _path;

    public ValueTask<KubernetesCredentials> GetCredentialsAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var now = _timeProvider.GetUtcNow();
            // The kubelet swaps the file atomically (a symlinked ..data directory); stat follows the link.
            var writtenAt = File.GetLastWriteTimeUtc(_path);
            if (_cached is null || writtenAt != _fileWrittenAt || now - _readAt >= RereadInterval)
            {
                var token = File.ReadAllText(_path).Trim();
                if (token.Length == 0)
                {
                    throw new InvalidOperationException($"The token file {_path} is empty.");
                }

                _cached = new KubernetesCredentials(token);
                _readAt = now;
                _fileWrittenAt = writtenAt;
            }

            return ValueTask.FromResult(_cached);
        }
    }

    public void Invalidate()
    {
        lock (_lock)
        {
            _cached = null;
        }
    }
}
