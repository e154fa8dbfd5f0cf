"""One measured client in its own process, driven over stdin/stdout by ``run.py``.

A process per client keeps each one's imports, heap and garbage collector to itself,
and lets the peers run from their own virtualenvs.

Protocol: prints ``READY`` once the client is built and warmed up; each ``RUN <cycles>``
line is answered with a JSON object of wall and CPU seconds for those cycles; ``QUIT``
(or end of input) exits. ``python bench/worker.py --rss NAME URL CALLS`` instead makes
CALLS calls in this fresh process and prints its peak RSS in KiB.
"""

import json
import sys
import time

# Run as a script, this file's folder is first on sys.path, so ``clients`` is found.
from clients import CALLS_PER_CYCLE, CLIENTS

WARMUP_CYCLES = 100


def serve(name: str, url: str) -> None:
    cycle = CLIENTS[name][0](url)
    for _ in range(WARMUP_CYCLES):
        cycle()
    print("READY", flush=True)
    perf, cpu = time.perf_counter, time.process_time
    for line in sys.stdin:
        command = line.split()
        if not command or command[0] == "QUIT":
            break
        cycles = int(command[1])
        wall0, cpu0 = perf(), cpu()
        for _ in range(cycles):
            cycle()
        wall1, cpu1 = perf(), cpu()
        print(json.dumps({"wall": wall1 - wall0, "cpu": cpu1 - cpu0}), flush=True)


def peak_rss(name: str, url: str, calls: int) -> None:
    import resource

    cycle = CLIENTS[name][0](url)
    for _ in range(-(-calls // CALLS_PER_CYCLE)):
        cycle()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(peak // 1024 if sys.platform == "darwin" else peak)  # macOS counts bytes, Linux KiB


if __name__ == "__main__":
    if sys.argv[1] == "--rss":
        peak_rss(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        serve(sys.argv[1], sys.argv[2])
