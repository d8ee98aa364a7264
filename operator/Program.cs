// Skeleton: the RecognitionPool reconciler arrives with its own issue. Until then the operator
// serves its health endpoints so the chart and `make run` can already wire it up.
var builder = WebApplication.CreateSlimBuilder(args);
var app = builder.Build();
app.MapGet("/healthz", () => TypedResults.Text("ok"));
app.MapGet("/readyz", () => TypedResults.Text("ok"));
app.Run();
