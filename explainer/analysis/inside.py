"""Numbers from inside the model, for the attention, layers and last-vector pages.

Pure computations on a `Trace` (explainer/model/gpt.py) or a `Backend`: no Streamlit, no plotting.
Shapes: L layers, H heads, T tokens, D model width, F feed-forward width, V vocabulary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import torch

from explainer.backends.base import Backend, NeuronWrites, QueriesKeys
from explainer.corpus.data import COUNTRIES
from explainer.format import fixed_percent, visible_token
from explainer.generation.script import ChatScript
from explainer.i18n import N_, _
from explainer.model.gpt import Trace

MAX_DRAWN = 48  # heatmaps draw at most the last 48 tokens (rows and columns)


def window(n_tokens: int, cap: int = MAX_DRAWN) -> slice:
    """The positions drawn: the last `cap` of `n_tokens`."""
    return slice(max(0, n_tokens - cap), n_tokens)


def token_labels(backend: Backend, ids: list[int]) -> list[str]:
    """Each token as a student can read it (edge spaces as ␣, newlines as ⏎)."""
    return [visible_token(backend.token_str(i)) for i in ids]


def attention_stack(trace: Trace) -> np.ndarray:
    """(L, H, T, T) attention weights: row = the token looking (query), column = the token looked at (key)."""
    return torch.stack(trace.attentions).numpy()


# ---------------------------------------------------------------------------- what each head does


HABIT_TOKEN = 10  # letters of a token named in a head's habit: a title over one of four maps on a phone


@dataclass(frozen=True)
class HeadSummary:
    previous: float  # mean weight on the token just before (over queries 1..T-1)
    itself: float  # mean weight on the query's own token
    first: float  # mean weight on the very first token
    last_key: int  # the position the last token (whose vector predicts the next word) puts the most weight on
    last_weight: float  # and that weight

    def habit(self, labels: list[str]) -> str:
        """A head in a few words: its habit where it has one ('the previous token 83%', on average over the text),
        else where the last token looks most ('“␣is” → “␣France” 76%'). `labels`: the text's tokens."""
        parts = {N_("the previous token"): self.previous, N_("itself"): self.itself, N_("the first token"): self.first}
        what, w = max(parts.items(), key=lambda kv: kv[1])
        if w >= 0.4:
            return _("{what} {share}").format(what=_(what), share=fixed_percent(w))
        cut = lambda t: t if len(t) <= HABIT_TOKEN else t[: HABIT_TOKEN - 1] + "…"  # noqa: E731
        return _("“{query}” → “{key}” {share}").format(
            query=cut(labels[-1]), key=cut(labels[self.last_key]), share=fixed_percent(self.last_weight)
        )


def head_summaries(att: np.ndarray) -> list[HeadSummary]:
    """att (H, T, T) for one layer -> one summary per head (its habits over queries from position 1 on)."""
    H, T, _T = att.shape
    if T < 2:
        return [HeadSummary(0.0, 1.0, 1.0, 0, 1.0) for _h in range(H)]
    q = np.arange(1, T)
    last = att[:, -1, :].argmax(-1)  # (H,)
    return [
        HeadSummary(
            float(att[h, q, q - 1].mean()),
            float(att[h, q, q].mean()),
            float(att[h, 1:, 0].mean()),
            int(last[h]),
            float(att[h, -1, last[h]]),
        )
        for h in range(H)
    ]


@dataclass(frozen=True)
class ScoredRow:
    """One query's row of a head, from its scores to its weights: the `positions` with the most weight, heaviest
    first, each with its score's gap to the row's highest score and its weight; the others' count and weight."""

    positions: list[int]
    gaps: list[float]  # score - highest score (<= 0): softmax reads only these differences
    weights: list[float]
    rest: int  # tokens not listed
    rest_weight: float  # their weight together


