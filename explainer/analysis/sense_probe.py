"""Does the model tell the two meanings of a word apart? Measures for the meaning-in-context page.

One word ("bank") in many sentences, each using one of its two senses (river / money). The word is one
token, so every sentence starts from the same embedding; the layers then mix in the context. Per stage
(token embedding, + position, after each layer) these functions give:

- `sense_vectors`: the word's vector in every sentence at every stage, with the sentence's sense;
- `centred_map`: the vectors with their mean removed, projected to 2-D (one point per sentence);
- `probe_accuracy`: a leave-one-out nearest-sense-centroid probe (chance = 0.5; exactly 0.5 at the
  token embedding, where every vector is the same);
- `untrained_accuracy`: the same probe on the same network with random weights, before any training: the
  positions and the mixing of words alone already tell some sentences apart (the built-in model's "bank": 75 %
  after the last layer untrained, 90 % trained), so that is the baseline to read the trained model's figure against;
- `continuations` and `sense_words`: what the model writes after the word in each sentence, and the words that
  come up after one meaning more than after the other ("bank" → "river" / "water" vs "money" / "coins"). The
  vector at the word predicts the next token, so read through the unembedding at once it names what usually
  follows a bank (" near", " of"), not what the bank is; a few tokens of the model's own writing do.

Plain numpy/torch on the Backend interface (`tokenize`, `trace`, `embedding_matrix`, `generate`), so it
works for Hugging Face models too. Shapes: N sentences, S stages, D model width, V vocabulary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import torch

from explainer.analysis.embeddings import word_position
from explainer.backends.base import same_length_batches
from explainer.model.sampling import SamplingParams

CONTINUATION_TOKENS = 6  # what the model writes after the word: at most this many tokens
MIN_SENTENCES = 2  # a word `sense_words` names comes up after at least this many of a meaning's sentences
# Function words left out of `sense_words` (they say little about a meaning).
STOPWORDS = frozenset(
    "the a an and or but of to in on at by for from with into onto over under up down out off is are was were be "
    "been am it its it's this that these those there here he she him her his hers they them their we us our you "
    "your i me my not no so as if then than too very just also all some any each every one two what which who "
    "whom whose when where why how do does did done has have had can could will would shall should may might "
    "must let get got again once more most much many few only own same such both about after before while near "
    "beside behind across along through".split()
)


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


def probe_hits(vectors: np.ndarray, senses: np.ndarray) -> np.ndarray:
    """(N, S, D), (N,) -> (N, S): 1 where the leave-one-out nearest-sense-centroid probe tells the sentence's
    sense right at that stage, 0 where wrong, 0.5 on a tie.

    Each sentence's vector is compared (Euclidean distance) with the mean vector of each sense computed
    without it; a tie counts as half right, so identical vectors score exactly 0.5 (chance)."""
    x = np.asarray(vectors, dtype=np.float64)
    senses = np.asarray(senses)
    n, s, _ = x.shape
    out = np.zeros((n, s))
    if n == 0 or len(set(senses.tolist())) < 2:
        return out
    labels = sorted(set(senses.tolist()))
    sums = {k: x[senses == k].sum(0) for k in labels}  # (S, D)
    counts = {k: int((senses == k).sum()) for k in labels}
    for i in range(n):
        dist = {}
        for k in labels:
            m = counts[k] - (senses[i] == k)
            if m == 0:
                dist[k] = np.full(s, np.inf)
                continue
            centroid = (sums[k] - (x[i] if senses[i] == k else 0)) / m  # (S, D)
            dist[k] = np.linalg.norm(x[i] - centroid, axis=-1)  # (S,)
        own = dist[senses[i]]
        others = np.min([dist[k] for k in labels if k != senses[i]], axis=0)
        scale = np.maximum(np.maximum(own, others), 1e-30)
        tie = np.isfinite(own) & (np.abs(own - others) <= 1e-6 * scale)  # no centroid of its own: wrong
        out[i] = np.where(tie, 0.5, (own < others).astype(float))
    return out


def probe_accuracy(vectors: np.ndarray, senses: np.ndarray) -> np.ndarray:
    """(N, S, D), (N,) -> (S,) leave-one-out accuracy of the nearest sense centroid, per stage (see `probe_hits`)."""
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


def centred_map(vectors: np.ndarray, senses: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(N, S, D) -> (N, S, 2) coordinates and (S, 2) share of the spread kept, stage by stage.

    At each stage the mean over the sentences is removed and the points are projected on their own two
    widest directions (PCA), then divided by the mean length of the vectors at that stage, so the spread
    reads relative to the size of the vectors. Identical vectors all land on (0, 0). Signs are chosen so
    that sense 0 lies left (and below) of sense 1, which keeps the picture steady from stage to stage."""
    x = np.asarray(vectors, dtype=np.float64)
    n, s, _ = x.shape
    coords = np.zeros((n, s, 2))
    kept = np.zeros((s, 2))
    for j in range(s):
        v = x[:, j]
        c = v - v.mean(0)
        size = max(float(np.linalg.norm(v, axis=-1).mean()), 1e-12)
        total = float((c**2).sum())
        if n < 2 or total <= 1e-12 * size**2 * n:
            continue
        _, sv, vt = np.linalg.svd(c, full_matrices=False)
        k = min(2, vt.shape[0])
        xy = c @ vt[:k].T / size  # (N, k)
        if senses is not None and len(set(np.asarray(senses).tolist())) > 1:
            senses = np.asarray(senses)
            for a in range(k):
                if xy[senses == 0, a].mean() > xy[senses != 0, a].mean():
                    xy[:, a] *= -1
        coords[:, j, :k] = xy
        kept[j, :k] = sv[:k] ** 2 / total
    return coords, kept


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


def sense_words(sv: SenseVectors, written: list[str], k: int = 6) -> list[list[tuple[str, int]]]:
    """Per sense, the content words that come up in the continuations (`continuations`) after one meaning more than
    after the other, in at least MIN_SENTENCES of its sentences (a word written once says little): (word, in how many
    of this sense's sentences), [sense0, sense1], the clearest first (share of this sense's sentences − the other's)."""
    found = [{w.lower() for w in re.findall(r"[A-Za-z]{3,}", t)} - STOPWORDS for t in written]
    out = []
    for k_sense in (0, 1):
        mine = [f for f, s in zip(found, sv.senses) if s == k_sense]
        other = [f for f, s in zip(found, sv.senses) if s != k_sense]
        if not mine:
            out.append([])
            continue
        count = lambda group, w: sum(w in f for f in group)  # noqa: E731
        score = {w: count(mine, w) / len(mine) - count(other, w) / max(1, len(other)) for w in set().union(*mine)}
        kept = [w for w, v in score.items() if v > 0 and count(mine, w) >= MIN_SENTENCES]
        out.append([(w, count(mine, w)) for w in sorted(kept, key=lambda w: (-score[w], w))[:k]])
    return out


def _sentence_ends(text: str) -> bool:
    return any(c in text for c in ".!?\n")


def probe_table(backend, probes: dict[str, tuple[list[str], list[str]]]) -> dict[str, np.ndarray]:
    """word -> (S,) probe accuracy per stage, for every word of `probes` (e.g. corpus.PROBE_SENTENCES)."""
    out = {}
    for word, by_sense in probes.items():
        sv = sense_vectors(backend, word, by_sense)
        out[word] = probe_accuracy(sv.vectors, sv.senses)
    return out
