using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageRec.Operator.Kubernetes;

/// <summary>
/// Runs a client-go exec credential plugin (aws eks get-token, gke-gcloud-auth-plugin, kubelogin…) and
/// caches what it prints until its expirationTimestamp or until the server answers 401
/// (https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins).
/// </summary>
public sealed class ExecCredentialSource : IKubernetesCredentialSource
{
    private readonly ExecPluginConfig _config;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private KubernetesCredentials? _cached;

    public ExecCredentialSource(ExecPluginConfig config, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        if (config.ApiVersion is not ("client.authentication.k8s.io/v1" or "client.authentication.k8s.io/v1beta1"))
        {
            throw new NotSupportedException($"Exec plugin apiVersion '{config.ApiVersion}' is not supported (v1 or v1beta1).");
        }

        _config = config;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>How many times the plugin ran (for diagnostics and tests).</summary>
    public int Executions { get; private set; }

    /// <summary>The client certificate of the last credentials, for the TLS handshake's certificate selection.</summary>
    public X509Certificate2? CurrentClientCertificate => Volatile.Read(ref _cached)?.ClientCertificate;

    public async ValueTask<KubernetesCredentials> GetCredentialsAsync(CancellationToken cancellationToken)
    {
        if (Fresh(Volatile.Read(ref _cached)) is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another caller may have refreshed while this one waited.
            if (Fresh(_cached) is { } refreshed)
            {
                return refreshed;
            }

            var credentials = await ExecuteAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _cached, credentials);
            return credentials;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Invalidate() => Volatile.Write(ref _cached, null);

    private KubernetesCredentials? Fresh(KubernetesCredentials? credentials) =>
        credentials is not null && (credentials.ExpiresAt is not { } expiry || _timeProvider.GetUtcNow() < expiry) ? credentials : null;

    private async Task<KubernetesCredentials> ExecuteAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(_config.Command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in _config.Args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in _config.Env)
        {
            start.Environment[name] = value;
        }

        // The plugin learns which API version we speak and that nobody can answer a prompt.
        start.Environment["KUBERNETES_EXEC_INFO"] =
            $"{{\"apiVersion\":\"{_config.ApiVersion}\",\"kind\":\"ExecCredential\",\"spec\":{{\"interactive\":false}}}}";

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{_config.Command}'.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Exec credential plugin '{_config.Command}' could not be started. {_config.InstallHint}".TrimEnd(), e);
        }

        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            var output = await stdout.ConfigureAwait(false);
            var errors = await stderr.ConfigureAwait(false);
            Executions++;
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"Exec credential plugin '{_config.Command}' exited with {process.ExitCode}: {errors.Trim()}");
            }

            var credential = Parse(output);
            _logger.LogDebug("Exec credential plugin {Command} returned credentials expiring at {Expiry}", _config.Command, credential.ExpiresAt);
            return credential;
        }
    }

    private KubernetesCredentials Parse(string output)
    {
        ExecCredential? credential;
        try
        {
            credential = JsonSerializer.Deserialize(output, KubernetesJsonContext.Default.ExecCredential);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"Exec credential plugin '{_config.Command}' did not print an ExecCredential.", e);
        }

        if (credential?.Kind != "ExecCredential" || credential.ApiVersion != _config.ApiVersion)
        {
            throw new InvalidOperationException(
                $"Exec credential plugin '{_config.Command}' printed kind '{credential?.Kind}' apiVersion '{credential?.ApiVersion}', expected ExecCredential {_config.ApiVersion}.");
        }

        var status = credential.Status ?? throw new InvalidOperationException($"Exec credential plugin '{_config.Command}' printed no status.");
        X509Certificate2? certificate = null;
        if (!string.IsNullOrEmpty(status.ClientCertificateData) || !string.IsNullOrEmpty(status.ClientKeyData))
        {
            if (string.IsNullOrEmpty(status.ClientCertificateData) || string.IsNullOrEmpty(status.ClientKeyData))
            {
                throw new InvalidOperationException($"Exec credential plugin '{_config.Command}' must print both clientCertificateData and clientKeyData.");
            }

            certificate = PemCertificates.LoadClientCertificate(status.ClientCertificateData, status.ClientKeyData);
        }

        if (string.IsNullOrEmpty(status.Token) && certificate is null)
        {
            throw new InvalidOperationException($"Exec credential plugin '{_config.Command}' printed neither a token nor a client certificate.");
        }

        return new KubernetesCredentials(string.IsNullOrEmpty(status.Token) ? null : status.Token, certificate, status.ExpirationTimestamp);
    }
}
