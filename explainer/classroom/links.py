"""Addresses for a class: a page of this server as the students' own devices reach it."""

from __future__ import annotations

import socket
from urllib.parse import urlencode, urlsplit, urlunsplit

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def reachable(url: str, query: dict[str, str] | None = None) -> str:
    """`url` (with `query` as its parameters, if given) as another device on this network opens it: a local host
    (the teacher's browser says localhost) becomes this machine's address on its network."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    if host in LOCAL_HOSTS:
        host = network_address() or host
    netloc = f"{host}:{parts.port}" if parts.port else host
    params = parts.query if query is None else urlencode(query)
    return urlunsplit((parts.scheme or "http", netloc, parts.path, params, ""))


def network_address() -> str | None:
    """This machine's address on its network (None if it has none): the address a datagram socket would send from.
    Connecting a datagram socket sends nothing."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))
            address = s.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") else address
