#!/bin/sh
# targets/lab/run.sh CMD [ARG...]: run CMD inside the lab, a private network namespace that has
# only loopback (nothing can leave the machine) with /etc/resolv.conf naming 127.0.0.1 (a DNS
# stub of the suite, or nothing: queries then fail at once on loopback), and a private PID
# namespace whose first process is CMD: when CMD ends, the kernel ends every process it
# started (servers included), so nothing is left running. Nothing global changes. Needs root.
#
# The lab's loopback acknowledges every segment at once (the routes' quickack attribute): with
# delayed acknowledgements, a server that keeps Nagle's algorithm on (Prosody's default) holds
# its first answer after a TLS 1.3 handshake until the peer's delayed ACK of its session ticket,
# 40 ms on Linux. That was 40 ms on nine in ten TLS connections of a run, 13 s of the 38 s of
# summed scenario time against the embedded Prosody, and no verdict depends on it. It changes
# when TCP acknowledges, in this namespace only; what each side sends, and when, is its own.
set -e
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" != 0 ]; then
  echo "the lab needs root (network and mount namespaces): run as root, or point the suite at your own server with --config" >&2
  exit 2
fi
exec unshare --net --mount --propagation private --pid --fork --kill-child --mount-proc \
  sh -c 'ip link set lo up &&
    for r in 127.0.0.0/8 127.0.0.1; do ip route replace local $r dev lo table local proto kernel scope host src 127.0.0.1 quickack 1; done &&
    mount --bind "$0/resolv.conf" /etc/resolv.conf && exec "$@"' "$here" "$@"
