"""A lookup in the training text, beside the model: does the model just look its answers up?

A lookup (an n-gram model as long as it can be: the "infini-gram" of Liu et al., 2024) finds the longest end of a text
that the training text holds word for word, and counts the tokens that came after it there. It needs no training, and
it knows nothing past that end. The model read the same text; the pages set the two side by side: where the text was
read word for word they agree, and where it never was (a question typed with a slip, something never taught) the
lookup only sees the last few tokens, while the model reads the whole text.

Searched with numpy over the training text's tokens (2.5 million for the built-in model: 0.1 to 2 ms a lookup): the
places of the last token (from the places sorted by token, 4 bytes a token, no suffix array), kept while the token
before each matches the text's, one step back at a time.
"""

from __future__ import annotations

import hashlib
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import torch

from explainer.analysis.scale import count_words
from explainer.backends.base import Backend
from explainer.corpus.generator import builtin_corpus
from explainer.model.checkpoints import TOKENIZER, read_meta
from explainer.training.builtin import CORPUS_SEED
from explainer.training.data import text_digest
from explainer.training.runs import RunStore

ENCODE_PIECE = 200_000  # characters of the training text encoded at a time
PAGE_CHARS = 450  # a page of the training text, as the page shows it (a dozen lines)
PIECE_CHARS = 300  # a piece of it for the text box, at most
SCORED_PIECES = 100  # pieces of each kind on which the lookup and the model are scored (~2 s in all)
SCORE_DRAWS = 10_000  # the scored pieces' numbers start here: not the ones the page's buttons draw first
NEXT_CHARS = 40  # characters after a piece read to find the token that came next
SHARED_TEXTS = 4  # students' runs' training texts kept at once (each: a few to ~30 MB of ids and text)
_SHARED: dict[tuple, TrainingText] = {}  # (text digest, tokenizer digest, source, name) -> its tokens, oldest first
_SHARED_LOCK = threading.Lock()


@dataclass(frozen=True)
class Lookup:
    """What the training text holds after the end of a text."""

    length: int  # tokens of the text's end found there (0: not even its last token is followed by anything)
    after: dict[int, int]  # token id -> how many times it came next there
    whole: bool  # the whole text was found (nothing before it to miss)

    @property
    def times(self) -> int:
        """How often that end is followed by a token there."""
        return sum(self.after.values())

    def share(self, token: int) -> float:
        """How often `token` came next, of all times (0 when the end was never found)."""
        return self.after.get(token, 0) / self.times if self.after else 0.0

    def ranked(self) -> list[int]:
        """The tokens that came next, the most frequent first (the lowest id first among equals)."""
        return sorted(self.after, key=lambda t: (-self.after[t], t))

    def favourite(self) -> int | None:
        """The token that came next most often, None when the end was never found."""
        return self.ranked()[0] if self.after else None

    def tied(self) -> int:
        """How many other tokens came next as often as the favourite."""
        most = max(self.after.values(), default=0)
        return sum(n == most for n in self.after.values()) - 1 if self.after else 0


