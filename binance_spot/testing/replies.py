"""What the local server answers: Binance's JSON errors and documents, and the HTML pages of a front end.

Every part of the server builds its answers here, so an error looks the same whether the
exchange's rules, the routing or a queued fault produced it.
"""

import json
from collections.abc import Mapping
from http import HTTPStatus
from typing import NamedTuple

JSON = "application/json;charset=UTF-8"
HTML = "text/html"


class Reply(NamedTuple):
    """A whole HTTP answer, before it is written."""

    status: int
    body: bytes
    headers: dict[str, str]


class ApiError(Exception):
    """A Binance JSON error, raised where it is found and rendered once at the top."""

    def __init__(self, status: int, code: int, msg: str) -> None:
        super().__init__(msg)
        self.status, self.code, self.msg = status, code, msg

    def reply(self, headers: Mapping[str, str] | None = None) -> Reply:
        return json_reply(self.status, {"code": self.code, "msg": self.msg}, headers)


def json_reply(status: int, payload: object, headers: Mapping[str, str] | None = None) -> Reply:
    body = json.dumps(payload, separators=(",", ":")).encode()
    return Reply(status, body, {"Content-Type": JSON, **(headers or {})})


def html_page(status: int) -> bytes:
    try:
        title = f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        title = str(status)
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>\n".encode()


def html_reply(status: int, headers: Mapping[str, str] | None = None) -> Reply:
    return Reply(status, html_page(status), {"Content-Type": HTML, **(headers or {})})


def padded_json(size: int) -> bytes:
    """A valid JSON document of exactly ``size`` (>= 2) bytes."""
    if size < 16:
        return b"{}" + b" " * (size - 2)
    return b'{"listenKey":"' + b"x" * (size - 16) + b'"}'
