"""Why this word? Which input tokens pushed one next-token prediction up or down, and which layers and heads wrote it.

- `token_attribution`: integrated gradients (or plain gradient × input) of the target token's log-probability with
  respect to the input token embeddings (`Backend.embedding_gradients`), summed over each token's numbers: one score
  per token. The log-probability, not the logit: a word that raises every answer alike (", the", a line break) does
  not make this one likelier. The path starts from an average word at every position but the last, which keeps its
  own token: the prediction is read there. From all-zero embeddings instead, the last token (" is") took the first
  place for two thirds of the capital questions on the BPE model. On the shipped model, integrated gradients put the
  country (as typed, "denmark" included) first for 96.9 % of the 161 held-out capital questions (gradient × input
  alone: 13 %); tests/test_attribution.py holds it to 90 %.
- `logit_attribution`: direct logit attribution. The last position's residual vector is a sum: the embedding, then
  for every layer each head's output, the attention's output bias, and the feed-forward network's output. Freezing
  the final norm's scale at that vector (its linearisation there: norm(x) = weight * centre(x) / scale + bias) makes
  the logit linear in these parts, so each part's score is `weight * centre(part) / scale` · (the token's output
  vector), and the parts' scores plus the constant (norm bias · output vector + output bias) add up to the logit.

Pure numbers: no Streamlit, no plotting. Shapes: L layers, H heads, T tokens, D model width.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from explainer.backends.base import Backend
from explainer.format import fixed_percent, number
from explainer.i18n import N_, _
from explainer.model.gpt import Trace

METHODS = {"integrated": N_("Integrated gradients"), "gradient": N_("Gradient × input")}  # shown as _(METHODS[m])
IG_STEPS = 16  # points on the path from the baseline (the average token) to the text (midpoint rule)


@dataclass(frozen=True)
class TokenAttribution:
    scores: np.ndarray  # (T,) how much each input token pushed the target's log-probability up (+) or down (−)
    method: str  # a key of METHODS
    log_prob: float  # the target's log-probability after the text


def token_attribution(
    backend: Backend, ids: list[int], target: int, method: str = "integrated", steps: int = IG_STEPS
) -> TokenAttribution:
    """Per-token scores for the log-probability of `target` after `ids` (left-cut to the context, like every
    prediction), against a baseline where every token but the last is the average token (`embedding_gradients`).
    gradient: the gradient at the text itself · (embedding − baseline). integrated: the gradient averaged on the way
    from the baseline to the text · (embedding − baseline); its scores add up to about (the log-probability − the
    log-probability at the baseline). The last token scores 0: it stays what it is."""
    if method not in METHODS:
        raise ValueError(f"unknown attribution method {method!r}: one of {', '.join(METHODS)}")
    scales = [1.0] if method == "gradient" else [(k + 0.5) / steps for k in range(steps)]
    emb, base, grads, _logp = backend.embedding_gradients(ids, target, scales)  # (T, D), (T, D), (S, T, D)
    scores = (grads.mean(0) * (emb - base)).sum(-1)  # (T,)
    log_prob = float(backend.next_token_logits(ids).log_softmax(-1)[target])
    return TokenAttribution(scores.numpy(), method, log_prob)


@dataclass(frozen=True)
class LogitAttribution:
    logit: float  # the model's own logit for the target
    embedding: float  # the token (and position) embedding at the last position
    heads: np.ndarray | None  # (L, H) each head's output; None when the model's trace has no per-head outputs
    attention: np.ndarray  # (L,) each attention layer's whole output (its heads + its output bias)
    mlp: np.ndarray  # (L,) each feed-forward network's output
    constant: float  # the final norm's bias · output vector + the output bias

    @property
    def total(self) -> float:
        """The parts added up: equal to `logit` up to rounding."""
        return self.embedding + float(self.attention.sum()) + float(self.mlp.sum()) + self.constant

    @property
    def attention_bias(self) -> np.ndarray:
        """(L,) what each attention layer adds besides its heads (the output projection's bias)."""
        return self.attention - (0 if self.heads is None else self.heads.sum(1))


def logit_attribution(backend: Backend, trace: Trace, target: int) -> LogitAttribution:
    """Direct logit attribution of `target` at the trace's last position (see the module docstring)."""
    if not trace.resid_mid:
        raise ValueError(_("this model's trace does not separate attention from the feed-forward network"))
    norm = backend.final_norm()
    w, b = backend.unembed_row(target)  # (D,), float
    x = trace.resid_post[-1][-1]  # (D,) the residual vector the final norm reads
    pre, mid, post = (torch.stack([r[-1] for r in rs]) for rs in (trace.resid_pre, trace.resid_mid, trace.resid_post))

    def read(parts: torch.Tensor) -> np.ndarray:  # (N, D) parts of x -> (N,) their scores
        return (norm.frozen(parts, x) @ w).double().numpy()

    heads = None
    if trace.head_out:
        L, H = len(trace.head_out), trace.head_out[0].shape[0]
        heads = read(torch.cat(trace.head_out)).reshape(L, H)  # (L, H)
    return LogitAttribution(
        logit=float(trace.logits[-1, target]),
        embedding=float(read(pre[:1])[0]),
        heads=heads,
        attention=read(mid - pre),
        mlp=read(post - mid),
        constant=float(norm.bias @ w) + b,
    )


def component_table(la: LogitAttribution) -> list[dict]:
    """One row per part of the logit, in the order they are added: what, layer (1-based, 0 = before the layers),
    score. Heads are listed on their own when known, with the attention's bias as its own row. The parts' names are
    in the language in use (the keys are not: the page names the columns)."""
    rows = [{"part": _("embedding"), "layer": 0, "score": la.embedding}]
    for layer in range(len(la.attention)):
        if la.heads is None:
            rows.append({"part": _("attention"), "layer": layer + 1, "score": float(la.attention[layer])})
        else:
            rows += [
                {"part": _("head {head}").format(head=h + 1), "layer": layer + 1, "score": float(s)}
                for h, s in enumerate(la.heads[layer])
            ]
            rows.append({"part": _("attention bias"), "layer": layer + 1, "score": float(la.attention_bias[layer])})
        rows.append({"part": _("feed-forward"), "layer": layer + 1, "score": float(la.mlp[layer])})
    rows.append({"part": _("norm and output bias"), "layer": len(la.attention) + 1, "score": la.constant})
    return rows


# ---------------------------------------------------------------------------- one sentence each


def pushes_sentence(labels: list[str], scores: np.ndarray, target: str) -> str:
    """What the token scores mean, in one sentence (labels: the tokens as shown)."""
    up, down = int(np.argmax(scores)), int(np.argmin(scores))
    if scores[down] < 0:
        return _("“{up}” pushed “{word}” up the most; “{down}” pushed it down the most.").format(
            up=labels[up], word=target, down=labels[down]
        )
    return _("“{up}” pushed “{word}” up the most.").format(up=labels[up], word=target)


def writers_sentence(la: LogitAttribution, target: str) -> str:
    """Which part of the model wrote most of the target's score, in one sentence."""
    parts: dict[tuple[str, int, int], float] = {("embedding", 0, 0): la.embedding}  # (kind, layer, head): score
    for layer in range(len(la.attention)):
        if la.heads is not None:
            for h, s in enumerate(la.heads[layer]):
                parts["head", layer + 1, h + 1] = float(s)
        else:
            parts["attention", layer + 1, 0] = float(la.attention[layer])
        parts["feed-forward", layer + 1, 0] = float(la.mlp[layer])
    best = max(parts, key=parts.get)
    score = parts[best]
    share = score / sum(v for v in parts.values() if v > 0)
    kind, layer, head = best
    sentence = {  # one whole sentence per kind of part, so that a translation can word each its own way
        "embedding": _(
            "Of everything that raised the score of “{word}” (to {logit} in all), the embedding wrote the most: "
            "{score}, {share} of the pushes up."
        ),
        "head": _(
            "Of everything that raised the score of “{word}” (to {logit} in all), head {head} of layer {layer} wrote "
            "the most: {score}, {share} of the pushes up."
        ),
        "attention": _(
            "Of everything that raised the score of “{word}” (to {logit} in all), the attention of layer {layer} "
            "wrote the most: {score}, {share} of the pushes up."
        ),
        "feed-forward": _(
            "Of everything that raised the score of “{word}” (to {logit} in all), the feed-forward network of layer "
            "{layer} wrote the most: {score}, {share} of the pushes up."
        ),
    }[kind]
    return sentence.format(
        word=target,
        logit=number(la.logit, 1),
        layer=layer,
        head=head,
        score=("" if score < 0 else "+") + number(score, 1),
        share=fixed_percent(share, 0),
    )
