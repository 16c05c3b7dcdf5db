#!/bin/sh
# targets/lab/run.sh CMD [ARG...]: run CMD inside the lab, a private network namespace that has
# only loopback (nothing can leave the machine) with /etc/resolv.conf naming 127.0.0.1 (a DNS
# stub of the suite, or nothing: queries then fail at once on loopback), and a private PID
# namespace whose first process is CMD: when CMD ends, the kernel ends every process it
# started (servers included), so nothing is left running. Nothing global changes. Needs root.
set -e
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" != 0 ]; then
  echo "the lab needs root (network and mount namespaces): run as root, or point the suite at your own server with --config" >&2
  exit 2
fi
exec unshare --net --mount --propagation private --pid --fork --kill-child --mount-proc \
  sh -c 'ip link set lo up && mount --bind "$0/resolv.conf" /etc/resolv.conf && exec "$@"' "$here" "$@"
