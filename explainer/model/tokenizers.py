"""Tokenizers: text <-> integer ids, three kinds behind one interface.

- "word": words, single punctuation marks and newlines; unknown words -> <unk>.
- "char": one token per character; unknown characters -> <unk>.
- "bpe":  byte-level BPE (Hugging Face `tokenizers`); every string round-trips.
- "hf":   a wrapper around a pretrained Hugging Face tokenizer (not saveable).

Every tokenizer also gives `Token`s with character spans for the tokenization view.
"""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from explainer.format import byte_piece
from explainer.i18n import _

UNK = "<unk>"
MAX_WORD_CHARS = 40  # longer "words" are not learnt as tokens (word: <unk>; bpe: learnt in pieces)
FIT_MAX_CHARS = 2_000_000  # BPE learns its pieces from at most this much text
_LONG_RUN = re.compile(rf"(\S{{{MAX_WORD_CHARS}}})(?=\S)")


@dataclass(frozen=True)
class Token:
    id: int
    text: str  # the piece of the input this token stands for
    start: int  # character span in the input: text[start:end]
    end: int
    unknown: bool = False  # True when mapped to <unk>


_WORD_SPAN = re.compile(r"\w+(?:'\w+)*")


def split_words(text: str, tokens: list[Token]) -> list[tuple[str, list[Token]]]:
    """The words of `text` that the tokenizer cut into several of `tokens` (the text's own, or the last of them):
    (word, its tokens), in order. A word is a run of letters or digits (with inner apostrophes); a token overlapping
    it counts as one of its pieces. Only the words from the first token on are read (a long text cut to a model's
    context is read where it is kept, not through a million characters before it); a word the cut falls inside is
    given as the model reads it, its end after "…"."""
    first = tokens[0].start if tokens else len(text)
    start = first
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_'"):  # back to the start of its word
        start -= 1
    out = []
    for m in _WORD_SPAN.finditer(text, start):
        pieces = [t for t in tokens if t.start < m.end() and t.end > m.start()]
        if len(pieces) > 1:
            out.append((m.group() if m.start() >= first else "…" + text[first : m.end()], pieces))
    return out


class Tokenizer(ABC):
    kind: str
    unk_id: int | None = None

    @property
    @abstractmethod
    def vocab_size(self) -> int: ...

    @abstractmethod
    def tokens(self, text: str) -> list[Token]: ...

    @abstractmethod
    def decode(self, ids: list[int]) -> str: ...

    @abstractmethod
    def id_to_token(self, i: int) -> str: ...

    @abstractmethod
    def token_to_id(self, s: str) -> int | None: ...

    @abstractmethod
    def to_dict(self) -> dict: ...

    def token_bytes(self, i: int) -> bytes | None:
        """The bytes token `i` stands for, for a byte-level tokenizer (its tokens may cut a character); else None."""
        return None

    def byte_level_bpe(self) -> Any | None:
        """The Hugging Face `tokenizers.Tokenizer` of a byte-level BPE, whose merges can be replayed
        (analysis/token_merges.py); None for another kind."""
        return None

    def encode(self, text: str) -> list[int]:
        return [t.id for t in self.tokens(text)]

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), ensure_ascii=False), encoding="utf-8")

    def _check_id(self, i: int) -> None:
        if not 0 <= i < self.vocab_size:
            raise ValueError(
                _("token id {i} is outside the vocabulary (0..{vocab_size})").format(
                    i=i, vocab_size=self.vocab_size - 1
                )
            )


class _VocabTokenizer(Tokenizer):
    """Shared by word and char: an explicit list of strings, id 0 = <unk>."""

    unk_id = 0

    def __init__(self, vocab: list[str]):
        if not vocab or vocab[0] != UNK:
            raise ValueError(_("vocabulary must start with {unk!r}").format(unk=UNK))
        if len(set(vocab)) != len(vocab) or not all(isinstance(v, str) for v in vocab):
            raise ValueError(_("vocabulary entries must be distinct strings"))
        self.vocab = list(vocab)
        self._ids = {s: i for i, s in enumerate(vocab)}

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    def id_to_token(self, i: int) -> str:
        self._check_id(i)
        return self.vocab[i]

    def token_to_id(self, s: str) -> int | None:
        return self._ids.get(s)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "vocab": self.vocab}

    def _token(self, piece: str, start: int) -> Token:
        i = self._ids.get(piece)
        return Token(self.unk_id if i is None else i, piece, start, start + len(piece), i is None)


