#!/usr/bin/env bash
# Interleaved runs of bench/io/loopback-io.c: plain system calls and io_uring, each beside `iperf3 -l 1M -n 1G` run in the same round when iperf3 is
# installed; prints the median GB/s of each and its ratio to plain system calls.
#   bench/io/compare.sh [ROUNDS]     (default 7; needs cc and liburing-dev)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
ROUNDS="${1:-7}"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
cc -O2 -Wall -Wextra -o "$OUT/loopback-io" loopback-io.c -luring
for ((i = 1; i <= ROUNDS; i++)); do
  if command -v iperf3 >/dev/null; then
    port=$((15201 + RANDOM % 2000))
    iperf3 -s -1 -p "$port" >/dev/null 2>&1 &
    sleep 0.3
    iperf3 -c 127.0.0.1 -p "$port" -l 1M -n 1G -f m | awk '/receiver/ { printf "iperf3 %.2f\n", $7 / 8000 }' >>"$OUT/runs"
    wait || true
  fi
  "$OUT/loopback-io" sys | awk '{ print "sys", $(NF-1) }' >>"$OUT/runs"
  "$OUT/loopback-io" uring | awk '{ print "io_uring", $(NF-1) }' >>"$OUT/runs"
  echo "round $i/$ROUNDS" >&2
done
sort -k1,1 -s "$OUT/runs" | awk '
  { v[$1] = v[$1] " " $2; n[$1]++ }
  END {
    for (k in v) {
      m = split(substr(v[k], 2), a, " ")
      for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      med[k] = (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
    }
    for (k in med) printf "%-18s %.2f GB/s  (%.2fx sys)\n", k, med[k], med[k] / med["sys"]
  }' | sort
