"""Benchmark MarginAccountsStream with many accounts against MarginUserDataStream with one.

    python bench/many.py [--accounts N] [--rate EPS] [--seconds S] [--budget W] [--rounds R]

One process serves ``binance_spot.testing.BinanceServer``; each client runs in a process of
its own, so its CPU time (all threads) and resident memory are its own. The many-accounts
client follows ``--accounts`` accounts (each its own API key and ``ApiClient``, on one shared
transport); while they subscribe, the server process samples the subscribes it received, so
the most weight in any 60 s is what the server saw. Then, per round, both clients receive
``--seconds`` of executionReport events at the same total ``--rate`` (round-robin over the
accounts for the many client, all to the one account for the single one): CPU per event,
and their ratio per round. Memory per account is the client's RSS growth from its clients
made to every account live, divided by the accounts. Prints a Markdown table.
"""

import argparse
import math
import multiprocessing as mp
import statistics
import time
from multiprocessing.connection import Connection
from typing import Any

from stream import REPORT  # bench/stream.py's event: the same payload for both benchmarks

SUBSCRIBE = "userDataStream.subscribe.listenToken"


def key(n: int) -> str:
    return f"bench-account-{n:06d}"


def rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def serve(control: Connection) -> None:
    """Push events when told to; sample subscribes while told to wait for N accounts."""
    from binance_spot.testing import BinanceServer, websocket

    websocket.MAX_OUTBOX = 256 << 20
    with BinanceServer() as server:
        control.send(server.url)
        while (command := control.recv()) is not None:
            if command[0] == "subscribed":
                samples, want = [], command[1]
                while not samples or samples[-1][1] < want:
                    count = sum(1 for m in server.stream_messages if m.message.get("method") == SUBSCRIBE)
                    samples.append((time.monotonic(), count))
                    time.sleep(0.02)
                live = sum(map(len, server.stream_subscribers.values()))
                control.send((samples, server.stream_connections_opened, live))
                continue
            _, accounts, count, rate = command
            start = time.monotonic()
            for index in range(count):
                delay = start + index / rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                api_key = key(index % accounts) if accounts > 1 else "bench-single"
                server.push_event({**REPORT, "E": index}, api_key=api_key)
            control.send("done")


def single(url: str, control: Connection, rounds: int, count: int) -> None:
    import binance_spot
    from binance_spot.stream import MarginUserDataStream

    config = binance_spot.Configuration(host=url, api_key={"X-MBX-APIKEY": "bench-single"})
    with binance_spot.ApiClient(config) as client, MarginUserDataStream(client, max_queue=1_000_000) as stream:
        receive(control, stream, rounds, count)


def receive(control: Connection, stream: Any, rounds: int, count: int) -> None:
    """Per round: say ready, wait for the go, take ``count`` items, report the CPU time spent."""
    for _ in range(rounds):
        control.send("ready")
        control.recv()
        cpu = time.process_time()
        for _ in range(count):
            stream.get()
        control.send(time.process_time() - cpu)


def many(url: str, control: Connection, accounts: int, budget: int, rounds: int, count: int) -> None:
    import binance_spot
    from binance_spot._urllib3 import Urllib3Transport
    from binance_spot.stream import MarginAccountsStream

    def config(api_key: str) -> binance_spot.Configuration:
        return binance_spot.Configuration(host=url, api_key={"X-MBX-APIKEY": api_key})

    transport = Urllib3Transport(config("shared"))
    clients = [binance_spot.ApiClient(config(key(n)), transport=transport) for n in range(accounts)]
    before = rss_kib()
    with MarginAccountsStream(weight_per_minute=budget, max_queue=1_000_000) as stream:
        for n, client in enumerate(clients):
            stream.add(n, client)
        control.send("adding")
        control.recv()  # every account is live
        grown = rss_kib() - before
        control.send((grown, stream.connections))
        receive(control, stream, rounds, count)


def most_in_a_minute(samples: list[tuple[float, int]]) -> int:
    """The most subscribes received in any 60 s, from (time, count so far) samples, times 2 (weight)."""
    best, start = 0, 0
    for end in range(len(samples)):
        while samples[end][0] - samples[start][0] > 60.0:
            start += 1
        best = max(best, samples[end][1] - (samples[start - 1][1] if start else 0))
    return 2 * best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=2000.0, help="total events per second (default 2000)")
    parser.add_argument("--seconds", type=float, default=3.0, help="per round (default 3)")
    parser.add_argument("--budget", type=int, default=1200, help="weight_per_minute (default: the stream's, 1200)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    count = int(args.rate * args.seconds)
    mp.set_start_method("spawn")
    server, child = mp.Pipe()
    mp.Process(target=serve, args=(child,), daemon=True).start()
    url = server.recv()

    many_pipe, many_child = mp.Pipe()
    many_process = mp.Process(target=many, args=(url, many_child, args.accounts, args.budget, args.rounds, count))
    started = time.monotonic()
    many_process.start()
    assert many_pipe.recv() == "adding"
    server.send(("subscribed", args.accounts))
    samples, opened, live = server.recv()
    setup = time.monotonic() - started
    many_pipe.send("go")
    grown, connections = many_pipe.recv()

    single_pipe, single_child = mp.Pipe()
    single_process = mp.Process(target=single, args=(url, single_child, args.rounds, count))
    single_process.start()
    ratios, per_event = [], {"single": [], "many": []}
    for _ in range(args.rounds):
        for name, pipe, accounts in (("single", single_pipe, 1), ("many", many_pipe, args.accounts)):
            assert pipe.recv() == "ready"
            server.send(("push", accounts, count, args.rate))
            pipe.send("go")
            per_event[name].append(pipe.recv() / count * 1e6)
            assert server.recv() == "done"
        ratios.append(per_event["many"][-1] / per_event["single"][-1])
    single_process.join()
    many_process.join()
    server.send(None)

    print(f"{args.accounts} accounts, {args.rate:.0f} events/s for {args.seconds} s, {args.rounds} rounds\n")
    print("| measure | value | goal |")
    print("|---|---|---|")
    print(f"| CPU per event, one account (MarginUserDataStream) | {statistics.median(per_event['single']):.1f} µs | |")
    print(f"| CPU per event, {args.accounts} accounts | {statistics.median(per_event['many']):.1f} µs | |")
    print(f"| ratio many / one, median (min-max) per round | {statistics.median(ratios):.2f} "
          f"({min(ratios):.2f}-{max(ratios):.2f}) | <= 1.1 |")  # fmt: skip
    print(f"| resident memory per account | {grown / args.accounts:.1f} KiB | <= 30 KiB |")
    print(f"| connections used (opened) | {connections} ({opened}) | {math.ceil(args.accounts / 1000)} |")
    print(f"| accounts live | {live} | {args.accounts} |")
    print(f"| most subscribe weight in any 60 s (server side) | {most_in_a_minute(samples)} | <= {args.budget} |")
    print(f"| time until every account was live | {setup:.1f} s | |")


if __name__ == "__main__":
    main()