# A word (letters/digits/underscore, with in-word apostrophes: "what's"), a newline,
# or any other single non-space character. Other whitespace is dropped.
WORD_RE = re.compile(r"\w+(?:'\w+)*|\n|[^\w\s]")
NO_SPACE_BEFORE = frozenset(".,?!:;')\n")
NO_SPACE_AFTER = frozenset("(\n")


class WordTokenizer(_VocabTokenizer):
    kind = "word"

    def encode(self, text: str) -> list[int]:
        get = self._ids.get
        return [get(w, 0) for w in WORD_RE.findall(text)]

    def tokens(self, text: str) -> list[Token]:
        return [self._token(m.group(), m.start()) for m in WORD_RE.finditer(text)]

    def decode(self, ids: list[int]) -> str:
        out: list[str] = []
        prev = "\n"  # no leading space
        for i in ids:
            piece = self.id_to_token(i)
            if prev not in NO_SPACE_AFTER and piece not in NO_SPACE_BEFORE:
                out.append(" ")
            out.append(piece)
            prev = piece
        return "".join(out)


class CharTokenizer(_VocabTokenizer):
    kind = "char"

    def encode(self, text: str) -> list[int]:
        get = self._ids.get
        return [get(c, 0) for c in text]

    def tokens(self, text: str) -> list[Token]:
        return [self._token(c, i) for i, c in enumerate(text)]

    def decode(self, ids: list[int]) -> str:
        return "".join(self.id_to_token(i) for i in ids)


@cache
def _byte_decoder() -> dict[str, int]:
    """GPT-2's byte-level alphabet: printable stand-in character -> byte."""
    bs = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    cs = list(bs)
    extra = 0
    for b in range(256):
        if b not in bs:  # unprintable bytes get the code points from 256 up
            bs.append(b)
            cs.append(256 + extra)
            extra += 1
    return {chr(c): b for b, c in zip(bs, cs)}


def _raw_bytes(raw: str) -> bytes | None:
    """A byte-level token ("Ġthe") as the bytes it stands for; None if `raw` is not made of byte-level characters."""
    table = _byte_decoder()
    if not raw or any(c not in table for c in raw):
        return None
    return bytes(table[c] for c in raw)


def byte_level_display(raw: str) -> str | None:
    """A byte-level token ("Ġthe", "ðŁĺ") as readable text (" the", "⟨f0 9f 98⟩": part of a character, see
    format.byte_piece); None if `raw` is not made of byte-level characters."""
    data = _raw_bytes(raw)
    return None if data is None else byte_piece(data)


ENCODE_PIECE_CHARS = 1 << 10  # the built-in corpus: 3.8 s in pieces of 1,024 characters, 5.1 s of 16,384, 9.8 s whole


_PIECE_CUT = re.compile(r"(?<=\S)[ \n]")


def bpe_pieces(text: str, size: int = ENCODE_PIECE_CHARS) -> Iterator[str]:
    """`text` in pieces of about `size` characters that a byte-level BPE encodes to the ids of the whole. Each cut
    is where a space or a newline follows a character that is not a space ("cat| sat"): the GPT-2 split that the
    tokenizer applies first never joins a word or a sign to the space after it, so a piece starts there anyway.
    (Only those two: Python takes four control characters for spaces that the tokenizer takes for signs.) A text
    without such a place stays whole."""
    start = 0
    while len(text) - start > size and (cut := _PIECE_CUT.search(text, start + size)):
        yield text[start : cut.start()]
        start = cut.start()
    yield text[start:]


_BYTE_FALLBACK = re.compile(r"<0x([0-9A-Fa-f]{2})>")  # SentencePiece's byte tokens (Llama, Gemma...): "<0xE4>"


