using BenchmarkDotNet.Running;
using ImageRec.Benchmarks;

// BenchmarkDotNet's default toolchain generates and builds a child project in another folder for every
// run (minutes on a 2-core machine, and the native libraries and ../shared paths would have to follow it).
// The benches run in this process instead; pass --outOfProcess to get the default toolchain back (the
// repository root then reaches the child through IMAGEREC_REPO_ROOT, which children inherit).
var outOfProcess = args.Contains("--outOfProcess");
args = args.Where(a => a != "--outOfProcess").ToArray();
if (!outOfProcess && !args.Contains("--inProcess") && !args.Contains("-i"))
    args = [.. args, "--inProcess"];

Environment.SetEnvironmentVariable(BenchPaths.RepoRootVariable, BenchPaths.RepoRoot);
BenchmarkSwitcher.FromAssembly(typeof(BenchPaths).Assembly).Run(args);
