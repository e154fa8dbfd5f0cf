"""The benchmark's local Binance stand-in: answers the three listen-key calls from memory.

Runs in its own process so its work never lands on the measured client's CPU time.
nginx (when installed) is used first because it is faster than any Python server;
otherwise an asyncio ``Protocol`` with pre-built responses, kept-alive connections and
no per-request allocation beyond splitting the request line.

Run alone: ``python bench/server.py [--port N]`` prints ``PORT <n>`` once it listens,
and on SIGTERM prints ``REQUESTS <n>`` (the asyncio server only) before exiting.
"""

import argparse
import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LISTEN_KEY = "pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1"
PATH = b"/sapi/v1/userDataStream"


def _response(body: bytes) -> bytes:
    head = (
        "HTTP/1.1 200 OK\r\n"
        "Content-Type: application/json;charset=UTF-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: keep-alive\r\n"
        "X-SAPI-USED-IP-WEIGHT-1M: 1\r\n"
        "\r\n"
    )
    return head.encode() + body


CREATED = _response(b'{"listenKey":"' + LISTEN_KEY.encode() + b'"}')
EMPTY = _response(b"{}")
NOT_FOUND = (
    b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n{}"
)


class _Http(asyncio.Protocol):
    """One keep-alive connection; handles pipelined requests and request bodies."""

    served = 0

    def __init__(self) -> None:
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer + data if self.buffer else data
        out = []
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                break
            head = buffer[:end]
            size = end + 4 + _content_length(head)
            if len(buffer) < size:
                break
            out.append(_answer(head))
            buffer = buffer[size:]
        self.buffer = buffer
        if out and self.transport is not None:
            _Http.served += len(out)
            self.transport.write(b"".join(out) if len(out) > 1 else out[0])


def _content_length(head: bytes) -> int:
    at = head.lower().find(b"\r\ncontent-length:")
    if at < 0:
        return 0
    value = head[at + 17 :].split(b"\r\n", 1)[0]
    return int(value.strip() or 0)


def _answer(head: bytes) -> bytes:
    method, _, rest = head.partition(b" ")
    target = rest.split(b" ", 1)[0].split(b"?", 1)[0]
    if target != PATH:
        # python-binance pings on construction; everything else is a benchmark bug.
        return EMPTY if target.endswith(b"/ping") else NOT_FOUND
    return CREATED if method == b"POST" else EMPTY


async def _serve(port: int) -> None:
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, stop.set_result, None)
    loop.add_signal_handler(signal.SIGINT, stop.set_result, None)
    server = await loop.create_server(_Http, "127.0.0.1", port, backlog=128)
    print(f"PORT {server.sockets[0].getsockname()[1]}", flush=True)
    await stop
    server.close()
    print(f"REQUESTS {_Http.served}", flush=True)


def free_port() -> int:
    """A port that was free a moment ago (nginx needs one named in its configuration)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def nginx_config(port: int, prefix: Path) -> str:
    """A single-process nginx that answers the three calls with fixed bodies."""
    created = '{"listenKey":"' + LISTEN_KEY + '"}'
    return f"""
daemon off;
master_process off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log error;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    keepalive_requests 100000000;
    keepalive_timeout 300s;
    tcp_nodelay on;
    server_tokens off;
    server {{
        listen 127.0.0.1:{port} backlog=128;
        default_type application/json;
        location = /sapi/v1/userDataStream {{
            add_header X-SAPI-USED-IP-WEIGHT-1M 1;
            if ($request_method = POST) {{ return 200 '{created}'; }}
            return 200 '{{}}';
        }}
        location ~ /ping$ {{ return 200 '{{}}'; }}
        location / {{ return 404 '{{}}'; }}
    }}
}}
"""


class Server:
    """The server process: nginx when available (and not refused), else the asyncio server."""

    def __init__(self, use_nginx: bool = True) -> None:
        self.kind = "asyncio"
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        nginx = shutil.which("nginx") if use_nginx else None
        if nginx:
            try:
                self.process, self.port = self._start_nginx(nginx)
                self.kind = "nginx"
                return
            except (OSError, RuntimeError) as exc:
                print(f"nginx did not start ({exc}); using the asyncio server", file=sys.stderr)
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--port", "0"], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True
        )
        line = self.process.stdout.readline() if self.process.stdout else ""
        if not line.startswith("PORT "):
            raise RuntimeError(f"the asyncio server did not start: {line!r}")
        self.port = int(line.split()[1])

    def _start_nginx(self, nginx: str) -> tuple[subprocess.Popen[str], int]:
        self._tmp = tempfile.TemporaryDirectory(prefix="bench-nginx-")
        prefix = Path(self._tmp.name)
        port = free_port()
        conf = prefix / "nginx.conf"
        conf.write_text(nginx_config(port, prefix))
        process = subprocess.Popen(
            [nginx, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(200):
            if process.poll() is not None:
                raise RuntimeError((process.stderr.read() if process.stderr else "").strip() or "exited")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                return process, port
            except OSError:
                time.sleep(0.02)
        process.kill()
        raise RuntimeError("nginx did not listen within 4 s")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> tuple[float, int | None]:
        """Stop the server: the CPU seconds it used over its life and the requests it served.

        CPU comes from ``wait4`` (0.0 where the platform lacks it); only the asyncio
        server reports its request count.
        """
        self.process.terminate()
        try:
            _, status, usage = os.wait4(self.process.pid, 0)
            self.process.returncode = status
            cpu = usage.ru_utime + usage.ru_stime
        except (AttributeError, ChildProcessError):
            self.process.wait()
            cpu = 0.0
        served = None
        if self.kind == "asyncio" and self.process.stdout is not None:
            for line in self.process.stdout:
                if line.startswith("REQUESTS "):
                    served = int(line.split()[1])
        if self._tmp is not None:
            self._tmp.cleanup()
        return cpu, served


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    asyncio.run(_serve(parser.parse_args().port))


if __name__ == "__main__":
    main()
