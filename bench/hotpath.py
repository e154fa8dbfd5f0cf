"""Profile one client's create -> keepalive -> close loop against the benchmark server.

    python bench/hotpath.py [--client binance_spot] [--calls 30000] [--top 40]

Prints cProfile's functions sorted by own time, in microseconds per call of the API,
so the output reads directly as "what each call costs where". Runs in this process
(use the interpreter that has the client installed).
"""

import argparse
import cProfile
import pstats
import sys
import time

from clients import CALLS_PER_CYCLE, CLIENTS
from environments import REPO
from server import Server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--client", default="binance_spot", choices=sorted(CLIENTS))
    parser.add_argument("--calls", type=int, default=30000)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--no-nginx", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))  # binance_spot from this checkout, as the benchmark uses it
    server = Server(use_nginx=not args.no_nginx)
    try:
        cycle = CLIENTS[args.client][0](server.url)
        cycles = max(1, args.calls // CALLS_PER_CYCLE)
        for _ in range(100):
            cycle()
        start = time.perf_counter()
        for _ in range(cycles):
            cycle()
        plain = time.perf_counter() - start
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(cycles):
            cycle()
        profiler.disable()
    finally:
        server.stop()
    calls = cycles * CALLS_PER_CYCLE
    print(f"{args.client}: {plain / calls * 1e6:.1f} us per call unprofiled ({server.kind} server)")
    stats = pstats.Stats(profiler)
    rows = sorted(stats.stats.items(), key=lambda item: -item[1][2])  # type: ignore[attr-defined]
    print(f"{'own us/call':>11} {'cum us/call':>11} {'n/call':>7}  function")
    for (path, line, name), (_, ncalls, own, cumulative, _) in rows[: args.top]:
        where = f"{'/'.join(path.rsplit('/', 2)[-2:])}:{line}" if line else path
        print(f"{own / calls * 1e6:11.2f} {cumulative / calls * 1e6:11.2f} {ncalls / calls:7.2f}  {name} ({where})")


if __name__ == "__main__":
    main()
