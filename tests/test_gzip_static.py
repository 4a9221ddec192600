"""Streamlit's front end sent gzip-compressed (explainer/ui/gzip_static.py), around Streamlit's own static handler:
the bytes a browser unpacks are the file's, Streamlit's headers and answers stay (cache, 304, 400, the page fallback),
and whatever should not be compressed passes through as Streamlit sends it. The real server's wiring (app_server.py):
tests/e2e/test_browser.py checks what Chromium received."""

from __future__ import annotations

import gzip
from pathlib import Path

import anyio
import pytest
from streamlit import file_util
from streamlit.web.server.starlette.starlette_static_routes import create_streamlit_static_handler

from explainer.ui import gzip_static
from explainer.ui.gzip_static import GzipStatic
from explainer.ui.shell.chart_code import plotly_chunk

ROOT = Path(file_util.get_static_dir())
PLOTLY = f"/static/js/{plotly_chunk()}"
GZIP = ("accept-encoding", "gzip, deflate, br, zstd")  # what Chromium sends


def app(base_url: str = "") -> GzipStatic:
    return GzipStatic(create_streamlit_static_handler(str(ROOT), base_url), root=ROOT, base_url=base_url)


async def _ask(application, path: str, method: str, headers) -> tuple[int, dict[str, str], bytes, list[str]]:
    scope = {
        "type": "http", "method": method, "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "scheme": "http", "server": ("127.0.0.1", 8501), "http_version": "1.1",
        "headers": [(k.encode(), v.encode()) for k, v in headers], "extensions": {"http.response.pathsend": {}},
    }  # fmt: skip
    sent, asked = [], []

    async def receive():  # the request, then nothing until the answer is sent (as a server's connection does)
        if asked:
            await anyio.sleep_forever()
        asked.append(1)
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    await application(scope, receive, send)
    start, *rest = sent
    heads = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    body = b"".join(
        Path(m["path"]).read_bytes() if "path" in m else m.get("body", b"") for m in rest
    )  # pathsend: a file
    return start["status"], heads, body, [m["type"] for m in sent]


def ask(path: str, *headers: tuple[str, str], method: str = "GET", application=None):
    return anyio.run(_ask, application or app(), path, method, headers)


def test_a_browser_that_takes_gzip_unpacks_the_files_own_bytes_with_streamlits_headers() -> None:
    plain_status, plain, raw, _ = ask(PLOTLY)
    status, heads, body, kinds = ask(PLOTLY, GZIP)
    assert plain_status == status == 200 and raw == (ROOT / PLOTLY.lstrip("/")).read_bytes()
    assert heads["content-encoding"] == "gzip" and gzip.decompress(body) == raw
    assert int(heads["content-length"]) == len(body) < len(raw) / 3, "plotly's 4.7 MB: about 1.4 MB"
    assert heads["vary"] == "Accept-Encoding" and "accept-ranges" not in heads
    assert heads["cache-control"] == plain["cache-control"] and "immutable" in heads["cache-control"]
    assert heads["etag"] == "W/" + plain["etag"], "the same ETag, weak: it names the file, not these bytes"
    assert heads["content-type"] == plain["content-type"]
    assert kinds == ["http.response.start", "http.response.body"], "one body, no file sent by path"
    assert "content-encoding" not in plain


@pytest.mark.parametrize("encoding", ["", "identity", "gzip;q=0", "br, gzip; q=0.0", "*;q=0"])
def test_a_browser_that_refuses_gzip_gets_the_file_as_it_is(encoding: str) -> None:
    status, heads, body, _ = ask(PLOTLY, ("accept-encoding", encoding))
    assert status == 200 and "content-encoding" not in heads
    assert body == (ROOT / PLOTLY.lstrip("/")).read_bytes()


@pytest.mark.parametrize("encoding", ["GZIP", "deflate, gzip;q=0.5", "*"])
def test_gzip_named_any_way_a_browser_may(encoding: str) -> None:
    assert ask(PLOTLY, ("accept-encoding", encoding))[1]["content-encoding"] == "gzip"


def test_streamlits_own_answers_stay() -> None:
    """A revalidation with the weak ETag (304), a range (206 of the file), a HEAD (no body), a path out of the
    folder (400), a missing file (the page's HTML, as Streamlit falls back to it), a font (compressed already)."""
    etag = ask(PLOTLY, GZIP)[1]["etag"]
    assert ask(PLOTLY, GZIP, ("if-none-match", etag))[0] == 304
    status, heads, body, _ = ask(PLOTLY, GZIP, ("range", "bytes=0-99"))
    assert status == 206 and len(body) == 100 and "content-encoding" not in heads
    status, heads, body, _ = ask(PLOTLY, GZIP, method="HEAD")
    assert status == 200 and body == b"" and heads["content-encoding"] == "gzip" and int(heads["content-length"]) > 0
    assert ask("/static/../../../../etc/passwd", GZIP)[0] == 400
    status, heads, body, _ = ask("/static/js/no-such-chunk.js", GZIP)
    assert status == 200 and "content-encoding" not in heads and body.lstrip().startswith(b"<!")
    font = next((ROOT / "static" / "media").glob("*.woff2")).name
    status, heads, _, _ = ask(f"/static/media/{font}", GZIP)
    assert status == 200 and "content-encoding" not in heads


def test_under_a_base_path_too() -> None:
    status, heads, body, _ = ask(f"/class{PLOTLY}", GZIP, application=app("class"))
    assert status == 200 and heads["content-encoding"] == "gzip" and gzip.decompress(body)[:100]


def test_a_class_arriving_at_once_waits_on_one_compression(monkeypatch: pytest.MonkeyPatch) -> None:
    compressions = []
    real = gzip_static.gzip.compress
    monkeypatch.setattr(gzip_static.gzip, "compress", lambda *a, **k: compressions.append(1) or real(*a, **k))
    application = app()

    async def class_of(n: int) -> list[bytes]:
        bodies: list[bytes] = [b""] * n

        async def student(i: int) -> None:
            bodies[i] = (await _ask(application, PLOTLY, "GET", [GZIP]))[2]

        async with anyio.create_task_group() as tg:
            for i in range(n):
                tg.start_soon(student, i)
        return bodies

    bodies = anyio.run(class_of, 8) + anyio.run(class_of, 2)
    assert len(compressions) == 1 and len(set(bodies)) == 1


def test_compressed_ahead_no_visitor_waits_on_a_compression(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's server compresses every file worth it when it starts (largest first): a request then compresses
    nothing; the fonts stay out."""
    ahead = GzipStatic(create_streamlit_static_handler(str(ROOT), ""), root=ROOT, base_url="", ahead=True)
    ahead.ahead.join(60)
    done = {f.relative_to(ROOT).as_posix() for f in ahead._gzipped}
    assert PLOTLY.lstrip("/") in done and not any(name.endswith(".woff2") for name in done)
    monkeypatch.setattr(gzip_static.gzip, "compress", lambda *a, **k: pytest.fail("compressed at a request"))
    status, heads, body, _ = ask(PLOTLY, GZIP, application=ahead)
    assert status == 200 and gzip.decompress(body) == (ROOT / PLOTLY.lstrip("/")).read_bytes()
