"""Run every benchmark in turn (`make bench`); each prints its own figures and ratios."""

from __future__ import annotations

import subprocess
import sys

BENCHES = [
    ["bench.bench_feed"],
    ["bench.bench_servers"],
    ["bench.bench_signatures"],
    ["bench.bench_delivery"],
    ["bench.bench_calls"],
    ["bench.bench_places"],
]

if __name__ == "__main__":
    failed = 0
    for bench in BENCHES:
        print(f"\n== {' '.join(bench)}", flush=True)
        failed |= subprocess.call([sys.executable, "-m", *bench]) != 0
    sys.exit(1 if failed else 0)
