using ImageRec.Common.Aws;
using ImageRec.Common.Configuration;
using ImageRec.Common.Observability;
using ImageRec.Operator.Cluster;
using ImageRec.Operator.Crds;
using ImageRec.Operator.Entities;
using ImageRec.Operator.Local;
using ImageRec.Operator.Observability;
using ImageRec.Operator.Scaling;
using ImageRec.Operator.Status;
using k8s;

// `imagerec-operator crds <dir>` writes the CRDs generated from the C# entity types (make crds).
if (args.Length > 0 && args[0] == "crds")
{
    var directory = args.Length > 1 ? args[1] : "crds";
    Directory.CreateDirectory(directory);
    var path = Path.Combine(directory, "recognitionpools.imagerec.io.yaml");
    await File.WriteAllTextAsync(path, CrdGenerator.GenerateYaml(typeof(RecognitionPool)));
    Console.WriteLine($"wrote {path}");
    return 0;
}

// `imagerec-operator [--leader-elect]` reconciles RecognitionPools in the cluster;
// `imagerec-operator --local pool.yaml [--Local:WorkerExecutable=...]` runs one pool with local worker processes.
var localPool = args.SkipWhile(a => a != "--local").Skip(1).FirstOrDefault();
var builder = WebApplication.CreateSlimBuilder(ServiceHostOptions.For(args.Where(a => a != "--local" && a != localPool && a != "--leader-elect").ToArray()));
builder.Services.AddImageRecAws(builder.Configuration);
builder.Services.AddHttpClient();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<OperatorMetrics>();
builder.Services.AddSingleton<IQueueDepthReader, SqsQueueDepthReader>();
builder.Services.AddImageRecObservability();
builder.Services.AddImageRecTracing(builder.Configuration, "imagerec-operator");

if (localPool is null)
{
    // Cluster mode: the pod's service account when in a cluster, else the kubeconfig (KUBECONFIG, ~/.kube/config),
    // exec credential plugins such as `aws eks get-token` included.
    builder.Services.Configure<OperatorOptions>(builder.Configuration.GetSection(OperatorOptions.Section));
    if (args.Contains("--leader-elect")) builder.Services.PostConfigure<OperatorOptions>(o => o.LeaderElection = true);
    var kubernetes = KubernetesClientConfiguration.IsInCluster()
        ? KubernetesClientConfiguration.InClusterConfig()
        : KubernetesClientConfiguration.BuildDefaultConfig();
    builder.Services.AddSingleton<IKubernetes>(_ => new Kubernetes(kubernetes));
    // The Lease lives in the pod's own namespace, else the kubeconfig context's.
    builder.Services.PostConfigure<OperatorOptions>(o =>
        o.LeaseNamespace ??= Environment.GetEnvironmentVariable("POD_NAMESPACE") ?? kubernetes.Namespace ?? "default");
    builder.Services.AddSingleton(sp => new EventRecorder(sp.GetRequiredService<IKubernetes>(),
        Environment.GetEnvironmentVariable("POD_NAME") ?? Environment.MachineName, sp.GetRequiredService<TimeProvider>(),
        sp.GetRequiredService<ILogger<EventRecorder>>()));
    builder.Services.AddSingleton<RecognitionPoolController>();
    builder.Services.AddSingleton<OperatorHost>();
    builder.Services.AddHostedService(sp => sp.GetRequiredService<OperatorHost>());
    builder.Services.AddHealthChecks().AddCheck<OperatorHost>("controller", tags: [ObservabilityEndpoints.ReadyTag]);
    builder.Services.AddSingleton<PoolStatusCache>();
    builder.Services.AddSingleton<IPoolStatusSource>(sp => sp.GetRequiredService<PoolStatusCache>());
    builder.Services.AddHostedService(sp => sp.GetRequiredService<PoolStatusCache>());

    var cluster = builder.Build();
    cluster.MapImageRecObservability();
    cluster.MapPoolStatus();
    await cluster.RunAsync();
    return 0;
}

builder.Services.Configure<LocalModeOptions>(builder.Configuration.GetSection(LocalModeOptions.Section));
builder.Services.PostConfigure<LocalModeOptions>(o => o.PoolFile = localPool);
builder.Services.AddSingleton<LocalPoolReporter>();
builder.Services.AddSingleton<LocalPoolHost>();
builder.Services.AddSingleton<IPoolStatusSource>(sp => sp.GetRequiredService<LocalPoolHost>());
builder.Services.AddHostedService(sp => sp.GetRequiredService<LocalPoolHost>());
builder.Services.AddHealthChecks().AddCheck<LocalPoolHost>("pool", tags: [ObservabilityEndpoints.ReadyTag]);
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, EntityJson.Default));

var app = builder.Build();
app.MapImageRecObservability();
app.MapPoolStatus();
await app.RunAsync();
return 0;
