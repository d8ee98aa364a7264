# Listening ports for a stack that a script starts on this machine (make load, make cost, bench-e2e): consecutive
# ports, free when picked, below the kernel's range for outgoing connections' local ports (ip_local_port_range), so
# no outgoing connection takes one between the pick and the service's bind (a worker then crash-loops on "address
# already in use" and the stack never gets ready). tests/Infrastructure/FreePorts.cs picks the tests' ports the same way.
# Usage: source eng/ports.sh; base=$(free_ports N) → the first of N consecutive free ports.
free_ports() {
  python3 - "$1" <<'PY' 2>/dev/null || echo $((10000 + RANDOM % 20000))
import random, socket, sys
count = int(sys.argv[1])
try:
    start = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
except OSError:
    start = 32768
for _ in range(200):
    base = random.randrange(10000, start - count)
    sockets = []
    try:
        for port in range(base, base + count):
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", port))
            sockets.append(s)
    except OSError:
        continue
    finally:
        for s in sockets:
            s.close()
    print(base)
    sys.exit(0)
sys.exit(1)
PY
}