def scored_row(weights: np.ndarray, k: int = 8) -> ScoredRow:
    """weights (t,): one query's attention over the t tokens it sees (itself last) -> its k heaviest keys.

    A weight is softmax(score), so score_j - max score = ln(w_j / w_max) exactly: the gaps are the head's scores
    (query · key / sqrt(head size)) up to the one constant the softmax ignores. Keys whose weight underflowed to 0
    are never listed (their gap is below about -100)."""
    w = weights.astype(np.float64)
    order = [int(j) for j in np.argsort(-w, kind="stable")[:k] if w[j] > 0]
    top = w[order[0]]
    rest = np.delete(w, order)
    return ScoredRow(
        order, [float(np.log(w[j] / top)) for j in order], [float(w[j]) for j in order], rest.size, float(rest.sum())
    )


@dataclass(frozen=True)
class ScoreTerms:
    """One query's scores against some keys, number by number: products[j, i] = query[i] * key_j[i], and each score
    is its row's sum times `scale`."""

    products: np.ndarray  # (K, hs)
    scale: float

    @property
    def sums(self) -> np.ndarray:  # (K,)
        return self.products.sum(-1)

    @property
    def scores(self) -> np.ndarray:  # (K,)
        return self.sums * self.scale


def score_terms(qk: QueriesKeys, head: int, query: int, keys: list[int]) -> ScoreTerms:
    """The products that make `query`'s scores for `keys` (positions) in one head."""
    q = qk.queries[head, query].double().numpy()  # (hs,)
    k = qk.keys[head, keys].double().numpy()  # (K, hs)
    return ScoreTerms(q[None, :] * k, qk.scale)


# ---------------------------------------------------------------------------- the head that finds the country

CAPITAL_TEMPLATES = (
    "What is the capital of {c}?",
    "Which city is the capital of {c}?",
    "Can you tell me the capital of {c}?",
)


