"""Streamlit's own JavaScript and CSS sent gzip-compressed, each file compressed once per server process.

Streamlit serves its front end (`/static/...`) uncompressed, on purpose: its gzip middleware would compress every
file again for every browser, and a deployment usually has a proxy in front that compresses. A classroom server is
often `make run` on the teacher's laptop, with no proxy, and thirty students sharing one Wi-Fi link: a student's
first visit fetched 8.4 MB, of which plotly's chart code alone is 4.7 MB (`bench/page_weight.py`). Compressed
once here and kept in memory, the same visit is 2.9 MB.

With `ahead=True` (the app's server) a background thread compresses every such file when the server starts, largest
first (about 1.3 s of one core, 7 MB kept), so that no visitor waits on a compression; a file asked for before the
thread got to it is compressed at the request, once.

`GzipStatic` is ASGI middleware around Streamlit's app (`app_server.py`, `st.App`). Streamlit still answers every
request (its path checks, its cache headers, 304s, the page fallback); when its answer is a 200 for a compressible
file that the browser accepts gzip for, the middleware sends the compressed bytes in place of the file's and drops
the file's own body. Anything else passes through untouched: a range request, a browser without gzip, a fonts' file
(woff2 is compressed already), a page's HTML.
"""

from __future__ import annotations

import gzip
import logging
import re
from functools import partial
from pathlib import Path

import anyio
from streamlit import config, file_util

from explainer.ui.shell.background import run_pieces

COMPRESSIBLE = {".js", ".css", ".json", ".svg", ".map", ".txt", ".ttf"}
MIN_BYTES = 1024  # below this, the gzip header and a round of compression gain nothing
LEVEL = 9  # compressed once per file and process: the smallest output is worth the 0.3 s plotly's chunk takes
DROPPED = (b"content-length", b"content-encoding", b"etag", b"vary", b"accept-ranges")  # replaced, or untrue of gzip


class GzipStatic:
    """ASGI middleware: the compressible files under `/static/` of Streamlit's static folder, gzip-compressed."""

    def __init__(self, app, root: str | Path | None = None, base_url: str | None = None, ahead: bool = False) -> None:
        self.app = app
        self.root = Path(root or file_util.get_static_dir()).resolve()
        base = (config.get_option("server.baseUrlPath") if base_url is None else base_url) or ""
        self.prefix = "/" + "/".join(p for p in (base.strip("/"), "static/") if p)
        self._gzipped: dict[Path, bytes] = {}  # written by the event loop and the thread: whole values, same bytes
        self._locks: dict[Path, anyio.Lock] = {}
        self.ahead = run_pieces("gzip-static", self._pieces(), _failed) if ahead else None

    def _pieces(self):
        """Every file worth compressing under static/, largest first (plotly's chunk is the first a class needs)."""
        files = [f for f in (self.root / "static").rglob("*") if _worth_compressing(f)]
        for file in sorted(files, key=lambda f: -f.stat().st_size):
            yield partial(self._compress, file)

    def _compress(self, file: Path) -> None:
        """Compress `file` unless that is done (in a thread: zlib lets go of the interpreter lock while it works)."""
        if file not in self._gzipped:
            self._gzipped[file] = gzip.compress(file.read_bytes(), LEVEL, mtime=0)

    async def __call__(self, scope, receive, send) -> None:
        file = self._compressible(scope)
        if file is None:
            await self.app(scope, receive, send)
            return
        extensions = {k: v for k, v in scope.get("extensions", {}).items() if k != "http.response.pathsend"}
        sent = []  # our answer, once sent

        async def send_gzipped(message) -> None:
            kind = message["type"]
            if kind == "http.response.start" and message["status"] == 200:
                body = await self.gzipped(file)
                await send({**message, "headers": _gzip_headers(message["headers"], len(body))})
                await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
                sent.append(True)
            elif kind == "http.response.body" and sent:
                pass  # the file's own bytes, already sent compressed
            else:  # a 304, a 404, a redirect: Streamlit's answer as it is
                await send(message)

        await self.app({**scope, "extensions": extensions}, receive, send_gzipped)

    def _compressible(self, scope) -> Path | None:
        """The static file a GET or HEAD asks for, if it is worth compressing and the browser takes gzip."""
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return None
        path = scope.get("path", "")
        if not path.startswith(self.prefix) or "\\" in path or "//" in path:
            return None
        headers = dict(scope.get("headers", []))
        if b"range" in headers or not _takes_gzip(headers.get(b"accept-encoding", b"")):
            return None
        relative = path[len(self.prefix) - len("static/") :]
        file = (self.root / relative).resolve()
        return file if file.is_relative_to(self.root) and _worth_compressing(file) else None

    async def gzipped(self, file: Path) -> bytes:
        """The file's bytes compressed, once per process: a class arriving at once waits on one compression."""
        if file not in self._gzipped:
            async with self._locks.setdefault(file, anyio.Lock()):
                await anyio.to_thread.run_sync(self._compress, file)
        return self._gzipped[file]


def _worth_compressing(file: Path) -> bool:
    return file.suffix in COMPRESSIBLE and file.is_file() and file.stat().st_size >= MIN_BYTES


def _failed(piece, e: Exception) -> None:  # that file is compressed at its first request instead
    logging.getLogger(__name__).warning("compressing ahead failed: %s: %s", type(e).__name__, e)


def _takes_gzip(accept_encoding: bytes) -> bool:
    """Whether an Accept-Encoding header allows gzip, by name or as `*` (`gzip;q=0` refuses it)."""
    params = {}
    for item in accept_encoding.decode("latin-1").lower().split(","):
        name, _, weight = item.strip().partition(";")
        params[name.strip()] = weight.replace(" ", "")
    weight = params.get("gzip", params.get("*"))
    return weight is not None and not re.fullmatch(r"q=0(\.0*)?", weight)


def _gzip_headers(headers: list[tuple[bytes, bytes]], length: int) -> list[tuple[bytes, bytes]]:
    """Streamlit's headers for the file, for its compressed bytes: their length, the encoding, a weak ETag (the same
    one, so that Streamlit's check of a browser's If-None-Match still answers 304), and Vary."""
    out = [(k, v) for k, v in headers if k.lower() not in DROPPED]
    etag = next((v for k, v in headers if k.lower() == b"etag"), None)
    if etag is not None:
        out.append((b"etag", etag if etag.startswith(b"W/") else b"W/" + etag))
    return [
        *out,
        (b"content-encoding", b"gzip"),
        (b"content-length", str(length).encode()),
        (b"vary", b"Accept-Encoding"),
    ]