class BPETokenizer(Tokenizer):
    kind = "bpe"
    unk_id = None  # every byte has a token

    def __init__(self, hf):  # hf: tokenizers.Tokenizer
        self.hf = hf
        self._display: dict[str, int] | None = None

    @property
    def vocab_size(self) -> int:
        return self.hf.get_vocab_size()

    def encode(self, text: str) -> list[int]:
        """The ids; a long text in pieces, encoded as a batch (tokenizers reads one huge string slowly and on one
        core: the built-in corpus, 10 MB, took 10 s whole and 4 s in pieces, the same ids)."""
        if len(text) <= ENCODE_PIECE_CHARS:
            return self.hf.encode(text).ids
        return [i for enc in self.hf.encode_batch(list(bpe_pieces(text))) for i in enc.ids]

    def tokens(self, text: str) -> list[Token]:
        # A token holding only part of a multi-byte character spans that whole
        # character, so neighbouring byte pieces can share a span.
        enc = self.hf.encode(text)
        return [Token(i, text[s:e], s, e) for i, (s, e) in zip(enc.ids, enc.offsets)]

    def decode(self, ids: list[int]) -> str:
        for i in ids:
            self._check_id(i)
        return self.hf.decode(list(ids))

    def id_to_token(self, i: int) -> str:
        self._check_id(i)
        raw = self.hf.id_to_token(i)
        return byte_level_display(raw) or raw

    def token_bytes(self, i: int) -> bytes | None:
        self._check_id(i)
        return _raw_bytes(self.hf.id_to_token(i))

    def byte_level_bpe(self) -> Any | None:
        return self.hf

    def token_to_id(self, s: str) -> int | None:
        i = self.hf.token_to_id(s)  # the raw byte-level form, e.g. "Ġthe"
        if i is None:
            if self._display is None:
                self._display = {}
                for j in range(self.vocab_size):
                    self._display.setdefault(self.id_to_token(j), j)
            i = self._display.get(s)  # the display form, e.g. " the"
        return i

    def to_dict(self) -> dict:
        return {"kind": self.kind, "hf_json": self.hf.to_str()}


