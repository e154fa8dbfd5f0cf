"""Benchmark the margin account view against the bare stream on the same local server.

    python bench/account.py [--rounds N] [--events N]

1. CPU per event: a process of its own per client (its CPU time counts all its threads), the
   same account events pushed as fast as the server sends them (``executionReport`` NEW then
   CANCELED per order, and an ``outboundAccountPosition`` per order: what a busy account sees).
   The bare client is ``MarginUserDataStream`` reading every event; the view reads every change
   (``OrderUpdate``, ``BalanceChange``). The ratio is taken per round (both clients in the same
   round, shuffled order), reported as median (min-max) over the rounds.
2. From a reconnect to a consistent view: ``drop_streams()`` to the moment the view is live again
   after its resync (a fill missed while blind found), default floor (0.2 s between calls) and
   a reconnect backoff of 0.1 s, median (min-max) over the rounds.
3. REST weight of a resync for 1, 10 and 50 symbols: what ``Resync.weight`` says and what the
   server counted, for an order canceled while blind and one filled while blind.
"""

import argparse
import multiprocessing as mp
import random
import statistics
import time
from multiprocessing.connection import Connection
from typing import Any

KEY, SECRET = "bench-account-key", "bench-account-secret"
CLIENTS = ("MarginUserDataStream", "MarginAccountView")


