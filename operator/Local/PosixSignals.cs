using System.Runtime.InteropServices;

namespace ImageRec.Operator.Local;

/// <summary>SIGTERM for worker processes: the graceful stop a kubelet gives a pod (Process.Kill only sends SIGKILL).</summary>
internal static partial class PosixSignals
{
    private const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    public static void Terminate(int pid) => _ = Kill(pid, SigTerm);
}
