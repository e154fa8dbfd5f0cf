"""Benchmark binance_spot against raw urllib3, raw http.client, a generated client and peers.

    python bench/run.py [--quick] [--peers] [--rounds N] [--calls N]

Starts a local server (nginx if installed, else asyncio) in its own process and one
process per client; runs create -> keepalive -> close cycles in interleaved rounds;
prints a Markdown table (medians, per-round ratios to raw urllib3 with min-max), writes
docs/benchmarks.png when matplotlib is installed, and ends with binance_spot's median
per-call ratio to raw urllib3.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

from clients import CALLS_PER_CYCLE, CLIENTS
from environments import REPO, Runtime, generate_client, local_runtime, peer_runtime, workdir
from measure import Worker, import_times, peak_rss, ratios, rounds
from report import Row, chart, machine, table
from server import Server
from worker import WARMUP_CYCLES

REFERENCE = "raw urllib3"
SUBJECT = "binance_spot"
RSS_CALLS = 1000


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and calls: under a minute")
    parser.add_argument("--peers", action="store_true", help="also binance-connector and python-binance (PyPI)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 15, quick 5)")
    parser.add_argument("--calls", type=int, help="calls per client per round (default 3000, quick 900)")
    parser.add_argument("--import-runs", type=int, help="fresh processes per import timing (default 30, quick 10)")
    parser.add_argument("--no-nginx", action="store_true", help="use the asyncio server even if nginx is installed")
    parser.add_argument("--chart", type=Path, default=REPO / "docs" / "benchmarks.png", help="where the PNG goes")
    parser.add_argument("--no-chart", action="store_true", help="do not write the chart")
    args = parser.parse_args()
    args.rounds = args.rounds or (5 if args.quick else 15)
    args.calls = args.calls or (900 if args.quick else 3000)
    args.import_runs = args.import_runs or (10 if args.quick else 30)
    return args


def _runtimes(args: argparse.Namespace, tmp: Path, notes: list[str]) -> dict[str, Runtime]:
    """The clients that can run here, each with its interpreter; notes say what was skipped."""
    runtimes = {name: local_runtime() for name in ("raw http.client", REFERENCE, SUBJECT)}
    generated, note = generate_client(tmp)
    notes.append(note)
    if generated is not None:
        runtimes["openapi-generator python"] = local_runtime(generated)
    if args.peers:
        for name in ("binance-connector", "python-binance"):
            runtime, note = peer_runtime(CLIENTS[name][2][0])
            notes.append(note)
            if runtime is not None:
                runtimes[name] = runtime
    return runtimes


def main() -> None:
    args = _arguments()
    started = time.perf_counter()
    cycles = max(1, args.calls // CALLS_PER_CYCLE)
    notes: list[str] = []
    with workdir() as tmp:
        runtimes = _runtimes(args, Path(tmp), notes)
        server = Server(use_nginx=not args.no_nginx)
        try:
            workers = []
            for name, runtime in runtimes.items():
                try:
                    workers.append(Worker(name, runtime, server.url))
                except RuntimeError as exc:
                    notes.append(f"{name} skipped: {exc}")
            print(f"server: {server.kind} at {server.url}; {args.rounds} rounds x {cycles * CALLS_PER_CYCLE} calls")
            print("clients: " + ", ".join(w.name for w in workers), flush=True)
            measured_at = time.perf_counter()
            samples = rounds(workers, args.rounds, cycles)
            rounds_seconds = time.perf_counter() - measured_at
            for worker in workers:
                worker.close()
            names = [w.name for w in workers]
            print(f"rounds done in {rounds_seconds:.1f} s; timing imports and peak RSS ...", flush=True)
            modules = {n: (runtimes[n], CLIENTS[n][1]) for n in names if n != "raw http.client"}
            imports = import_times(modules, args.import_runs)
            rss = {n: peak_rss(n, runtimes[n], server.url, RSS_CALLS, 1 if args.quick else 3) for n in names}
        finally:
            server_cpu, served = server.stop()
    wall_ratio = ratios(samples, REFERENCE, "wall")
    cpu_ratio = ratios(samples, REFERENCE, "cpu")
    rows = [
        Row(
            name=name,
            wall_us=statistics.median(samples[name].wall) * 1e6,
            cpu_us=statistics.median(samples[name].cpu) * 1e6,
            wall_ratio=wall_ratio[name],
            cpu_ratio=cpu_ratio[name],
            import_ms=imports[name] * 1e3 if name in imports else None,
            import_ratio=imports[name] / imports[REFERENCE] if name in imports and imports[REFERENCE] else None,
            rss_mib=rss.get(name),
        )
        for name in names
    ]
    print()
    print("\n".join(machine()))
    for note in notes:
        print(f"- {note}")
    issued = sum(len(samples[n].wall) * cycles + WARMUP_CYCLES for n in names) * CALLS_PER_CYCLE
    issued += len(rss) * (1 if args.quick else 3) * -(-RSS_CALLS // CALLS_PER_CYCLE) * CALLS_PER_CYCLE
    served = served or issued
    if served:
        print(f"- server ({server.kind}): {server_cpu / served * 1e6:.1f} us CPU per request over {served} requests")
    elif server_cpu:
        print(f"- server ({server.kind}): {server_cpu:.2f} s CPU in all")
    print()
    print("\n".join(table(rows)))
    print()
    subtitle = f"{server.kind} server, {args.rounds} rounds x {cycles * CALLS_PER_CYCLE} calls per client"
    if not args.no_chart:
        print(chart(rows, args.chart, subtitle))
    reference_rss = rss[REFERENCE]
    print(f"peak RSS binance_spot - raw urllib3: {rss[SUBJECT] - reference_rss:+.2f} MiB")
    print(f"finished in {time.perf_counter() - started:.0f} s")
    print(f"binance_spot/urllib3 per call: {statistics.median(wall_ratio[SUBJECT]):.2f}x")


if __name__ == "__main__":
    sys.exit(main())
