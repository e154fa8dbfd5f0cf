"""One client serves many threads, and nothing it starts or opens outlives ``close()``."""

import atexit
import gc
import multiprocessing.pool  # noqa: F401  (registers its exit hook now, not under the atexit spy)
import os
import threading
import weakref
from collections.abc import Callable
from typing import Any

import pytest

import binance_spot
from binance_spot.testing import BinanceServer

THREADS = 8
CALLS_PER_THREAD = 50
#: Sequential calls of the resource test, checked every ``CHECK_EVERY``: a leak of one
#: descriptor, thread or socket per ``CHECK_EVERY`` calls shows at the first check.
MANY_CALLS = 1_000
CHECK_EVERY = 50


def client_sockets(server_port: int) -> int:
    """Open file descriptors of this process that are TCP connections *to* ``server_port``."""
    wanted = f":{server_port:04X}"
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table, encoding="ascii") as rows:
                next(rows)
                for row in rows:
                    fields = row.split()
                    # remote address is fields[2]; state 0A is LISTEN, 06 TIME_WAIT (no fd)
                    if fields[2].endswith(wanted) and fields[3] not in ("0A", "06"):
                        inodes.add(fields[9])
        except FileNotFoundError:
            continue
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            link = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if link.startswith("socket:[") and link[8:-1] in inodes:
            count += 1
    return count


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def port_of(server: BinanceServer) -> int:
    return int(server.url.rsplit(":", 1)[1])


def client_threads() -> set[threading.Thread]:
    """Live threads, without those of the in-process server (one per connection it serves)."""
    return {
        thread
        for thread in threading.enumerate()
        if thread.name != "BinanceServer" and "process_request_thread" not in thread.name
    }


