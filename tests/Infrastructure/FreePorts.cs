using System.Net;
using System.Net.Sockets;

namespace ImageRec.Tests.Infrastructure;

/// <summary>Loopback ports nobody listens on right now, for processes the tests start.</summary>
public static class FreePorts
{
    public static int One()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// The first of <paramref name="count"/> consecutive free ports, below the kernel's range for outgoing connections'
    /// local ports: the workers bind theirs seconds later (and again after a restart), and a port in that range can be
    /// taken meanwhile by any connection on the machine (a worker once crash-looped on "address already in use").
    /// </summary>
    public static int Range(int count)
    {
        var below = FirstEphemeralPort();
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var first = Random.Shared.Next(10_000, below - count);
            if (Enumerable.Range(first, count).All(IsFree)) return first;
        }
        throw new InvalidOperationException($"no {count} consecutive free loopback ports found");
    }

    /// <summary>Linux's <c>ip_local_port_range</c> start (32768 by default); elsewhere the IANA dynamic range's (49152).</summary>
    private static int FirstEphemeralPort()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        return File.Exists(range) && int.TryParse(File.ReadAllText(range).Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0], out var first)
            ? Math.Max(first, 12_000)
            : 49_152;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
