"""Does the model tell the two meanings of a word apart? Measures for the meaning-in-context page.

One word ("bank") in many sentences, each using one of its two senses (river / money). The word is one
token, so every sentence starts from the same embedding; the layers then mix in the context. Per stage
(token embedding, + position, after each layer) these functions give:

- `sense_vectors`: the word's vector in every sentence at every stage, with the sentence's sense;
- `sense_positions`: where each sentence's vector sits between the two meanings' mean vectors (one number per
  sentence and stage: the page's picture);
- `probe_accuracy`: a leave-one-out nearest-sense-mean probe, the sign of that position (chance = 0.5; exactly 0.5
  at the token embedding, where every vector is the same);
- `untrained_accuracy`: the same probe on the same network with random weights, before any training: the
  positions and the mixing of words alone already tell some sentences apart (the built-in model's "bank": 75 %
  after the last layer untrained, 90 % trained), so that is the baseline to read the trained model's figure against;
- `continuations` and `common_continuations`: what the model writes after the word in each sentence, and what it
  wrote most often after each meaning ("bank of the river." 9 of 20; after the money's bank, "bank." 11). The
  vector at the word predicts the next token, so read through the unembedding at once it names what usually
  follows a bank (" near", " of"), not what the bank is; a few tokens of the model's own writing do.

Plain numpy/torch on the Backend interface (`tokenize`, `trace`, `embedding_matrix`, `generate`), so it
works for Hugging Face models too. Shapes: N sentences, S stages, D model width, V vocabulary.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import torch

from explainer.analysis.embeddings import word_position
from explainer.backends.base import same_length_batches
from explainer.model.sampling import SamplingParams

CONTINUATION_TOKENS = 6  # what the model writes after the word: at most this many tokens
SHOWN_CONTINUATIONS = 4  # `common_continuations`: the most common this many, per meaning


@dataclass(frozen=True)
class SenseVectors:
    word: str
    sentences: list[str]  # N, in order
    senses: np.ndarray  # (N,) 0 or 1
    vectors: np.ndarray  # (N, S, D) the word's vector (its last token) at every stage
    token_ids: list[int]  # (N,) the token followed in each sentence
    skipped: list[str]  # sentences where the word was not found (or was cut off)
    prefixes: list[list[int]]  # (N,) each sentence's tokens up to the word, the word included


def sense_vectors(backend, word: str, by_sense: tuple[list[str], list[str]] | list[list[str]]) -> SenseVectors:
    """The word's vector in each sentence at each stage; by_sense = (sense-0 sentences, sense-1 sentences).
    Sentences of one token length go through the model together (`Backend.residual_streams`)."""
    found, skipped = [], []  # found: (sense, sentence, kept tokens, index of the word's last token)
    for sense, group in enumerate(by_sense):
        for s in group:
            where = word_position(backend, s, word)
            if where is None:
                skipped.append(s)
            else:
                found.append((sense, s, where[0], where[1]))
    d, n_stages = backend.info.d_model, backend.info.n_layer + 2
    vectors = np.zeros((len(found), n_stages, d), np.float32)
    table = backend.embedding_matrix()  # (V, D)
    for group in same_length_batches([kept for _sense, _s, kept, _index in found], size=None):
        streams = backend.residual_streams([found[k][2] for k in group])  # (L + 1, n, T, D)
        for r, k in enumerate(group):
            _sense, _s, kept, index = found[k]
            vectors[k, 0] = table[kept[index]].numpy()
            vectors[k, 1:] = streams[:, r, index].numpy()
    senses = np.asarray([sense for sense, *_rest in found])
    ids = [kept[index] for *_rest, kept, index in found]
    prefixes = [kept[: index + 1] for *_rest, kept, index in found]
    sentences = [s for _sense, s, *_rest in found]
    return SenseVectors(word, sentences, senses, vectors, ids, skipped, prefixes)


def sense_positions(vectors: np.ndarray, senses: np.ndarray) -> np.ndarray:
    """(N, S, D), (N,) senses 0 / 1 -> (N, S): where each sentence's vector sits between the two meanings' mean
    vectors at each stage, both means taken without it (leave one out): -1 on meaning 0's mean, +1 on meaning 1's,
    0 halfway. It is the projection on the line through the two means, so a vector is nearer meaning 1's mean
    exactly when its position is above 0: the sign is the nearest-mean guess of `probe_hits`. 0 where the two means
    coincide (every vector the same); nan where the sentence's own meaning has no other sentence."""
    x = np.asarray(vectors, dtype=np.float64)
    senses = np.asarray(senses)
    n, s, _ = x.shape
    out = np.full((n, s), np.nan)
    sums = [x[senses == k].sum(0) for k in (0, 1)]  # (S, D) each
    counts = [int((senses == k).sum()) for k in (0, 1)]
    for i in range(n):
        others = [counts[k] - int(senses[i] == k) for k in (0, 1)]
        if min(others) == 0:
            continue
        mean = [(sums[k] - (x[i] if senses[i] == k else 0)) / others[k] for k in (0, 1)]  # (S, D) each
        d = mean[1] - mean[0]  # (S, D)
        gap = (d * d).sum(-1)  # (S,) squared distance between the means
        apart = gap > 1e-18 * ((mean[0] ** 2).sum(-1) + (mean[1] ** 2).sum(-1))  # not one point up to rounding
        along = ((x[i] - (mean[0] + mean[1]) / 2) * d).sum(-1)  # (S,)
        out[i] = np.where(apart, 2 * along / np.where(apart, gap, 1.0), 0.0)
    return out