class HFTokenizer(Tokenizer):
    """Adapts a pretrained `transformers` fast tokenizer (special tokens are never added)."""

    kind = "hf"

    def __init__(self, tok):
        from tokenizers import decoders

        self.tok = tok
        self.unk_id = tok.unk_token_id
        self._byte_level = isinstance(tok.backend_tokenizer.decoder, decoders.ByteLevel)  # GPT-2 style
        self._vocab: dict[str, int] | None = None

    @property
    def vocab_size(self) -> int:
        return len(self.tok)

    def encode(self, text: str) -> list[int]:
        return self.tok(text, add_special_tokens=False, verbose=False)["input_ids"]

    def tokens(self, text: str) -> list[Token]:
        enc = self.tok(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
        unk = self.unk_id
        return [Token(i, text[s:e], s, e, i == unk) for i, (s, e) in zip(enc["input_ids"], enc["offset_mapping"])]

    def decode(self, ids: list[int]) -> str:
        return self.tok.decode(list(ids), clean_up_tokenization_spaces=False)

    def id_to_token(self, i: int) -> str:
        self._check_id(i)
        raw = self.tok.convert_ids_to_tokens(i)
        if self._byte_level:
            return byte_level_display(raw) or raw
        if m := _BYTE_FALLBACK.fullmatch(raw):
            return byte_piece(bytes([int(m.group(1), 16)]))
        text = self.decode([i])
        return text if text and "\ufffd" not in text else raw  # raw: special tokens

    def token_bytes(self, i: int) -> bytes | None:
        self._check_id(i)
        return _raw_bytes(self.tok.convert_ids_to_tokens(i)) if self._byte_level else None

    def byte_level_bpe(self) -> Any | None:
        from tokenizers import models

        backend = self.tok.backend_tokenizer
        return backend if self._byte_level and isinstance(backend.model, models.BPE) else None

    def token_to_id(self, s: str) -> int | None:
        if self._vocab is None:
            raw = self.tok.get_vocab()  # e.g. "Ġthe"
            shown = {byte_level_display(r): i for r, i in raw.items()} if self._byte_level else {}  # e.g. " the"
            shown.pop(None, None)
            self._vocab = {**shown, **raw}
        if s in self._vocab:
            return self._vocab[s]
        ids = self.encode(s)  # a readable form, for other tokenizer families
        return ids[0] if len(ids) == 1 else None

    def to_dict(self) -> dict:
        raise NotImplementedError(_("pretrained Hugging Face tokenizers are not saved by this app"))


# --------------------------------------------------------------------------- training


def train_tokenizer(
    kind: str, text: str, vocab_size: int | None = None, min_freq: int = 1, fit_chars: int = FIT_MAX_CHARS
) -> Tokenizer:
    """Build a tokenizer of `kind` from `text`. vocab_size counts every entry (incl. <unk>); BPE learns its
    pieces from the first `fit_chars` characters."""
    if vocab_size is not None and vocab_size < 1:
        raise ValueError(_("vocab_size must be positive, got {vocab_size}").format(vocab_size=vocab_size))
    if min_freq < 1:
        raise ValueError(_("min_freq must be at least 1, got {min_freq}").format(min_freq=min_freq))
    if kind == "word":
        counts = Counter(w for w in WORD_RE.findall(text) if len(w) <= MAX_WORD_CHARS)
        return WordTokenizer([UNK, *_most_common(counts, vocab_size, min_freq)])
    if kind == "char":
        return CharTokenizer([UNK, *sorted(_most_common(Counter(text), vocab_size, min_freq))])
    if kind == "bpe":
        return _train_bpe(text, 1024 if vocab_size is None else vocab_size, min_freq, fit_chars)
    raise ValueError(_("unknown tokenizer kind {kind!r}: expected 'word', 'char' or 'bpe'").format(kind=kind))


def _most_common(counts: Counter, vocab_size: int | None, min_freq: int) -> list[str]:
    """Entries by frequency (desc) then alphabetically, leaving room for <unk>."""
    ranked = sorted((s for s, n in counts.items() if n >= min_freq), key=lambda s: (-counts[s], s))
    return ranked if vocab_size is None else ranked[: vocab_size - 1]


def _train_bpe(text: str, vocab_size: int, min_freq: int, fit_chars: int = FIT_MAX_CHARS) -> BPETokenizer:
    from tokenizers import Tokenizer as HF
    from tokenizers import decoders, models, pre_tokenizers, trainers

    if vocab_size < 256:
        raise ValueError(
            _("bpe vocab_size must be at least 256 (one token per byte), got {vocab_size}").format(
                vocab_size=vocab_size
            )
        )
    hf = HF(models.BPE())
    hf.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    hf.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=min_freq,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    hf.train_from_iterator(_fitting_lines(text, fit_chars), trainer=trainer)
    return BPETokenizer(hf)


def _fitting_lines(text: str, fit_chars: int = FIT_MAX_CHARS) -> Iterator[str]:
    """What BPE learns from: the text's lines, with a space put into every run of more than MAX_WORD_CHARS
    non-space characters (the trainer's time grows with the square of a word's length: 200 KB of "a" took
    minutes), cut to `fit_chars` (FIT_MAX_CHARS unless the caller knows its text). Ordinary text is unchanged."""
    for line in text[:fit_chars].splitlines(keepends=True):
        yield _LONG_RUN.sub(r"\1 ", line) if len(line) > MAX_WORD_CHARS else line


# --------------------------------------------------------------------------- loading


def tokenizer_from_dict(d: Any) -> Tokenizer:
    if not isinstance(d, dict):
        raise ValueError(_("tokenizer data must be a JSON object"))
    kind = d.get("kind")
    if kind in ("word", "char"):
        vocab = d.get("vocab")
        if not isinstance(vocab, list):
            raise ValueError(_("{kind} tokenizer needs a 'vocab' list").format(kind=kind))
        return (WordTokenizer if kind == "word" else CharTokenizer)(vocab)
    if kind == "bpe":
        from tokenizers import Tokenizer as HF

        if not isinstance(d.get("hf_json"), str):
            raise ValueError(_("bpe tokenizer needs an 'hf_json' string"))
        try:
            return BPETokenizer(HF.from_str(d["hf_json"]))
        except Exception as e:  # the Rust side raises plain Exception
            raise ValueError(_("invalid bpe tokenizer data: {e}").format(e=e)) from None
    raise ValueError(_("unknown tokenizer kind {kind!r}: expected 'word', 'char' or 'bpe'").format(kind=kind))


def load_tokenizer(path: str | Path) -> Tokenizer:
    """Load a tokenizer saved with `save`; ValueError naming the file if it is not valid."""
    path = Path(path)
    try:
        return tokenizer_from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, UnicodeDecodeError) as e:  # JSONDecodeError is a ValueError
        raise ValueError(_("{path}: not a valid tokenizer file ({e})").format(path=path, e=e)) from None