class TrainingText:
    """A model's training text as token ids, to look texts up in. Shared: read, never change."""

    def __init__(self, ids: np.ndarray, text: str = "", source: str | None = None, name: str = "", held_out: str = ""):
        self.ids = ids  # (N,) int16 or int32
        self.text = text  # the text itself, where it is known
        self.source = source  # a student's run: where its text comes from (RunSpec.source); None: the built-in model
        self.name = name  # and its text's name, as the training page names it
        self.held_out = held_out  # text of the same kind it was never trained on (its validation text), if known

    def page(self, n: int, chars: int = PAGE_CHARS) -> str:
        """The n-th page of the text shown: about `chars` characters from a line's start to a line's end, at a place
        drawn from `n` (the same page for the same n); inside a line longer than that, from a word to a word."""
        if len(self.text) <= chars:
            return self.text
        start = random.Random(f"page-{n}").randrange(len(self.text) - chars)
        line = self.text.rfind("\n", 0, start) + 1
        start = line if start - line <= chars else self.text.find(" ", start, start + chars) + 1 or start
        end = self.text.find("\n", start + chars, start + 2 * chars)
        if end < 0:  # no line ends near: after the last whole word
            end = self.text.rfind(" ", start, start + chars)
            end = end if end > start else start + chars
        return self.text[start:end]

    def read_piece(self, backend: Backend, n: int) -> str:
        """A piece of the training text that stops before a word, as `backend` reads it (`to_the_word`)."""
        return self.read_place(backend, n)[0]

    def read_place(self, backend: Backend, n: int) -> tuple[str, int]:
        """`read_piece` and where in the training text it starts (the same piece can be there more than once)."""
        start, cut = piece_span(self.text, n)
        return to_the_word(backend, self.text[start:cut]), start

    def unread_piece(self, backend: Backend, n: int) -> str:
        """A piece of the held-out text whose tokens, as the model reads them, are nowhere in the training text
        word for word (a held-out text of the same kind can repeat a training line: those are passed over), drawn
        from `n`; '' without a held-out text."""
        return self.unread_place(backend, n)[0]

    def unread_place(self, backend: Backend, n: int, tries: int = 20) -> tuple[str, int]:
        """`unread_piece` and where in the held-out text it starts."""
        if not self.held_out:
            return "", 0
        for k in range(tries):
            start, cut = piece_span(self.held_out, n * tries + k)
            found = to_the_word(backend, self.held_out[start:cut])
            if not self.lookup(backend.fit(backend.encode(found))[0]).whole:
                break
        return found, start  # (every try found whole: a text that repeats itself, its last)

    def __len__(self) -> int:
        return len(self.ids)

    @cached_property
    def words(self) -> int:
        """Its words, as the Scale page counts them (~0.6 s: counted once, when it is read)."""
        return count_words(self.text)

    @cached_property
    def _places(self) -> tuple[np.ndarray, np.ndarray]:
        """Every place of the text but the last, sorted by its token (then by place), and where each token's places
        start: a token's places without a scan of the whole text (9 million characters: 15 ms a lookup, now under
        1). 4 bytes a token."""
        order = np.argsort(self.ids[:-1], kind="stable").astype(np.int32)
        counts = np.bincount(self.ids[:-1], minlength=int(self.ids.max(initial=0)) + 1)
        return order, np.concatenate([[0], np.cumsum(counts)])

    def lookup(self, ids: list[int]) -> Lookup:
        """The longest end of `ids` found in the training text followed by a token, and what came next."""
        if not ids:
            return Lookup(0, {}, False)
        order, starts = self._places
        last = ids[-1]
        pos = order[starts[last] : starts[last + 1]] if 0 <= last < len(starts) - 1 else order[:0]  # (ascending)
        n = 1 if len(pos) else 0
        while n and n < len(ids):
            before = pos[pos >= n]
            before = before[self.ids[before - n] == ids[-1 - n]]
            if not len(before):
                break
            pos, n = before, n + 1
        if not n:
            return Lookup(0, {}, False)
        came, counts = np.unique(self.ids[pos + 1], return_counts=True)
        return Lookup(n, dict(zip(came.tolist(), counts.tolist())), n == len(ids))


@dataclass(frozen=True)
class Side:
    """One next word, as the lookup and the model give it."""

    token: int
    counted: int  # times it came after the lookup's end in the training text
    share: float  # of all those times
    probability: float  # the model's