def probe_hits(vectors: np.ndarray, senses: np.ndarray) -> np.ndarray:
    """(N, S, D), (N,) senses 0 / 1 -> (N, S): 1 where the leave-one-out nearest-sense-mean probe tells the
    sentence's sense right at that stage, 0 where wrong, 0.5 on a tie.

    Each sentence's vector is compared (Euclidean distance) with the mean vector of each sense computed without it
    (`sense_positions`: nearer meaning 1 where its position is above 0). A tie counts as half right, so identical
    vectors score exactly 0.5 (chance); a sentence whose meaning has no other sentence counts as wrong."""
    where = sense_positions(vectors, senses)  # (N, S)
    right = np.where(np.asarray(senses)[:, None] == 1, where > 0, where < 0)
    return np.where(np.isnan(where), 0.0, np.where(np.abs(where) <= 1e-9, 0.5, right.astype(float)))


def probe_accuracy(vectors: np.ndarray, senses: np.ndarray) -> np.ndarray:
    """(N, S, D), (N,) -> (S,) leave-one-out accuracy of the nearest sense mean, per stage (see `probe_hits`)."""
    hits = probe_hits(vectors, senses)
    return hits.mean(0) if len(hits) else np.zeros(np.asarray(vectors).shape[1])


UNTRAINED_SEEDS = (0, 1, 2)  # random networks averaged for the baseline: one alone swings by ±10 points per word


def untrained_accuracy(backend, word: str, by_sense, seeds: tuple[int, ...] = UNTRAINED_SEEDS) -> np.ndarray:
    """(S,) the probe's accuracy per stage on the same network with random weights (`Backend.untrained`), the mean
    over `seeds`: what the architecture does before it has learned anything."""
    runs = []
    for seed in seeds:
        sv = sense_vectors(backend.untrained(seed), word, by_sense)
        runs.append(probe_accuracy(sv.vectors, sv.senses))
    return np.mean(runs, axis=0)


@torch.inference_mode()
def continuations(backend, sv: SenseVectors, max_new: int = CONTINUATION_TOKENS) -> list[str]:
    """What the model writes after the word in each sentence cut right after it: its likeliest token each time,
    up to `max_new` tokens or the end of the sentence. The model reads only the words before, so what it expects
    next shows which meaning it took from them ("bank" → "of the river" or "to get some money")."""
    out = []
    for prefix in sv.prefixes:
        text = ""
        for step in backend.generate(prefix, max_new, SamplingParams(temperature=0), stop=_sentence_ends):
            text += step.text
        out.append(text.split("\n")[0].strip())
    return out


def common_continuations(
    sv: SenseVectors, written: list[str], k: int = SHOWN_CONTINUATIONS
) -> list[list[tuple[str, int]]]:
    """Per sense, [sense0, sense1]: the `k` continuations (`continuations`) the model wrote most often after that
    meaning's sentences, each read on from the word ("bank of the river.", "bank." where it ended the sentence, "…"
    where it was cut short), with in how many of its sentences; the most common first, ties in the order written.
    Whole continuations, not words picked out of them: after the money's "bank" the built-in model wrote "into the
    water." twice, and a list of words that come up after one meaning more than the other named "water" a word of
    the money's bank."""
    out = []
    for k_sense in (0, 1):
        counts = Counter(_read_on(sv.word, t) for t, s in zip(written, sv.senses) if s == k_sense)
        out.append(counts.most_common(k))  # Counter keeps first-seen order among ties
    return out


def _read_on(word: str, text: str) -> str:
    """The word and what the model wrote after it, as one phrase."""
    cut = "" if not text or _sentence_ends(text[-1]) else " …"
    gap = "" if not text or not text[0].isalnum() else " "
    return f"{word}{gap}{text}{cut}"


def _sentence_ends(text: str) -> bool:
    return any(c in text for c in ".!?\n")


def probe_table(backend, probes: dict[str, tuple[list[str], list[str]]]) -> dict[str, np.ndarray]:
    """word -> (S,) probe accuracy per stage, for every word of `probes` (e.g. corpus.PROBE_SENTENCES)."""
    out = {}
    for word, by_sense in probes.items():
        sv = sense_vectors(backend, word, by_sense)
        out[word] = probe_accuracy(sv.vectors, sv.senses)
    return out
