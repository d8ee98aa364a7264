using ImageRec.LocalIdentity;

// `imagerec-identity`: the local OpenID provider of `make run` (eng/run-local.sh configures its client).
// Its appsettings.json lies beside the binary, and `make run` starts it from the repository root.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls("http://127.0.0.1:8082");
await LocalIdentityProvider.Build(builder).RunAsync();
