using ImageRec.Operator.Crds;
using ImageRec.Operator.Entities;

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

// Skeleton: the reconciler arrives with the operator issue. Until then the operator serves its
// health endpoints so the chart and `make run` can already wire it up.
var builder = WebApplication.CreateSlimBuilder(args);
var app = builder.Build();
app.MapGet("/healthz", () => TypedResults.Text("ok"));
app.MapGet("/readyz", () => TypedResults.Text("ok"));
await app.RunAsync();
return 0;
