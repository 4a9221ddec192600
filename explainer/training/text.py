"""The text a run trains on: the built-in corpus, a file or pasted text (strict UTF-8, within size limits), or the
text column of a Hugging Face dataset (Hub ids only, read from the Hub: explainer/backends/hub.py). Every problem is
a ValueError with a one-line message meant for the user."""

from __future__ import annotations

from pathlib import Path

from explainer.backends.hub import dataset_text
from explainer.corpus.generator import builtin_corpus
from explainer.format import number
from explainer.i18n import _
from explainer.training.spec import SOURCES

MIN_CHARS = 2_000
MAX_BYTES = 5_000_000


def builtin_text() -> str:
    return builtin_corpus().train_text


def load_text(source: str, data: bytes | str | None = None, hf_id: str | None = None) -> str:
    """The training text for a source; ValueError with a one-line message on bad input."""
    if source == "builtin":
        return builtin_text()
    if source in ("upload", "paste"):
        if data is None:
            raise ValueError(_("No text given: upload a .txt/.md file or paste some text."))
        raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        return load_user_text(raw, MIN_CHARS, MAX_BYTES, what="text" if source == "paste" else "file")
    if source == "hf":
        return load_hf_text(hf_id or "")
    raise ValueError(
        _("unknown text source {source!r}: choose {sources}").format(source=source, sources=", ".join(SOURCES))
    )


def load_hf_text(dataset_id: str, max_chars: int = MAX_BYTES) -> str:
    """The text column of a Hugging Face dataset's train split (first max_chars characters). Hub ids only
    ('owner/name'), read from the Hub: a folder on the server is never read."""
    text = dataset_text(dataset_id.strip(), max_chars)
    if len(text.strip()) < MIN_CHARS:
        raise ValueError(
            _("The dataset's text is too short: {n_text} characters (need {min_chars}).").format(
                n_text=number(len(text.strip())), min_chars=number(MIN_CHARS)
            )
        )
    return text


def load_user_text(data: bytes, min_chars: int = 500, max_bytes: int = 5_000_000, what: str = "file") -> str:
    """Decode a training text (strict UTF-8; `what` is "file" for an upload, "text" when pasted);
    raise ValueError with a one-line reason if unusable."""
    the, give = f"The {what}", "upload" if what == "file" else "paste"
    if not data or not bytes(data).strip():
        raise ValueError(_("{the} is empty.").format(the=the))
    if len(data) > max_bytes:
        raise ValueError(
            _("{the} is too large: {n_data} bytes (the limit is {max_bytes} bytes).").format(
                the=the, n_data=number(len(data)), max_bytes=number(max_bytes)
            )
        )
    if b"\x00" in data:
        raise ValueError(
            _("{the} looks binary (it contains NUL bytes); please {give} plain UTF-8 text.").format(the=the, give=give)
        )
    try:
        text = bytes(data).decode("utf-8")
    except UnicodeDecodeError as e:
        raise ValueError(
            _("{the} is not valid UTF-8 text (bad byte at position {start}).").format(the=the, start=e.start)
        ) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    n = len(text.strip())
    if n < min_chars:
        raise ValueError(
            _("The text is too short: {n} characters (at least {min_chars} are needed).").format(
                n=number(n), min_chars=number(min_chars)
            )
        )
    return text


def read_text_file(path: str) -> bytes:
    """A text file's bytes for `load_text("upload", ...)`, refused before reading if it is too large."""
    p = Path(path).expanduser()
    if not p.exists():
        raise ValueError(_("{path}: no such file").format(path=path))
    if not p.is_file():
        raise ValueError(_("{path}: not a file (a folder or a device): give a text file").format(path=path))
    if p.stat().st_size > MAX_BYTES:
        raise ValueError(
            _("{path}: too large, {st_size} bytes (the limit is {max_bytes} bytes)").format(
                path=path, st_size=number(p.stat().st_size), max_bytes=number(MAX_BYTES)
            )
        )
    try:
        return p.read_bytes()
    except OSError as e:
        raise ValueError(_("{path}: cannot read it ({strerror})").format(path=path, strerror=e.strerror)) from None