def capital_questions(n: int = 36, form: ChatScript | None = None) -> list[tuple[str, str, str]]:
    """(prompt ending right before the answer, entity = the country, answer = its capital), n of them, in the
    script `form` (the model's own: plain unless given)."""
    form, step = form or ChatScript(), max(1, len(COUNTRIES) // n)
    out = []
    for i, c in enumerate(COUNTRIES[::step][:n]):
        q = CAPITAL_TEMPLATES[i % len(CAPITAL_TEMPLATES)].format(c=c.name)
        out.append((form.started(q, f"The capital of {c.name} is"), c.name, c.capital))
    return out


@dataclass(frozen=True)
class EntityHead:
    layer: int  # 0-based
    head: int  # 0-based
    weight: float  # mean attention from the answer position to the entity's tokens
    table: np.ndarray  # (L, H) that mean for every head
    baseline: float  # what spreading attention evenly would give (entity tokens / all tokens)
    n: int  # prompts measured
    n_correct: int  # prompts where the model's top next token is the right answer

    @property
    def found(self) -> bool:
        """A head counts only if it gives the entity most of its attention, far above even spreading."""
        return self.weight >= 0.5 and self.weight >= 3 * self.baseline


def entity_positions(backend: Backend, text: str, entity: str) -> tuple[list[int], int]:
    """(positions of the tokens overlapping a whole-word `entity` in text, number of tokens), after the left cut."""
    tokens = backend.tokenize(text)
    cut = max(0, len(tokens) - backend.info.context_length)
    tokens = tokens[cut:]
    spans = [m.span() for m in re.finditer(rf"\b{re.escape(entity)}\b", text)]
    pos = [i for i, t in enumerate(tokens) if any(t.start < e and t.end > s for s, e in spans)]
    return pos, len(tokens)


def find_entity_head(backend: Backend, prompts: list[tuple[str, str, str]]) -> EntityHead:
    """Over (prompt, entity, answer) triples: which head puts the most weight, from the last
    position (where the answer is predicted), on the entity's tokens."""
    info = backend.info
    total = np.zeros((info.n_layer, info.n_head))
    base, n, correct = 0.0, 0, 0
    for text, entity, answer in prompts:
        pos, T = entity_positions(backend, text, entity)
        if not pos:
            continue
        tr = backend.trace(backend.encode(text))
        att = attention_stack(tr)[:, :, -1, :]  # (L, H, T): the answer position's rows
        total += att[:, :, pos].sum(-1)
        base += len(pos) / T
        n += 1
        correct += backend.token_str(int(tr.logits[-1].argmax())).strip() == answer
    if n == 0:
        raise ValueError(_("no prompt contains its entity"))
    table = total / n
    layer, head = np.unravel_index(int(table.argmax()), table.shape)
    return EntityHead(int(layer), int(head), float(table[layer, head]), table, base / n, n, correct)


# ---------------------------------------------------------------------------- layers: the residual stream


@dataclass(frozen=True)
class Stage:
    name: str  # "embedding", "layer 1 · attention", ...
    kind: str  # "embed" | "attn" | "ff" | "block" | "final"
    change: float  # length of what this stage adds to the vector (the embedding: its own length)
    norm: float  # length of the vector after it


def stage_vectors(trace: Trace, pos: int = -1) -> list[tuple[str, str, torch.Tensor]]:
    """(name, kind, the vector after it) of one position through the model: the embedding, then per layer attention
    and feed-forward (one "block" stage when the attention output was not recorded), then the final norm."""
    out = [(_("embedding"), "embed", trace.resid_pre[0][pos])]  # (D,) (names in the language in use: drawn as they are)
    has_mid = len(trace.resid_mid) == len(trace.resid_pre)
    for i, post in enumerate(trace.resid_post):
        if has_mid:
            out.append((_("layer {n} · attention").format(n=i + 1), "attn", trace.resid_mid[i][pos]))
            out.append((_("layer {n} · feed-forward").format(n=i + 1), "ff", post[pos]))
        else:
            out.append((_("layer {n}").format(n=i + 1), "block", post[pos]))
    if trace.final is not None:
        out.append((_("final norm"), "final", trace.final[pos]))
    return out


def residual_stages(trace: Trace, pos: int = -1) -> list[Stage]:
    """The vector of one position through the model (`stage_vectors`), with what each stage adds to it."""
    stages, before = [], None
    for name, kind, v in stage_vectors(trace, pos):
        change = v if before is None else v - before  # each layer reads the vector the stage before it wrote
        stages.append(Stage(name, kind, float(change.norm()), float(v.norm())))
        before = v
    return stages


@dataclass(frozen=True)
class LensTable:
    ids: np.ndarray  # (L+1, P) top token id at each depth and drawn position
    probs: np.ndarray  # (L+1, P) its probability
    positions: list[int]  # the P positions drawn


@torch.inference_mode()
def logit_lens_top(backend: Backend, trace: Trace, positions: list[int] | slice) -> LensTable:
    """Read the residual stream after the embedding and after each layer through the final norm
    and unembedding; keep only the top token per (depth, position), never the (L+1, T, V) cube."""
    T = trace.resid_pre[0].shape[0]
    positions = list(range(T))[positions] if isinstance(positions, slice) else list(positions)
    ids, probs = [], []
    for h in [trace.resid_pre[0], *trace.resid_post]:  # (T, D) each
        p = backend.unembed(h[positions]).float().softmax(-1)  # (P, V)
        top = p.max(-1)
        ids.append(top.indices.numpy())
        probs.append(top.values.numpy())
    return LensTable(np.stack(ids), np.stack(probs), positions)


# ---------------------------------------------------------------------------- feed-forward neurons


def top_neurons(hidden: torch.Tensor, k: int = 10) -> tuple[list[int], list[float]]:
    """hidden (F,) activations of one token in one layer -> the k most active neurons and their values."""
    v, i = hidden.float().topk(min(k, hidden.numel()))
    return i.tolist(), v.tolist()


@dataclass(frozen=True)
class NeuronWriters:
    """The neurons that add most to one word's score at one position: what each neuron's column, times its value
    there, adds to the score through the final norm (frozen at that position's vector) and the unembedding."""

    target: int  # the word (token id): the model's likeliest next token there
    score: float  # its score (logit)
    layers: list[int]  # 0-based, the neurons that add most first
    neurons: list[int]
    added: list[float]  # what each adds to the score
    by_layer: list[float]  # what each layer's neurons add together (the network's output bias not counted)
    n: int  # how many neurons the model has

    @property
    def total(self) -> float:
        """What every neuron of every layer adds, together."""
        return sum(self.by_layer)


def _frozen_columns(backend: Backend, out: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """out (D, F) columns -> (F, D) as they leave the final norm frozen at the vector x (D,)."""
    return backend.final_norm().frozen(out.T.float().cpu(), x)


def neuron_writers(backend: Backend, writes: list[NeuronWrites], trace: Trace, pos: int, k: int = 8) -> NeuronWriters:
    """writes: `Backend.neuron_writes` for the trace's text; pos: the position whose next word is split."""
    target = int(trace.logits[pos].argmax())
    w, _bias = backend.unembed_row(target)  # (D,)
    x = trace.resid_post[-1][pos]  # (D,) the vector the final norm reads
    added = torch.stack([nw.values[pos] * (_frozen_columns(backend, nw.out, x) @ w) for nw in writes])  # (L, F)
    top = added.flatten().topk(min(k, added.numel())).indices
    F = added.shape[1]
    return NeuronWriters(
        target, float(trace.logits[pos, target]), (top // F).tolist(), (top % F).tolist(),
        added.flatten()[top].tolist(), added.sum(1).tolist(), added.numel(),
    )  # fmt: skip


def neuron_words(
    backend: Backend, writes: list[NeuronWrites], trace: Trace, pos: int, layer: int, neuron: int, k: int = 8
) -> tuple[list[int], list[float]]:
    """The k tokens whose scores one neuron raises most at `pos` (its column times its value there, through the final
    norm frozen at that position's vector and the unembedding), and by how much."""
    nw = writes[layer]
    col = nw.out[:, neuron : neuron + 1]  # (D, 1)
    raised = backend.unembed_directions(_frozen_columns(backend, col, trace.resid_post[-1][pos]))[0]  # (V,)
    v, i = (raised * float(nw.values[pos, neuron])).topk(min(k, raised.numel()))
    return i.tolist(), v.tolist()


@dataclass(frozen=True)
class NeuronIndex:
    """For every layer and neuron, where in the corpus sample it fired most."""

    ids: np.ndarray  # (N,) the sample's token ids
    doc: np.ndarray  # (N,) which window each token came from (contexts never cross windows)
    top_val: np.ndarray  # (L, k, F) the k largest activations per neuron
    top_pos: np.ndarray  # (L, k, F) their positions in `ids`


def corpus_windows(backend: Backend, text: str, max_tokens: int) -> list[list[int]]:
    """The first `max_tokens` tokens of `text`, in windows that fit the context (≤ 128 tokens)."""
    ids = backend.encode(text)[:max_tokens]
    w = min(128, backend.info.context_length)
    return [ids[i : i + w] for i in range(0, len(ids), w) if len(ids[i : i + w]) > 1]


@torch.inference_mode()
def neuron_index(backend: Backend, text: str, max_tokens: int = 6000, k: int = 8) -> NeuronIndex | None:
    """Run the sample through the model window by window, keeping a running top-k per neuron
    (memory stays (L, k, F) however long the sample). None if the model records no neurons."""
    vals = pos = None
    all_ids, doc, offset = [], [], 0
    for d, chunk in enumerate(corpus_windows(backend, text, max_tokens)):
        tr = backend.trace(chunk)
        if not tr.mlp_hidden:
            return None
        acts = torch.stack(tr.mlp_hidden)  # (L, t, F)
        where = torch.arange(offset, offset + len(chunk)).view(1, -1, 1).expand_as(acts)
        if vals is not None:
            acts, where = torch.cat([vals, acts], 1), torch.cat([pos, where], 1)
        vals, j = acts.topk(min(k, acts.shape[1]), dim=1)  # (L, k, F)
        pos = where.gather(1, j)
        all_ids += chunk
        doc += [d] * len(chunk)
        offset += len(chunk)
    if vals is None:
        return None
    return NeuronIndex(np.array(all_ids), np.array(doc), vals.numpy(), pos.numpy())


def neuron_examples(index: NeuronIndex, backend: Backend, layer: int, neuron: int, before: int = 5) -> list[dict]:
    """The tokens that excite one neuron most, with a few words of context before each."""
    rows = []
    for v, p in zip(index.top_val[layer, :, neuron], index.top_pos[layer, :, neuron]):
        start = int(p)
        while start > 0 and int(p) - start < before and index.doc[start - 1] == index.doc[p]:
            start -= 1
        context = " ".join(visible_token(backend.token_str(int(i))).strip() for i in index.ids[start:p])
        rows.append(
            {"token": visible_token(backend.token_str(int(index.ids[p]))), "after": context, "activation": float(v)}
        )
    return rows


# ---------------------------------------------------------------------------- the last vector


@dataclass(frozen=True)
class LastVector:
    vector: np.ndarray  # (D,) the last position's vector after the final norm
    logits: np.ndarray  # (V,) the model's scores for the next token
    tied: bool  # logits == embedding matrix @ vector: the output vectors are the token embeddings


def last_vector(backend: Backend, trace: Trace) -> LastVector:
    h = trace.final[-1]  # (D,)
    logits = trace.logits[-1]  # (V,)
    E = backend.embedding_matrix()  # (V, D)
    tied = E.shape == (logits.numel(), h.numel()) and torch.allclose(E @ h, logits, atol=1e-3, rtol=1e-3)
    return LastVector(h.numpy(), logits.numpy(), bool(tied))


ALIKE = 0.9995  # cosine similarity read as "the same vector" (float32 sums of the same numbers in another order)


@dataclass(frozen=True)
class TwoTexts:
    """The last token's vector in two texts that end alike, compared stage by stage (`stage_vectors`)."""

    names: list[str]  # the stages, the embedding first
    kinds: list[str]  # "embed" | "attn" | "ff" | "block" | "final"
    alike: list[float]  # cosine similarity of the two vectors after each stage: 1 = pointing the same way

    @property
    def parted(self) -> int | None:
        """The first stage after which the two vectors differ (None: alike throughout)."""
        return next((i for i, a in enumerate(self.alike) if a < ALIKE), None)


def two_texts(a: Trace, b: Trace) -> TwoTexts:
    """How alike the last position's vectors of two texts are after each stage of the model."""
    stages = stage_vectors(a)
    vectors = [(x, y) for (_name, _kind, x), (_n, _k, y) in zip(stages, stage_vectors(b))]  # (D,) each
    alike = [float(torch.nn.functional.cosine_similarity(x.float(), y.float(), dim=0)) for x, y in vectors]
    return TwoTexts([name for name, _k, _v in stages], [kind for _n, kind, _v in stages], alike)


def softmax_table(logits: np.ndarray, k: int = 8) -> list[dict]:
    """The k highest logits z with e^(z - max z) and the probability softmax gives them."""
    z = torch.from_numpy(logits).double()
    p = z.softmax(-1)
    top = z.topk(min(k, z.numel())).indices.tolist()
    zmax = float(z.max())
    return [{"id": i, "logit": float(z[i]), "exp": float(np.exp(float(z[i]) - zmax)), "prob": float(p[i])} for i in top]