def piece_span(text: str, n: int, max_chars: int = PIECE_CHARS) -> tuple[int, int]:
    """Where a piece of `text` starts and stops: inside a line, just before one of its words (there is a next word
    to guess), from the start of its paragraph, or of a line at most `max_chars` before; drawn from `n`."""
    rng = random.Random(f"piece-{n}")
    for _try in range(50):
        at = rng.randrange(len(text))
        line, end = text.rfind("\n", 0, at) + 1, text.find("\n", at)
        spaces = [line + i for i, c in enumerate(text[line : end if end >= 0 else len(text)]) if c == " "]
        if len(spaces) >= 3:
            cut = spaces[rng.randrange(2, len(spaces))]  # two words of the line at least before it
            break
    else:
        return 0, min(len(text), max_chars)  # no line of three words: a text without spaces
    para = text.rfind("\n\n", 0, line)
    start = para + 2 if para >= 0 else 0
    if cut - start > max_chars:  # a long paragraph: from the first line start near enough, else the line's
        near = text.find("\n", cut - max_chars, line)
        start = near + 1 if near >= 0 else line
    return start, cut


@dataclass(frozen=True)
class Guesses:
    """On how many pieces the lookup's first choice and the model's were the token that really came next."""

    lookup: int
    model: int
    pieces: int  # pieces scored


def who_guesses_better(backend: Backend, training: TrainingText, n: int = SCORED_PIECES) -> dict[str, Guesses]:
    """Each side's first choice after `n` pieces of the training text ("read") and, where there is a held-out text,
    `n` pieces of text it never read ("unread"), drawn as the page's buttons draw them but from numbers of their
    own, against the token that came next where the piece was taken from (~1 s a kind for the built-in model)."""
    kinds = {"read": (training.text, lambda k: training.read_place(backend, k))}
    if training.held_out:
        kinds["unread"] = (training.held_out, lambda k: training.unread_place(backend, k))
    return {kind: _scored(backend, training, source, draw, n) for kind, (source, draw) in kinds.items()}


def _scored(
    backend: Backend, training: TrainingText, source: str, draw: Callable[[int], tuple[str, int]], n: int
) -> Guesses:
    looked = model = scored = 0
    with torch.inference_mode():
        for k in range(SCORE_DRAWS, SCORE_DRAWS + 2 * n):
            text, at = draw(k)  # the piece and where it was cut from: the same words can be there before
            ids = backend.encode(text)
            more = backend.encode(source[at : at + len(text) + NEXT_CHARS])  # the piece and what came after it
            if more[: len(ids)] != ids or len(more) <= len(ids):
                continue  # (a piece whose tokens change with what follows it: another is drawn)
            kept, came = backend.fit(ids)[0], more[len(ids)]
            looked += training.lookup(kept).favourite() == came
            model += int(backend.next_token_logits(kept).argmax()) == came
            if (scored := scored + 1) == n:
                break
    return Guesses(looked, model, scored)


def to_the_word(backend: Backend, text: str) -> str:
    """`text`, which stops before a space and a word, with that space where `backend` reads a space as a token of its
    own (characters): its next token is then the word's first, not the space."""
    ids = backend.encode(text)
    return text + " " if not backend.token_str(backend.encode(text + " a")[len(ids)]).strip() else text


def next_words(backend: Backend, ids: list[int], found: Lookup, top: int = 6) -> list[Side]:
    """The lookup's `top` likeliest next tokens and the model's, with both numbers each, the model's likeliest
    first (then by the lookup's share)."""
    probs = backend.next_token_logits(ids).float().softmax(-1).cpu()  # (V,)
    mine = probs.topk(min(top, probs.numel())).indices.tolist()
    looked = found.ranked()[:top]
    tokens = list(dict.fromkeys(mine + looked))
    rows = [Side(t, found.after.get(t, 0), found.share(t), float(probs[t])) for t in tokens]
    return sorted(rows, key=lambda r: (-r.probability, -r.share))


def training_text(backend: Backend) -> TrainingText | None:
    """The text `backend` was trained on, as its tokens (~2 s for the built-in model: the corpus read back, encoded
    and its words counted), or None where the app does not have it: a Hugging Face model (its text is not shipped), a
    checkpoint folder trained elsewhere or on another text. Known are the built-in corpus, from what a checkpoint's
    metadata records of it (the shipped model and its twin), and a student's run on the training page, from the run
    kept on this server; each checked against the number of tokens its training counted."""
    try:
        meta = read_meta(backend.folder) if backend.folder is not None else {}
    except (OSError, ValueError):
        return None
    if isinstance(meta.get("spec"), dict):
        return _runs_training_text(backend, meta)
    text = _builtin_text(meta)
    return None if text is None else _read(backend, text, meta, held_out=builtin_corpus().valid_text)


