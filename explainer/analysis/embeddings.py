"""Embeddings as numbers: projections, cosine neighbours, word groups, a word's vector in context.

Pure numpy/torch (no Streamlit). Shapes: V vocabulary, D model width, N points, S stages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import torch

from explainer.corpus.generator import COUNTRIES, WORD_GROUPS
from explainer.i18n import _

OTHER = "other"
MAX_POINTS = 2000  # tokens drawn on a map at most (a sample for big vocabularies)
MIN_MAP_WORDS = 40  # group words a vocabulary needs as single tokens to be drawn as a map of them
PLACE_K = 5  # a word outside the map's fit is placed among this many nearest drawn tokens
TSNE_ITERS = 250


# ----------------------------------------------------------------------------- projections
@dataclass(frozen=True)
class Projection:
    mean: np.ndarray  # (D,)
    components: np.ndarray  # (k, D) unit directions, widest spread first
    explained: np.ndarray  # (k,) share of the total variance each direction keeps

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """(N, D) -> (N, k) coordinates."""
        return (np.asarray(x, dtype=np.float32) - self.mean) @ self.components.T


def pca(x: np.ndarray, k: int = 3) -> Projection:
    """Principal directions of the rows of x (N, D): the k directions of widest spread."""
    x = np.asarray(x, dtype=np.float64)
    mean = x.mean(0)
    _, s, vt = np.linalg.svd(x - mean, full_matrices=False)  # vt (min(N,D), D)
    var = s**2
    k = min(k, vt.shape[0])
    ratio = var[:k] / max(var.sum(), 1e-12)
    return Projection(mean.astype(np.float32), vt[:k].astype(np.float32), ratio.astype(np.float32))


def tsne(x: np.ndarray, dims: int = 2, perplexity: float = 30.0, iters: int = TSNE_ITERS, seed: int = 0) -> np.ndarray:
    """A small exact t-SNE (van der Maaten & Hinton, 2008) in torch: (N, D) -> (N, dims).
    Keeps who-is-near-whom; distances between far-apart clusters mean nothing."""
    g = torch.Generator().manual_seed(seed)
    p0 = pca(x, min(50, x.shape[1]))
    z = torch.from_numpy(p0(x)).double()  # (N, <=50)
    n = z.shape[0]
    d2 = torch.cdist(z, z).pow(2)  # (N, N)
    d2.fill_diagonal_(float("inf"))
    # per-row Gaussian width so that each point has about `perplexity` neighbours
    lo, hi = torch.full((n, 1), 1e-20, dtype=torch.double), torch.full((n, 1), 1e20, dtype=torch.double)
    beta, target = torch.ones((n, 1), dtype=torch.double), np.log(min(perplexity, (n - 1) / 3))
    for _step in range(60):
        w = torch.exp(-(d2 - d2.min(1, keepdim=True).values) * beta)
        p = w / w.sum(1, keepdim=True)
        h = -(p * torch.log(p.clamp_min(1e-30))).sum(1, keepdim=True)  # entropy (nats)
        up = h > target  # too flat: narrow the Gaussian
        lo, hi = torch.where(up, beta, lo), torch.where(up, hi, beta)
        beta = torch.where(hi >= 1e19, beta * 2, (lo + hi) / 2)
    p = (p + p.T) / (2 * n)
    p = p.clamp_min(1e-12).float()
    y = (torch.from_numpy(p0(x)[:, :dims].copy()) if x.shape[1] >= dims else torch.randn(n, dims, generator=g)).float()
    y = 1e-4 * y / y.std().clamp_min(1e-12)
    vel, gains = torch.zeros_like(y), torch.ones_like(y)
    lr = max(n / 12 / 4, 50.0)
    for it in range(iters):
        ex = 12.0 if it < 100 else 1.0
        w = 1 / (1 + torch.cdist(y, y).pow(2))  # (N, N) Student-t kernel
        w.fill_diagonal_(0)
        pq = (ex * p - w / w.sum()) * w
        grad = 4 * (pq.sum(1, keepdim=True) * y - pq @ y)  # (N, dims)
        gains = torch.where((grad > 0) != (vel > 0), gains + 0.2, gains * 0.8).clamp_min(0.01)
        vel = (0.5 if it < 100 else 0.8) * vel - lr * gains * grad
        y = y + vel
    return (y - y.mean(0)).numpy()


# ----------------------------------------------------------------------------- words and groups
def group_lookup(groups: dict[str, list[str]] = WORD_GROUPS) -> dict[str, str]:
    """word -> its group (the first group that lists it)."""
    out: dict[str, str] = {}
    for g, words in groups.items():
        for w in words:
            out.setdefault(w, g)
    return out


def word_groups(labels: list[str], groups: dict[str, list[str]] = WORD_GROUPS) -> list[str]:
    """The corpus group of each token string (' Paris' counts as 'Paris'), else OTHER."""
    look = group_lookup(groups)
    return [look.get(s.strip(), OTHER) for s in labels]


def map_ids(labels: list[str], groups: list[str], max_points: int = MAX_POINTS, seed: int = 0) -> np.ndarray:
    """Token ids to draw on the vocabulary's map: one token for each word of the corpus groups that is a single token
    here (' Paris', as inside a sentence, before 'Paris'). A vocabulary with fewer than MIN_MAP_WORDS of them (a
    character model) is drawn whole instead, or a random sample of it."""
    best: dict[str, int] = {}
    for i, (s, g) in enumerate(zip(labels, groups)):
        w = s.strip()
        if g != OTHER and (w not in best or (s.startswith(" ") and not labels[best[w]].startswith(" "))):
            best[w] = i
    if len(best) >= MIN_MAP_WORDS:
        return np.sort(np.fromiter(best.values(), dtype=int))
    v = len(groups)
    if v <= max_points:
        return np.arange(v)
    rest = np.setdiff1d(np.arange(v), list(best.values()))
    fill = np.random.default_rng(seed).choice(rest, max_points - len(best), replace=False)
    return np.sort(np.concatenate([np.fromiter(best.values(), dtype=int), fill]))


def nearest_drawn(drawn: np.ndarray, new: np.ndarray, k: int = PLACE_K) -> np.ndarray:
    """(M, k) for each of the new unit rows (M, D), the indices of its k nearest drawn unit rows (N, D) by cosine
    similarity, nearest first."""
    return np.argsort(-(new @ drawn.T), axis=1, kind="stable")[:, :k]


def place_among(coords: np.ndarray, near: np.ndarray) -> np.ndarray:
    """(M, dims) map positions for words that were not in the map's fit: each at the mean position (coords (N, dims))
    of its nearest drawn tokens (`near`, from nearest_drawn)."""
    return coords[near].mean(axis=1)


def capital_rows(backend, rows: dict[int, int]) -> list[tuple[int, int, str, str]]:
    """(capital's row, country's row, capital, country) for the corpus's countries whose name and capital are both
    one token drawn on the map (`rows`: token id -> its row of the map's points)."""
    out = []
    for c in COUNTRIES:
        (cap, cap_whole), (land, land_whole) = lookup(backend, c.capital), lookup(backend, c.name)
        if cap_whole and land_whole and cap[0] in rows and land[0] in rows:
            out.append((rows[cap[0]], rows[land[0]], c.capital, c.name))
    return out


def nearest_is_partner(coords: np.ndarray, pairs: list[tuple[int, int]]) -> np.ndarray:
    """(P,) for each pair (a, b) of rows of `coords` (N, dims), whether b is the point nearest to a (on the map: a
    capital by its own country)."""
    if not pairs:
        return np.zeros(0, dtype=bool)
    a, b = np.array(pairs).T  # (P,), (P,)
    dist = np.linalg.norm(coords[a][:, None, :] - coords[None, :, :], axis=-1)  # (P, N)
    dist[np.arange(len(a)), a] = np.inf  # not itself
    return dist.argmin(axis=1) == b


def lookup(backend, word: str) -> tuple[list[int], bool]:
    """Token ids for a typed word: ([id], True) if the vocabulary has it as one token
    (' word' — as inside a sentence — first, then 'word'), else (its pieces, False)."""
    word = word.strip()
    if not word:
        return [], False
    for s in (" " + word, word):
        i = backend.tokenizer.token_to_id(s)
        if i is not None and i != backend.tokenizer.unk_id:
            return [i], True
    pieces = [t.id for t in backend.tokenize(" " + word) if not t.unknown]  # [] if the model doesn't know it
    return pieces, False


def whole_token(backend, word: str) -> int | None:
    """The token id of a typed word that is one token of the vocabulary, else None (pieces have no vector of
    their own)."""
    ids, whole = lookup(backend, word)
    return ids[0] if whole else None


def unit_rows(e: torch.Tensor) -> torch.Tensor:
    """(V, D) -> rows scaled to length 1, so that a dot product is a cosine similarity."""
    return e / e.norm(dim=-1, keepdim=True).clamp_min(1e-12)


def neighbours(unit: torch.Tensor, i: int, k: int = 10) -> list[tuple[int, float]]:
    """The k tokens whose vectors point most nearly the same way as token i (itself first, 1.0)."""
    sims = unit @ unit[i]  # (V,)
    top = sims.topk(min(k, sims.numel()))
    return [(int(j), float(s)) for s, j in zip(top.values, top.indices)]


def nearer_than(unit: torch.Tensor, i: int, j: int) -> int:
    """How many tokens, token i itself left out, point more nearly the same way as token i than token j does."""
    sims = unit @ unit[i]  # (V,)
    return int((sims > sims[j]).sum()) - int(i != j)  # token i, similarity 1, is always nearer


def cosine(a, b) -> float:
    a, b = torch.as_tensor(a, dtype=torch.float32), torch.as_tensor(b, dtype=torch.float32)
    return float(torch.nn.functional.cosine_similarity(a, b, dim=-1))


# ----------------------------------------------------------------------------- position vectors
@dataclass(frozen=True)
class PositionMap:
    coords: np.ndarray  # (C, 2) each position's vector on the two directions of widest spread
    explained: np.ndarray  # (2,) share of the spread each direction keeps
    near: float  # mean cosine similarity of neighbouring positions' vectors
    far: float  # mean cosine similarity of positions at least half the context apart


def position_map(positions: torch.Tensor) -> PositionMap:
    """(C, D) position vectors -> their PCA map and how alike near and far positions are (C >= 2)."""
    unit = unit_rows(positions.double())
    sims = (unit @ unit.T).numpy()  # (C, C)
    C = sims.shape[0]
    gap = np.abs(np.arange(C)[:, None] - np.arange(C)[None, :])  # (C, C) distance between positions
    proj = pca(positions.numpy(), 2)
    return PositionMap(
        proj(positions.numpy()), proj.explained, float(sims[gap == 1].mean()), float(sims[gap >= C // 2].mean())
    )


# ----------------------------------------------------------------------------- a word in context
@dataclass(frozen=True)
class WordInContext:
    sentence: str
    sense: int  # which group of sentences it came from (0, 1, ...)
    token: str  # the token followed (the word's last piece)
    token_id: int
    index: int  # its position in the sentence's tokens
    pieces: int  # how many tokens the word is split into
    vectors: np.ndarray  # (S, D): token embedding, + position, after each layer


def stage_names(n_layer: int) -> list[str]:
    return [_("token embedding"), _("+ position")] + [_("after layer {n}").format(n=i + 1) for i in range(n_layer)]


def locate(tokens, sentence: str, word: str) -> tuple[int, int] | None:
    """(index of the last token of `word`'s first whole-word occurrence, number of its tokens), or None."""
    m = re.search(rf"(?<!\w){re.escape(word.strip())}(?!\w)", sentence, flags=re.IGNORECASE)
    if not word.strip() or m is None:
        return None
    covering = [k for k, t in enumerate(tokens) if t.start < m.end() and t.end > m.start()]
    return (covering[-1], len(covering)) if covering else None


def word_position(backend, sentence: str, word: str) -> tuple[list[int], int, int] | None:
    """(the sentence's tokens left-cut to the context, the index of the word's last token there, how many tokens the
    word is split into), or None if the word is not in it (or was cut)."""
    tokens = backend.tokenize(sentence)
    found = locate(tokens, sentence, word)
    if found is None:
        return None
    index, pieces = found
    kept, cut = backend.fit([t.id for t in tokens])
    return None if index < cut else (kept, index - cut, pieces)


@torch.inference_mode()
def word_in_context(backend, sentence: str, word: str, sense: int = 0) -> WordInContext | None:
    """The vector of `word` in `sentence` at every stage, or None if the word is not in it (or was cut)."""
    found = word_position(backend, sentence, word)
    if found is None:
        return None
    kept, index, pieces = found
    tr = backend.trace(kept)
    tid = kept[index]
    stages = [backend.embedding_matrix()[tid], tr.resid_pre[0][index], *(r[index] for r in tr.resid_post)]
    vectors = torch.stack(stages).float().numpy()  # (L + 2, D)
    return WordInContext(sentence, sense, backend.token_str(tid), tid, index, pieces, vectors)
