"""What many accounts on one connection cost the local server (issue 19, its server side).

    python bench/server_accounts.py [--accounts N] [--pushes N] [--rounds N]

In one process: a ``BinanceServer`` and one raw WebSocket API connection (a reader thread
that discards what it receives). Per round, in shuffled order: (1) one account subscribed,
``--pushes`` events pushed to it with ``push_event(event, api_key=...)``; (2) ``--accounts``
accounts subscribed on the same connection (pipelined, timed to the last answer), then the
same number of pushes, each to one of the accounts in turn. The figure is the pushing thread's
CPU per push (routing, JSON, queueing; the socket writes are the sender thread's), and the
ratio of (2) to (1) per round. Also, once: the memory the server holds per subscribed account
(``tracemalloc`` over issuing its token and subscribing it: the messages log included).
Prints a Markdown table of medians (min-max).
"""

import argparse
import base64
import json
import os
import random
import socket
import statistics
import struct
import threading
import time
import tracemalloc
from typing import Any

from binance_spot.testing import BinanceServer

EVENT = {"e": "balanceUpdate", "E": 1, "a": "BTC", "d": "0.00100000", "T": 1}


def open_connection(server: BinanceServer) -> socket.socket:
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    sock = socket.create_connection((host, int(port)), timeout=30)
    key = base64.b64encode(os.urandom(16))
    sock.sendall(b"GET /ws-api/v3 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Key: " + key + b"\r\nSec-WebSocket-Version: 13\r\n\r\n")  # fmt: skip
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert head.startswith(b"HTTP/1.1 101"), head
    return sock


def frame(message: dict[str, Any]) -> bytes:
    payload = json.dumps(message).encode()
    mask = os.urandom(4)
    size = len(payload)
    length = struct.pack("!B", 0x80 | size) if size < 126 else struct.pack("!BH", 0x80 | 126, size)
    key = int.from_bytes((mask * (size // 4 + 1))[:size], "big")
    return b"\x81" + length + mask + (int.from_bytes(payload, "big") ^ key).to_bytes(size, "big")


def subscribe_all(server: BinanceServer, sock: socket.socket, keys: list[str]) -> float:
    """Subscribe every key on ``sock`` at once; seconds until the server holds them all."""
    tokens = [server.listen_token(key) for key in keys]
    started = time.perf_counter()
    method = "userDataStream.subscribe.listenToken"
    sock.sendall(
        b"".join(frame({"id": n, "method": method, "params": {"listenToken": t}}) for n, t in enumerate(tokens))
    )
    while sum(map(len, server.stream_subscriptions.values())) < len(keys):
        time.sleep(0.001)
    return time.perf_counter() - started


def cpu_per_push(server: BinanceServer, keys: list[str], pushes: int) -> float:
    """Microseconds of the pushing thread's CPU per ``push_event`` to one account."""
    started = time.thread_time_ns()
    for index in range(pushes):
        assert server.push_event(EVENT, api_key=keys[index % len(keys)]) == 1
    return (time.thread_time_ns() - started) / pushes / 1000


def drain(sock: socket.socket) -> None:
    try:
        while sock.recv(1 << 16):
            pass
    except OSError:
        pass


def one_round(accounts: int, pushes: int) -> dict[str, float]:
    figures: dict[str, float] = {}
    order = ["one", "many"]
    random.shuffle(order)
    for case in order:
        with BinanceServer() as server:
            server.stream_subscription_limit = max(accounts, 1)
            sock = open_connection(server)
            reader = threading.Thread(target=drain, args=(sock,), daemon=True)
            reader.start()
            keys = [f"bench-{n}" for n in range(1 if case == "one" else accounts)]
            seconds = subscribe_all(server, sock, keys)
            figures[f"{case} cpu"] = cpu_per_push(server, keys, pushes)
            if case == "many":
                figures["subscribe ms"] = seconds * 1000
            sock.close()
            reader.join(5)
    figures["ratio"] = figures["many cpu"] / figures["one cpu"]
    return figures


def memory_per_account(accounts: int) -> float:
    """Bytes the server holds per account subscribed on one connection (its token, its subscription)."""
    with BinanceServer() as server:
        server.stream_subscription_limit = accounts
        sock = open_connection(server)
        reader = threading.Thread(target=drain, args=(sock,), daemon=True)
        reader.start()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        subscribe_all(server, sock, [f"bench-{n}" for n in range(accounts)])
        held = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        sock.close()
        reader.join(5)
    return held / accounts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--pushes", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rounds = [one_round(args.accounts, args.pushes) for _ in range(args.rounds)]
    memory = memory_per_account(args.accounts)

    def cell(name: str, fmt: str) -> str:
        values = [r[name] for r in rounds]
        return f"{statistics.median(values):{fmt}} ({min(values):{fmt}}-{max(values):{fmt}})"

    print(f"{args.accounts} accounts on one connection, {args.pushes} pushes, {args.rounds} rounds (median, min-max)\n")
    print("| figure | value |\n|---|---|")
    print(f"| CPU per push, 1 account subscribed (us) | {cell('one cpu', '.2f')} |")
    print(f"| CPU per push, {args.accounts} accounts subscribed (us) | {cell('many cpu', '.2f')} |")
    print(f"| ratio, per round | {cell('ratio', '.2f')}x |")
    print(f"| subscribe {args.accounts} accounts, pipelined (ms) | {cell('subscribe ms', '.0f')} |")
    print(f"| server memory per subscribed account (bytes, one run) | {memory:.0f} |")


if __name__ == "__main__":
    main()