def events(count: int, first_id: int, now_ms: int) -> list[dict[str, Any]]:
    """Per order: NEW, CANCELED, and the position of the asset it locked then freed."""
    out: list[dict[str, Any]] = []
    for n in range(count // 3):
        order, t = first_id + n, now_ms + n
        base = {"e": "executionReport", "E": t, "s": "BTCUSDT", "c": f"c{order}", "S": "BUY", "o": "LIMIT",
                "f": "GTC", "q": "0.01", "p": "50000", "P": "0", "F": "0", "g": -1, "C": "", "r": "NONE",
                "i": order, "l": "0", "z": "0", "L": "0", "n": "0", "N": None, "T": t, "t": -1, "I": order,
                "w": True, "m": False, "M": False, "O": t, "Z": "0", "Y": "0", "Q": "0"}  # fmt: skip
        out.append({**base, "x": "NEW", "X": "NEW"})
        out.append({**base, "x": "CANCELED", "X": "CANCELED", "C": f"c{order}", "c": f"x{order}"})
        out.append({"e": "outboundAccountPosition", "E": t, "u": t,
                    "B": [{"a": "USDT", "f": f"{1000 + n % 7}", "l": "0"}]})  # fmt: skip
    return out


def client(kind: str, url: str, control: Connection, count: int) -> None:
    import binance_spot
    from binance_spot.account import MarginAccountView
    from binance_spot.stream import MarginUserDataStream

    configuration = binance_spot.Configuration(host=url, api_key={"X-MBX-APIKEY": KEY}, secret_key=SECRET)
    with binance_spot.ApiClient(configuration) as api_client:
        if kind == CLIENTS[0]:
            source: Any = MarginUserDataStream(api_client, max_queue=1_000_000).start()
        else:
            source = MarginAccountView(api_client, symbols=["BTCUSDT"], skew_ms=0, max_changes=1_000_000,
                                       max_queue=1_000_000).start()  # fmt: skip
            while source.stale:
                time.sleep(0.01)
            time.sleep(0.05)  # past the snapshot's window: the events are judged as live ones
        control.send("ready")
        expected, last = control.recv()
        cpu = time.process_time()
        if kind == CLIENTS[0]:
            for _ in range(expected):
                source.get(timeout=30)
        else:  # until the last order's cancel: every event before it was merged
            while not _is_last(source.get(timeout=30), last):
                pass
        control.send(time.process_time() - cpu)
        source.close()


def _is_last(change: Any, last: int) -> bool:
    order = getattr(change, "order", None)
    return order is not None and order.order_id == last and order.status == "CANCELED"


def cpu_round(server: Any, count: int, first: int) -> dict[str, float]:
    results = {}
    for kind in random.sample(CLIENTS, len(CLIENTS)):
        parent, child = mp.Pipe()
        process = mp.Process(target=client, args=(kind, server.url, child, count))
        process.start()
        assert parent.recv() == "ready"
        batch = events(count, first, int(time.time() * 1000))
        first += len(batch)
        batch = batch[:-1]  # the view's client stops at the last cancel: the last position is not pushed
        parent.send((len(batch), batch[-1]["i"]))
        for event in batch:
            server.push_event(event, api_key=KEY)
        results[kind] = parent.recv() / len(batch) * 1e6
        process.join(30)
    return results


def reconnect_round(server: Any, client: Any) -> float:
    from binance_spot.account import MarginAccountView, Resync

    account = server.account(KEY)
    with MarginAccountView(client, symbols=["BTCUSDT"], backoff=(0.1, 0.2), skew_ms=50) as view:
        order = account.place_order("BTCUSDT", "BUY", "0.001", "100")
        time.sleep(1.1)  # past the resync floor (1 s) counted from the first snapshot: a drop in steady state
        began = time.monotonic()
        server.drop_streams()
        account.fill(order)
        while True:
            change = view.get(timeout=30)
            if isinstance(change, Resync) and change.lost_at is not None:
                assert change.missed_fills
                return time.monotonic() - began


def weights(count: int) -> tuple[int, int, int, int]:
    """(weight said, weight the server counted) for a resync after a cancel, then after a fill, while blind."""
    import binance_spot
    from binance_spot.account import MarginAccountView, Resync
    from binance_spot.testing import BinanceServer

    pairs = {f"C{n:02d}USDT": (f"C{n:02d}", "USDT") for n in range(count)}
    pairs["BTCUSDT"] = ("BTC", "USDT")
    symbols = ["BTCUSDT", *list(pairs)[: count - 1]]
    found = []
    with BinanceServer(api_keys=[KEY], secret_keys={KEY: SECRET}, clock=time.time, pairs=pairs) as server:
        account = server.account(KEY)
        account.set_balance("USDT", free="100000")
        configuration = binance_spot.Configuration(host=server.url, api_key={"X-MBX-APIKEY": KEY}, secret_key=SECRET)
        with binance_spot.ApiClient(configuration) as api_client:
            with MarginAccountView(api_client, symbols=symbols, backoff=(0.1, 0.2), skew_ms=50, floor=0.1,
                                   resync_floor=0.1, budget=100_000) as view:  # fmt: skip
                for fill in (False, True):
                    order = account.place_order("BTCUSDT", "BUY", "0.001", "100")
                    while not view.open_orders:
                        time.sleep(0.01)
                    server.clear()
                    server.drop_streams()
                    if fill:
                        account.fill(order)
                    else:
                        account.cancel(order)
                    while not isinstance(change := view.get(timeout=60), Resync) or change.lost_at is None:
                        pass
                    counted = sum(_weight(r.path) for r in server.requests)
                    found += [change.weight, counted]
    return found[0], found[1], found[2], found[3]


def _weight(path: str) -> int:
    return {"/sapi/v1/margin/allPairs": 1, "/sapi/v1/userListenToken": 0}.get(path, 10 if "/margin/" in path else 0)


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def main() -> None:
    import binance_spot
    from binance_spot.testing import BinanceServer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--events", type=int, default=6000)
    args = parser.parse_args()
    with BinanceServer(api_keys=[KEY], secret_keys={KEY: SECRET}, clock=time.time) as server:
        server.account(KEY).set_balance("USDT", free="1000")
        per_event: dict[str, list[float]] = {kind: [] for kind in CLIENTS}
        ratios = []
        for n in range(args.rounds):
            result = cpu_round(server, args.events, 1_000_000 * (n + 1))
            for kind, value in result.items():
                per_event[kind].append(value)
            ratios.append(result[CLIENTS[1]] / result[CLIENTS[0]])
        configuration = binance_spot.Configuration(host=server.url, api_key={"X-MBX-APIKEY": KEY}, secret_key=SECRET)
        with binance_spot.ApiClient(configuration) as api_client:
            reconnects = [reconnect_round(server, api_client) * 1000 for _ in range(args.rounds)]
    print(f"rounds: {args.rounds}, events per round: {args.events // 3 * 3}\n")
    print("| client | CPU per event (us), median (min-max) |\n|---|---|")
    for kind in CLIENTS:
        print(f"| {kind} | {spread(per_event[kind])} |")
    print(f"\nview / stream CPU per event, per round: {spread(ratios)}x (goal <= 1.3x)")
    print(f"drop to a consistent view (resync found the fill), ms: {spread(reconnects)}\n")
    print("| symbols | order canceled while blind: weight said / counted | filled while blind: said / counted |")
    print("|---|---|---|")
    for count in (1, 10, 50):
        said, counted, said_fill, counted_fill = weights(count)
        print(f"| {count} | {said} / {counted} | {said_fill} / {counted_fill} |")


if __name__ == "__main__":
    main()
