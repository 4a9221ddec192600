"""How a byte-level BPE tokenizer builds a text's tokens: it starts from the text's bytes and joins neighbours by the
merges it learnt from its training text, the pair learnt first (the most frequent one) first. Replayed here, one merge
at a time, and checked against the tokenizer's own tokens (a replay that disagrees is not shown)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from explainer.model.tokenizers import Tokenizer, byte_level_display

Pair = tuple[str, str]  # two neighbouring pieces in the tokenizer's raw byte-level form ("Ġt", "he")


@dataclass(frozen=True)
class Merges:
    """What a byte-level BPE learnt: its merges in the order learnt and its vocabulary (raw forms -> ids)."""

    pairs: tuple[Pair, ...]
    rank: dict[Pair, int]  # a pair's place in that order (0: learnt first)
    vocab: dict[str, int]

    @property
    def n_merges(self) -> int:
        return len(self.pairs)


def learnt_merges(tokenizer: Tokenizer) -> Merges | None:
    """The tokenizer's merges, for a byte-level BPE (the built-in model's, GPT-2's, Qwen's); None for another kind."""
    hf = tokenizer.byte_level_bpe()
    if hf is None:
        return None
    model = json.loads(hf.to_str())["model"]
    pairs = tuple(tuple(p.split(" ", 1)) if isinstance(p, str) else tuple(p) for p in model["merges"])
    return Merges(pairs, {p: r for r, p in enumerate(pairs)}, dict(model["vocab"]))


@dataclass(frozen=True)
class Step:
    """One merge the text uses."""

    rank: int  # its place in the order learnt (0: the first)
    left: str  # the two pieces it joins, readable (" t", "he")
    right: str
    uses: int  # how many places in the text it joins


@dataclass(frozen=True)
class Assembly:
    """A text from its bytes to its tokens: the merges it uses, in the order they were learnt."""

    words: tuple[tuple[str, ...], ...]  # the text as the tokenizer splits it before merging, each part's bytes (raw)
    steps: tuple[Step, ...]
    merges: Merges

    @property
    def n_bytes(self) -> int:
        return sum(map(len, self.words))

    def _raw(self, n_steps: int) -> list[str]:
        limit = self.steps[n_steps - 1].rank + 1 if n_steps else 0
        return [p for w in self.words for p in _merge(list(w), self.merges.rank, limit)[0]]

    def pieces(self, n_steps: int) -> list[str]:
        """The text's pieces (readable) once its first `n_steps` merges are made: its bytes at 0, its tokens at
        len(steps)."""
        return [_shown(p) for p in self._raw(n_steps)]

    def ids(self, n_steps: int) -> list[int]:
        """Each of those pieces' token id."""
        return [self.merges.vocab[p] for p in self._raw(n_steps)]

    def joined(self, n_steps: int) -> list[bool]:
        """Which of those pieces the last of those merges made (none at 0)."""
        now = self._raw(n_steps)
        if not n_steps:
            return [False] * len(now)
        before = set(_spans(self._raw(n_steps - 1)))
        return [span not in before for span in _spans(now)]

    def counts(self) -> list[int]:
        """How many pieces the text is in after each number of merges, 0..len(steps)."""
        out = [self.n_bytes]
        for s in self.steps:
            out.append(out[-1] - s.uses)
        return out


def _spans(pieces: list[str]) -> list[tuple[int, int]]:
    """Each piece's (start, end) in the text's bytes."""
    ends = list(accumulate(map(len, pieces)))
    return [(end - len(p), end) for p, end in zip(pieces, ends)]


def _merge(symbols: list[str], rank: dict[Pair, int], limit: int) -> tuple[list[str], list[int]]:
    """One word's pieces after BPE with the merges learnt before `limit`, and the rank of each join made: again and
    again, the neighbours whose merge was learnt first are joined (every place they stand, left to right)."""
    made = []
    while len(symbols) > 1:
        best = min(rank.get(p, limit) for p in zip(symbols, symbols[1:]))
        if best >= limit:
            break
        joined, i = [], 0
        while i < len(symbols):
            if i + 1 < len(symbols) and rank.get((symbols[i], symbols[i + 1])) == best:
                joined.append(symbols[i] + symbols[i + 1])
                made.append(best)
                i += 2
            else:
                joined.append(symbols[i])
                i += 1
        symbols = joined
    return symbols, made


def assemble(tokenizer: Tokenizer, merges: Merges, text: str) -> Assembly | None:
    """How `text` is built from its bytes; None when the replay does not give the tokenizer's own tokens (a special
    token such as <|endoftext|> in the text, or a tokenizer that bends the plain BPE rule)."""
    hf: Any = tokenizer.byte_level_bpe()
    if hf is None or not text:
        return None
    normal = hf.normalizer.normalize_str(text) if hf.normalizer is not None else text
    words = tuple(tuple(w) for w, _span in hf.pre_tokenizer.pre_tokenize_str(normal))
    uses: dict[int, int] = {}
    final = []
    for w in words:
        pieces, made = _merge(list(w), merges.rank, merges.n_merges)
        final += pieces
        for r in made:
            uses[r] = uses.get(r, 0) + 1
    if [merges.vocab.get(p) for p in final] != tokenizer.encode(text):
        return None
    steps = tuple(Step(r, *readable(merges.pairs[r]), n) for r, n in sorted(uses.items()))
    return Assembly(words, steps, merges)


def readable(pair: Pair) -> Pair:
    """A merge's two pieces as a student reads them (" t", "he"; part of a character as its bytes, ⟨e4⟩)."""
    return _shown(pair[0]), _shown(pair[1])


def longest(merges: Merges, n: int) -> list[str]:
    """The `n` longest tokens the merges made (in bytes), readable; ties in the order learnt."""
    made = sorted(range(merges.n_merges), key=lambda r: -len("".join(merges.pairs[r])))[:n]
    return [_shown("".join(merges.pairs[r])) for r in made]


def _shown(raw: str) -> str:
    return byte_level_display(raw) or raw