def _read(backend: Backend, text: str, meta: dict, source=None, name="", held_out="") -> TrainingText | None:
    """`text` encoded as `backend` reads it, its words counted; None when its tokens are not as many as `meta` says
    its training counted."""
    found = TrainingText(encoded(backend, text), text, source, name, held_out)
    if meta.get("train_tokens", len(found)) != len(found):
        return None
    found.words  # noqa: B018  counted now, not on a student's first visit
    return found


def _builtin_text(meta: dict) -> str | None:
    """The built-in corpus's training text, for a checkpoint whose metadata names it (and its size)."""
    if meta.get("corpus_seed") != CORPUS_SEED or "corpus_bytes" not in meta:
        return None
    text = builtin_corpus().train_text
    return text if len(text) == meta["corpus_bytes"] else None  # else written by other code than today's


def _runs_training_text(backend: Backend, meta: dict) -> TrainingText | None:
    """A snapshot of a student's run ("use this model on every page"): the part of the run's text it trains on, kept
    on this server, up to where its validation part starts. Shared by every run with the same text and tokenizer: a
    class that trains on the built-in chats with the same tokens encodes them once, and keeps them once."""
    if not isinstance(meta.get("train_chars"), int) or "train_digest" not in meta:
        return None  # a snapshot from before the pages looked texts up in it
    spec = meta["spec"]
    whole = RunStore().snapshot_text(backend.folder, spec.get("source"))
    text = None if whole is None else whole[: meta["train_chars"]]
    if text is None or text_digest(text) != meta["train_digest"]:
        return None
    source, name = str(spec.get("source", "")), str(spec.get("source_name", ""))
    try:
        tokens = hashlib.blake2b((Path(backend.folder) / TOKENIZER).read_bytes(), digest_size=8).hexdigest()
    except OSError:  # the run was cleaned up meanwhile
        return None
    held_out = whole[meta["train_chars"] :]  # the run's validation part
    return _shared(
        (meta["train_digest"], tokens, source, name), lambda: _read(backend, text, meta, source, name, held_out)
    )


def tokens_read(backend: Backend) -> int | None:
    """How many tokens a student's run had read in training when it was handed to the pages (None: not a run's)."""
    try:
        seen = read_meta(backend.folder).get("tokens_seen") if backend.folder is not None else None
    except (OSError, ValueError):
        return None
    return seen if isinstance(seen, int) else None


def _shared(key: tuple, make: Callable[[], TrainingText | None]) -> TrainingText | None:
    """The TrainingText for `key`, made once (the lock is held while it is made: two first visits encode once) and
    kept while it is among the last SHARED_TEXTS made."""
    with _SHARED_LOCK:
        if key not in _SHARED:
            if (found := make()) is None:
                return None
            _SHARED[key] = found
            while len(_SHARED) > SHARED_TEXTS:
                del _SHARED[next(iter(_SHARED))]
        return _SHARED[key]


def encoded(backend: Backend, text: str, chars: int = ENCODE_PIECE) -> np.ndarray:
    """`text` as the backend's token ids, encoded about `chars` characters at a time, each part ending after a blank
    line (where the built-in corpus's tokens always break: the same ids as the whole text at once, checked): encoding
    10 MB at once held the tokenizer's offsets and strings for every token, ~390 MB for a moment; in parts, a few MB."""
    small = backend.info.vocab_size <= np.iinfo(np.int16).max + 1
    parts, start = [], 0
    with torch.inference_mode():
        while start < len(text):
            end = text.find("\n\n", start + chars)
            end = len(text) if end < 0 else end + 2
            parts.append(np.asarray(backend.encode(text[start:end]), dtype=np.int16 if small else np.int32))
            start = end
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)
