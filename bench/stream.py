"""Benchmark MarginUserDataStream against a raw websockets client on the same local server.

    python bench/stream.py [--quick] [--rounds N] [--events N] [--rate EPS] [--seconds S]

One process serves ``binance_spot.testing.BinanceServer`` and pushes executionReport events
on command; each client runs in a process of its own, so its CPU time (all threads) is its
own. Per round, in shuffled order, each client subscribes with a fresh token and receives
(1) a burst of ``--events`` events as fast as the server sends them (events/s, CPU per
event) and (2) ``--seconds`` of events paced at ``--rate`` (latency from the server's push to
the consumer holding the event, on the system-wide monotonic clock). The raw client is
``websockets.sync`` ``recv()`` plus ``json.loads``, reading the same field as the stream's
consumer. Prints a Markdown table of medians over the rounds and the two ratios, each taken
per round (both clients in the same round) as median (min-max) over the rounds.
"""

import argparse
import json
import multiprocessing as mp
import random
import statistics
import time
from multiprocessing.connection import Connection
from typing import Any

REPORT = {"e": "executionReport", "E": 0, "s": "BNBUSDT", "c": "web_b4a2f07bc1d046c79d0ffd8f4cf4e1f6", "S": "BUY",
          "o": "LIMIT", "f": "GTC", "q": "0.10000000", "p": "612.10000000", "P": "0.00000000", "F": "0.00000000",
          "g": -1, "C": "", "x": "TRADE", "X": "PARTIALLY_FILLED", "r": "NONE", "i": 4293153, "l": "0.05000000",
          "z": "0.05000000", "L": "612.10000000", "n": "0.00003750", "N": "BNB", "T": 1, "t": 281, "I": 8641984,
          "w": True, "m": False, "M": True, "O": 1, "Z": "30.60500000", "Y": "30.60500000", "Q": "0.00000000",
          "W": 1, "V": "EXPIRE_MAKER"}  # fmt: skip
CLIENTS = ("raw websockets + json.loads", "MarginUserDataStream")


def serve(control: Connection) -> None:
    """The server process: push events when told to, timestamped with monotonic_ns."""
    from binance_spot.testing import BinanceServer, websocket

    # A burst is queued faster than any client reads it; the server drops a reader more than
    # MAX_OUTBOX behind (a rule for tests of slow readers, not for this measurement).
    websocket.MAX_OUTBOX = 256 << 20
    with BinanceServer() as server:
        control.send(server.url)
        while True:
            command = control.recv()
            if command is None:
                return
            kind, count, rate = command
            start = time.monotonic()
            for index in range(count):
                if kind == "paced":
                    delay = start + index / rate - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
                server.push_event({**REPORT, "E": time.monotonic_ns()})
            control.send("done")


def token(url: str) -> str:
    import binance_spot

    configuration = binance_spot.Configuration(host=url)
    configuration.api_key["X-MBX-APIKEY"] = "bench"
    with binance_spot.ApiClient(configuration) as api_client:
        return binance_spot.MarginListenTokenApi(api_client).sapi_v1_user_listen_token_post().token  # type: ignore[no-any-return]


def raw_client(url: str, control: Connection, plan: list[tuple[str, int]]) -> None:
    from websockets.sync.client import connect

    with connect(url.replace("http://", "ws://") + "/ws-api/v3") as ws:
        ws.send(json.dumps({"id": 1, "method": "userDataStream.subscribe.listenToken",
                            "params": {"listenToken": token(url)}}))  # fmt: skip
        json.loads(ws.recv())

        def receive() -> int:
            return json.loads(ws.recv())["event"]["E"]  # type: ignore[no-any-return]

        measure(control, plan, receive)


def stream_client(url: str, control: Connection, plan: list[tuple[str, int]]) -> None:
    import binance_spot
    from binance_spot.stream import MarginUserDataStream

    configuration = binance_spot.Configuration(host=url)
    configuration.api_key["X-MBX-APIKEY"] = "bench"
    with (
        binance_spot.ApiClient(configuration) as api_client,
        MarginUserDataStream(api_client, max_queue=1_000_000) as stream,
    ):

        def receive() -> int:
            return stream.get().event_time  # type: ignore[return-value]

        measure(control, plan, receive)


