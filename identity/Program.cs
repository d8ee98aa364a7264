using ImageRec.LocalIdentity;

// `imagerec-identity`: the local OpenID provider of `make run` (eng/run-local.sh configures its client).
var builder = WebApplication.CreateSlimBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls("http://127.0.0.1:8082");
await LocalIdentityProvider.Build(builder).RunAsync();