@pytest.fixture
def atexit_calls(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    calls: list[Any] = []

    def record(func: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append((func, args, kwargs))
        return func

    monkeypatch.setattr(atexit, "register", record)
    return calls


def test_one_client_shared_by_threads(
    config: binance_spot.Configuration, client: binance_spot.ApiClient, server: BinanceServer
) -> None:
    api = binance_spot.MarginStreamApi(client)
    errors: list[BaseException] = []
    keys: list[str] = []
    weights: list[Any] = []
    start = threading.Barrier(THREADS)

    def work() -> None:
        try:
            start.wait()
            for _ in range(CALLS_PER_THREAD // 2):
                key = api.sapi_v1_user_data_stream_post().listen_key
                assert api.sapi_v1_user_data_stream_put(key) == {}
                keys.append(key)
            weights.append(client.used_weight)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    workers = [threading.Thread(target=work) for _ in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    assert errors == []
    assert len(server.requests) == THREADS * CALLS_PER_THREAD
    assert len(set(keys)) == 1  # one API key, so Binance's one active listen key
    assert list(server.listen_keys) == keys[:1]
    assert all(w.uid is not None and 1 <= w.uid <= THREADS * CALLS_PER_THREAD for w in weights)
    assert server.connections_opened <= config.connection_pool_maxsize
    assert server.connections_opened <= THREADS
    assert client.transport.pool_manager.connection_pool_kw["maxsize"] == config.connection_pool_maxsize


def test_sequential_calls_reuse_one_connection(api: binance_spot.MarginStreamApi, server: BinanceServer) -> None:
    for _ in range(20):
        api.sapi_v1_user_data_stream_post()
    assert server.connections_opened == 1


def test_connection_pool_maxsize_is_used(config: binance_spot.Configuration) -> None:
    config.connection_pool_maxsize = 3
    with binance_spot.ApiClient(config) as client:
        assert client.transport.pool_manager.connection_pool_kw["maxsize"] == 3


def test_async_pool_is_created_on_first_use_and_stopped_by_close(
    config: binance_spot.Configuration, server: BinanceServer
) -> None:
    before = client_threads()
    client = binance_spot.ApiClient(config)
    api = binance_spot.MarginStreamApi(client)
    assert api.sapi_v1_user_data_stream_post().listen_key
    assert client_threads() == before  # synchronous calls start nothing

    result = api.sapi_v1_user_data_stream_post(async_req=True)
    key = result.get(timeout=5).listen_key
    assert key in server.listen_keys
    assert client_threads() - before  # the pool exists now
    assert api.sapi_v1_user_data_stream_put(key, async_req=True).get(timeout=5) == {}

    client.close()
    assert client_threads() == before
    assert client_sockets(port_of(server)) == 0


def test_leaving_with_stops_the_async_pool(config: binance_spot.Configuration, server: BinanceServer) -> None:
    before = client_threads()
    with binance_spot.ApiClient(config) as client:
        results = [binance_spot.MarginStreamApi(client).sapi_v1_user_data_stream_post(async_req=True) for _ in range(5)]
        assert all(r.get(timeout=5).listen_key for r in results)
    assert client_threads() == before
    assert client_sockets(port_of(server)) == 0
    assert len(server.requests) == 5


def test_async_errors_come_out_of_get(config: binance_spot.Configuration, server: BinanceServer) -> None:
    with binance_spot.ApiClient(config) as client:
        result = binance_spot.MarginStreamApi(client).sapi_v1_user_data_stream_put("gone", async_req=True)
        with pytest.raises(binance_spot.BadRequestException):
            result.get(timeout=5)


def test_close_releases_the_sockets(config: binance_spot.Configuration, server: BinanceServer) -> None:
    port = port_of(server)
    client = binance_spot.ApiClient(config)
    api = binance_spot.MarginStreamApi(client)
    for _ in range(3):
        api.sapi_v1_user_data_stream_post()
    assert client_sockets(port) == 1
    client.close()
    assert client_sockets(port) == 0


def test_nothing_registers_with_atexit(
    config: binance_spot.Configuration, server: BinanceServer, atexit_calls: list[Any]
) -> None:
    client = binance_spot.ApiClient(config)
    api = binance_spot.MarginStreamApi(client)
    api.sapi_v1_user_data_stream_post()
    api.sapi_v1_user_data_stream_post(async_req=True).get(timeout=5)
    client.close()
    assert atexit_calls == []


def test_a_closed_client_is_not_kept_alive(config: binance_spot.Configuration, server: BinanceServer) -> None:
    client = binance_spot.ApiClient(config)
    api = binance_spot.MarginStreamApi(client)
    api.sapi_v1_user_data_stream_post()
    api.sapi_v1_user_data_stream_post(async_req=True).get(timeout=5)
    client.close()
    alive = weakref.ref(client)
    del client, api
    gc.collect()
    assert alive() is None


def test_many_calls_keep_sockets_and_threads_flat(
    config: binance_spot.Configuration, wait_for: Callable[..., None]
) -> None:
    server = BinanceServer(request_log_size=MANY_CALLS + 1).start()
    config.host = server.url
    port = port_of(server)
    with server, binance_spot.ApiClient(config) as client:
        api = binance_spot.MarginStreamApi(client)
        key = api.sapi_v1_user_data_stream_post().listen_key
        baseline = (open_fds(), len(client_threads()), client_sockets(port))
        for number in range(1, MANY_CALLS + 1):
            api.sapi_v1_user_data_stream_put(key)
            if number % CHECK_EVERY == 0:
                # no more descriptors than before (fewer is fine: an earlier test's daemon thread may close one)
                assert open_fds() <= baseline[0], f"descriptors grew by call {number}"
                assert (len(client_threads()), client_sockets(port)) == baseline[1:], f"after call {number}"
                assert server.connections_opened == 1
    assert client_sockets(port) == 0
    assert server.connections_opened == 1
    assert len(server.requests) == MANY_CALLS + 1
    wait_for(lambda: open_fds() < baseline[0], timeout=2.0)  # the server's end closes too