def measure(control: Connection, plan: list[tuple[str, int]], receive: Any) -> None:
    """For each (kind, count): tell the parent we are ready, receive, report."""
    for kind, count in plan:
        control.send("ready")
        control.recv()  # the parent told the server to push
        cpu, wall = time.process_time(), time.perf_counter()
        latencies = []
        for _ in range(count):
            sent = receive()
            latencies.append(time.monotonic_ns() - sent)
        control.send((kind, count, time.process_time() - cpu, time.perf_counter() - wall, latencies))


def run_client(name: str, url: str, server: Connection, plan: list[tuple[str, int, float]]) -> dict[str, Any]:
    parent, child = mp.Pipe()
    target = raw_client if name == CLIENTS[0] else stream_client
    process = mp.Process(target=target, args=(url, child, [(kind, count) for kind, count, _ in plan]))
    process.start()
    results = {}
    for kind, count, rate in plan:
        assert parent.recv() == "ready"
        server.send((kind, count, rate))
        parent.send("go")
        _, _, cpu, wall, latencies = parent.recv()
        assert server.recv() == "done"
        results[kind] = (cpu, wall, sorted(latencies))
    process.join()
    return results


def percentile(ordered: list[int], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] / 1000.0  # microseconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 rounds, smaller runs (about 30 s)")
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--events", type=int, help="burst size (default 20000, quick 10000)")
    parser.add_argument("--rate", type=float, default=2000.0, help="paced events per second (default 2000)")
    parser.add_argument("--seconds", type=float, help="paced duration (default 5, quick 2)")
    args = parser.parse_args()
    rounds = args.rounds or (3 if args.quick else 7)
    events = args.events or (10_000 if args.quick else 20_000)
    seconds = args.seconds or (2.0 if args.quick else 5.0)
    plan = [("burst", events, 0.0), ("paced", int(args.rate * seconds), args.rate)]

    mp.set_start_method("spawn")
    server, child = mp.Pipe()
    server_process = mp.Process(target=serve, args=(child,), daemon=True)
    server_process.start()
    url = server.recv()
    samples: dict[str, list[dict[str, Any]]] = {name: [] for name in CLIENTS}
    for _ in range(rounds):
        for name in random.sample(CLIENTS, len(CLIENTS)):
            samples[name].append(run_client(name, url, server, plan))
    server.send(None)
    server_process.join()

    rows = {}
    for name, runs in samples.items():
        rows[name] = {
            "events/s": statistics.median(r["burst"][0] and events / r["burst"][1] for r in runs),
            "CPU us/event": statistics.median(r["burst"][0] / events * 1e6 for r in runs),
            "p50 us": statistics.median(percentile(r["paced"][2], 0.5) for r in runs),
            "p99 us": statistics.median(percentile(r["paced"][2], 0.99) for r in runs),
            "max us": statistics.median(percentile(r["paced"][2], 1.0) for r in runs),
        }
    print(f"{rounds} rounds; burst {events} events; paced {args.rate:.0f} events/s for {seconds:.0f} s; medians\n")
    print("| client | events/s (burst) | CPU µs/event | p50 latency µs | p99 latency µs | max latency µs |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, row in rows.items():
        values = " | ".join(f"{value:,.0f}" if value >= 100 else f"{value:.1f}" for value in row.values())
        print(f"| {name} | {values} |")
    raw, ours = samples[CLIENTS[0]], samples[CLIENTS[1]]
    cpu = [o["burst"][0] / r["burst"][0] for r, o in zip(raw, ours, strict=True)]
    p99 = [percentile(o["paced"][2], 0.99) / percentile(r["paced"][2], 0.99) for r, o in zip(raw, ours, strict=True)]
    print(f"\nCPU per event: {spread(cpu)} the raw client, per round (goal <= 1.0x)")
    print(f"p99 latency at {args.rate:.0f}/s: {spread(p99)} the raw client, per round (goal <= 1.2x)")


def spread(ratios: list[float]) -> str:
    """median (min-max) of per-round ratios."""
    return f"{statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f})"


if __name__ == "__main__":
    main()
