"""One interface over every model the app can show.

Pages and the CLI talk to `Backend` only: tokenize, next-token distribution,
trace, embeddings, unembedding, generation and metadata; `clone`, `module` and
`train_logits` let a page train a student's own copy (never the shared model).
Generation reads the prompt once and then one position per new token (each model's KV cache), for one
continuation (`generate`) or many at once in one batch (`generate_many`).
`BuiltinBackend` (builtin.py) wraps our own GPT checkpoints; `HFBackend` (hf.py) wraps Hugging Face causal LMs;
`load_backend` (load.py) picks one from a spec.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import torch

from explainer.backends.hooks import Off, Sublayers, first_output, mine, patched, switched_off
from explainer.backends.spec import BackendError
from explainer.format import complete_text, token_word
from explainer.i18n import _
from explainer.model import sampling
from explainer.model.gpt import Trace
from explainer.model.seeding import seeded
from explainer.model.tokenizers import Token, Tokenizer

Messages = list[dict[str, str]]  # [{"role": "user" | "assistant", "content": ...}], as chat templates take them
DECODE_TAIL = 16  # prompt tokens decoded with each generated one
BATCH_ROWS = 64  # token lists read in one forward pass (`same_length_batches`' default)
MAX_CLONE_PARAMS = {"cpu": 50_000_000, "gpu": 2_000_000_000}  # a student's copy + its optimiser must stay small


@dataclass(frozen=True)
class ModelInfo:
    name: str
    source: str  # "builtin" | "checkpoint" | "hf"
    vocab_size: int
    context_length: int
    n_layer: int
    n_head: int
    d_model: int
    n_params: int
    device: str  # human-readable, e.g. "CPU (2 threads)"
    tokenizer_kind: str


@dataclass(frozen=True)
class QueriesKeys:
    """One layer's queries and keys as its heads score them: score[h, i, j] = queries[h, i] · keys[h, j] * scale
    (before the causal mask and the softmax), float32 on the CPU."""

    queries: torch.Tensor  # (H, T, hs) after rotary positions where the model has them
    keys: torch.Tensor  # (H, T, hs); a key that a group of heads shares is repeated for each
    scale: float  # 1 / sqrt(hs) in most models

    def scores(self) -> torch.Tensor:
        """(H, T, T) every head's scores, the future masked to -inf."""
        s = self.queries @ self.keys.transpose(-2, -1) * self.scale
        T = s.shape[-1]
        return s.masked_fill(~torch.ones(T, T, dtype=torch.bool).tril(), float("-inf"))


@dataclass(frozen=True)
class NeuronWrites:
    """One layer's feed-forward neurons as they write: column n of `out` is what neuron n adds to a token's vector per
    unit of its value, values[t, n] its value at position t (its activation; in a gated network, the gate times the
    up projection). values @ out.T, plus the output's bias, is what the network adds to the residual stream."""

    values: torch.Tensor  # (T, F) float32 on the CPU
    out: torch.Tensor  # (D, F) the output matrix as the model holds it (not copied: read it, never change it)


@dataclass(frozen=True)
class FinalNorm:
    """The norm before the unembedding, as numbers (D,): norm(x) = weight * c(x) / scale(x) + bias, where
    c(x) = x - mean(x), scale = sqrt(var(x) + eps) for a LayerNorm (centred); c(x) = x, scale = sqrt(mean(x²) + eps)
    for an RMSNorm; `normalises` False: no norm at all (scale 1)."""

    weight: torch.Tensor
    bias: torch.Tensor
    eps: float
    centred: bool
    normalises: bool = True

    def scale(self, x: torch.Tensor) -> float:
        """The divisor for the vector x (D,)."""
        if not self.normalises:
            return 1.0
        c = x - x.mean() if self.centred else x
        return float((c.pow(2).mean() + self.eps).sqrt())

    def frozen(self, parts: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """(N, D) parts of x -> (N, D): the norm made linear by freezing its scale at x's. Linear, so the parts' images
        plus `bias` add up to norm(x) exactly when the parts add up to x."""
        c = parts - parts.mean(-1, keepdim=True) if self.centred else parts
        return self.weight * c / self.scale(x)


def _scored(logits: torch.Tensor, came: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """(R, V) logits at R positions, (R,) the tokens that came after them -> (R,) each token's probability, its rank
    among the guesses there (1: the favourite), the favourite and the favourite's probability."""
    logp = logits.double().log_softmax(-1)
    mine = logp.gather(-1, came[:, None].to(logp.device))  # (R, 1)
    best_logp, best = logp.max(-1)
    return mine[:, 0].exp(), (logp > mine).sum(-1) + 1, best, best_logp.exp()


@dataclass(frozen=True)
class Guesses:
    """How a model guessed each token of a text from the tokens before it, all from one reading of the text (as
    training reads it): one entry per token after the first, which nothing comes before to guess from."""

    ids: list[int]  # the text's tokens (left-cut to the context), the first one included
    probs: list[float]  # the probability the model gave each token (2..T) before it came
    ranks: list[int]  # its place among the model's guesses there (1: the favourite)
    favourites: list[int]  # the model's favourite at each place
    favourite_probs: list[float]

    @classmethod
    def read(cls, ids: list[int], parts: list[tuple[torch.Tensor, ...]]) -> Guesses:
        """From `_scored`'s answers for consecutive chunks of the positions."""
        columns = [torch.cat(column).cpu().tolist() for column in zip(*parts)] if parts else [[], [], [], []]
        return cls(list(ids), *columns)

    @classmethod
    def of(cls, ids: list[int], logits: torch.Tensor) -> Guesses:
        """From the (T, V) logits of every position of ids (a trace's)."""
        return cls.read(ids, [_scored(logits[:-1], torch.tensor(ids[1:]))] if len(ids) > 1 else [])

    @property
    def loss(self) -> float:
        """The average of -ln p over the guessed tokens (nats): the loss training lowers, for this one text."""
        return -sum(math.log(max(p, 1e-300)) for p in self.probs) / len(self.probs) if self.probs else 0.0

    @property
    def right(self) -> int:
        """How many tokens were the model's favourite guess (greedy decoding would have written them)."""
        return sum(r == 1 for r in self.ranks)


@dataclass(frozen=True)
class GenStep:
    """One generated token and what the model thought at that step."""

    token_id: int
    text: str  # what this token added to the text
    prob: float  # probability of the chosen token under the sampling settings
    model_prob: float  # its probability straight from the model (T = 1)
    top: list[tuple[str, float]]  # the model's most likely alternatives (T = 1)
    piece: str = ""  # the token as shown on its own (token_str): "⟨e4 b8⟩" for part of a character

    @property
    def word(self) -> str:
        """The token as a word in a table: the text it added, or its bytes when it only began a character."""
        return token_word(self.text) if self.text or not self.piece else self.piece


@dataclass(frozen=True)
class ChatTemplate:
    """A model's own chat format: `render(messages, open_reply)` writes the conversation as the model reads it, with
    `open_reply` the markers that start the assistant's next reply; `end_of_text` is its tokenizer's end token."""

    render: Callable[[Messages, bool], str]
    end_of_text: str | None


class Backend(ABC):
    info: ModelInfo
    tokenizer: Tokenizer
    device: torch.device
    folder: Path | None = None  # the checkpoint folder it was loaded from (None: a copy, or from the Hub)

    # --- what each kind of model provides --------------------------------
    @abstractmethod
    def _forward(self, ids: torch.Tensor) -> torch.Tensor:
        """(1, T) ids on self.device -> (T, V) float32 logits on the CPU (fast path)."""

    @abstractmethod
    def _new_cache(self) -> object:
        """An empty KV cache for `_read`."""

    @abstractmethod
    def _read(self, ids: torch.Tensor, cache: object | None) -> torch.Tensor:
        """(B, T) ids on self.device that follow the tokens `cache` holds (which keeps them too), or the whole
        context when `cache` is None -> (B, V) float32 logits of the last position, on the CPU. Only that position
        is unembedded: a small model's largest product, and GPT-2's (50,257 x 768) costs a fifth of its forward pass
        at every position."""

    @abstractmethod
    def _repeat_cache(self, cache: object, n: int) -> None:
        """Every row of `cache` n times (one prompt read once, continued n ways)."""

    @abstractmethod
    def _trace(self, ids: torch.Tensor) -> Trace:
        """(1, T) ids -> a Trace with CPU float32 tensors (explicit path)."""

    @abstractmethod
    def _queries_keys(self, ids: torch.Tensor, layer: int) -> QueriesKeys | None:
        """One layer's queries and keys for ids (1, T), or None where this model's cannot be read."""

    @abstractmethod
    def _ff_out(self, layer: int) -> torch.nn.Module | None:
        """The layer's feed-forward output projection (neurons -> residual stream), or None where it is not found."""

    @abstractmethod
    def _residuals(self, ids: torch.Tensor) -> torch.Tensor:
        """(B, T) ids -> (L + 1, B, T, D) the residual stream: the input to the first block (embeddings + positions),
        then each block's output (before the final norm), as `trace` gives them for one text."""

    @abstractmethod
    def unembed(self, h: torch.Tensor) -> torch.Tensor:
        """Final norm + unembedding: (..., D) residual vectors -> (..., V) logits."""

    @abstractmethod
    def embedding_matrix(self) -> torch.Tensor:
        """(V, D) token embeddings, float32 on the CPU."""

    @abstractmethod
    def position_matrix(self) -> torch.Tensor | None:
        """(C, D) the learned vectors added to the tokens' for positions 0..C-1, float32 on the CPU; None for a model
        without such a table (it marks the order inside attention: rotary or relative positions)."""

    @abstractmethod
    def _token_embeddings(self, ids: torch.Tensor) -> torch.Tensor:
        """(B, T) ids on self.device -> (B, T, D) the input token embeddings (positions are added later, if at all)."""

    @abstractmethod
    def _embedding_matrix(self) -> torch.Tensor:
        """(V, D) the input token embeddings of the whole vocabulary (the model's own weights: read, never changed)."""

    @abstractmethod
    def _last_logits(self, embeds: torch.Tensor) -> torch.Tensor:
        """(B, T, D) input token embeddings -> (B, V) logits at the last position, differentiable in `embeds`."""

    @abstractmethod
    def unembed_row(self, token_id: int) -> tuple[torch.Tensor, float]:
        """(the token's output vector (D,) on the CPU, its output bias): its logit is vector · final-normed h + bias."""

    @abstractmethod
    def final_norm(self) -> FinalNorm:
        """The final norm's numbers (CPU float32), for reading the logit off the residual stream linearly."""

    @property
    @abstractmethod
    def module(self) -> torch.nn.Module:
        """The torch module whose parameters set the behaviour (for an optimiser on a clone)."""

    @abstractmethod
    def _train_forward(self, ids: torch.Tensor) -> torch.Tensor:
        """(B, T) ids on self.device -> (B, T, V) logits with grad."""

    @abstractmethod
    def _train_hidden(self, ids: torch.Tensor) -> torch.Tensor:
        """(B, T) ids on self.device -> (B, T, D) the vectors after the final norm, with grad."""

    @abstractmethod
    def _train_head(self, h: torch.Tensor) -> torch.Tensor:
        """(..., D) vectors from `_train_hidden` -> (..., V) logits, with grad."""

    @abstractmethod
    def _clone(self, memo: dict) -> Backend:
        """The same backend around `copy.deepcopy(model, memo)`: the tensors in memo (and the tokenizer) are shared."""

    @abstractmethod
    def _fresh(self) -> Backend:
        """The same network and tokenizer with newly drawn weights, as its training would start (torch's RNG)."""

    def chat_template(self) -> ChatTemplate | None:
        """The chat format this model was trained on, when its tokenizer carries one (an instruct model's); None
        for a model that only learnt to continue text (the built-in one writes the plain script it was trained on)."""
        return None

    # --- shared behaviour -------------------------------------------------
    def tokenize(self, text: str) -> list[Token]:
        return self.tokenizer.tokens(text)

    def encode(self, text: str) -> list[int]:
        return self.tokenizer.encode(text)

    def decode(self, ids: list[int]) -> str:
        return self.tokenizer.decode(ids)

    def token_str(self, token_id: int) -> str:
        return self.tokenizer.id_to_token(token_id)

    def fit(self, ids: list[int]) -> tuple[list[int], int]:
        """Cut from the left to the context length: (kept ids, number cut)."""
        n = self.info.context_length
        return (ids[-n:], max(0, len(ids) - n))

    def _tensor(self, ids: list[int]) -> torch.Tensor:
        if not ids:
            raise BackendError(_("the text has no tokens: type at least one word"))
        return torch.tensor([self.fit(ids)[0]], dtype=torch.long, device=self.device)

    def train_logits(self, ids: torch.Tensor, where: torch.Tensor | None = None) -> torch.Tensor:
        """(B, T) ids -> (B, T, V) float32 logits on self.device, differentiable (grad flows to
        `module`'s parameters). Dropout stays off (eval mode), so a step is deterministic.
        With `where` ((B, T) bool): only those positions' logits, (N, V) in row order: the unembedding is a small
        model's largest product, and an answer's tokens are a few of its script's."""
        ids = ids.to(self.device)
        if where is None:
            return self._train_forward(ids).float()
        return self._train_head(self._train_hidden(ids)[where.to(self.device)]).float()

    def clone_problem(self) -> str | None:
        """Why this model is too large to give each student a copy on this device (None: it is not)."""
        limit = MAX_CLONE_PARAMS["cpu" if self.device.type == "cpu" else "gpu"]
        if self.info.n_params <= limit:
            return None
        where = "on the CPU" if self.device.type == "cpu" else "here"
        return (
            f"{self.info.name} has {self.info.n_params / 1e6:,.0f} M parameters: too many to give each student "
            f"a copy to change {where} (at most {limit / 1e6:,.0f} M). Use the built-in model or a smaller one."
        )

    def clone(self) -> Backend:
        """A copy for one student to change, the original untouched: its own parameters but the embedding tables,
        which it shares with the original and never changes (they are 4.7 of the built-in model's 11.9 MB, and a
        class holds a copy per student). Refused (BackendError) for models too large to copy on this device."""
        if problem := self.clone_problem():
            raise BackendError(problem)
        tables = {id(m.weight): m.weight for m in self.module.modules() if isinstance(m, torch.nn.Embedding)}
        copy = self._clone(dict(tables))
        copy._shared = frozenset(tables)
        return copy

    def untrained(self, seed: int = 0) -> Backend:
        """The same network, the same tokenizer, random weights drawn from `seed` as its training would start from:
        what the architecture alone does, before it learned anything (the Meaning page's baseline). Torch's global
        RNG is left as it was. Refused (BackendError) for models too large to copy on this device."""
        if problem := self.clone_problem():
            raise BackendError(problem)
        with seeded(seed, devices=[self.device] if self.device.type == "cuda" else []):
            return self._fresh()

    _shared: frozenset[int] = frozenset()  # ids of the parameters a clone shares with its original

    def _sublayers(self) -> list[Sublayers]:
        """Each layer's attention, feed-forward network and output projection, which parts can be switched off by
        (explainer/backends/hooks.py); BackendError where the model's are not found."""
        raise BackendError(_("this model's parts cannot be switched off"))

    def trainable_parameters(self) -> list[torch.nn.Parameter]:
        """The parameters an optimiser may change: on a clone, all but those shared with the original."""
        return [p for p in self.module.parameters() if p.requires_grad and id(p) not in self._shared]

    @torch.inference_mode()
    def logits(self, ids: list[int]) -> torch.Tensor:
        """(T, V) logits for every position of the (left-cut) ids."""
        return self._forward(self._tensor(ids))

    @torch.inference_mode()
    def guesses(self, ids: list[int], rows: int = BATCH_ROWS) -> Guesses:
        """How the model guessed each of the (left-cut) ids from those before it, from one forward pass; the
        positions are unembedded `rows` at a time (GPT-2's 50,257 logits at 1,024 positions are 200 MB at once)."""
        x = self._tensor(ids)[0]  # (T,)
        h = self._train_hidden(x[None])[0, :-1]  # (T-1, D): position t's vector guesses token t+1
        came = x[1:]
        parts = [_scored(self._train_head(h[s : s + rows]), came[s : s + rows]) for s in range(0, len(h), rows)]
        return Guesses.read(x.cpu().tolist(), parts)

    @torch.inference_mode()
    def next_token_logits(self, ids: list[int]) -> torch.Tensor:
        """(V,) logits for the token after `ids` (the unembedding at the last position only)."""
        return self._read(self._tensor(ids), None)[0]

    def heads_switch_off(self) -> bool:
        """Whether each attention head can be switched off alone (`next_token_logits_off`)."""
        try:
            return all(layer.out_proj is not None for layer in self._sublayers())
        except BackendError:
            return False

    @torch.inference_mode()
    def next_token_logits_off(self, ids: list[int], offs: list[Off]) -> torch.Tensor:
        """(N, V) the logits for the token after `ids` with offs[i]'s parts switched off, row by row (BATCH_ROWS rows a
        forward pass); the shared model is not changed. BackendError for a layer or head the model does not have."""
        layers, H = self._sublayers(), self.info.n_head
        for off in offs:
            parts = [*off.attention, *off.feed_forward, *(layer for layer, _head in off.heads)]
            if any(not 0 <= i < len(layers) for i in parts) or any(not 0 <= h < H for _layer, h in off.heads):
                raise BackendError(_("no such layer or head in this model"))
            if any(layers[layer].out_proj is None for layer, _head in off.heads):
                raise BackendError(_("this model's heads cannot be switched off one by one"))
        x, out = self._tensor(ids), []
        for start in range(0, len(offs), BATCH_ROWS):
            rows = offs[start : start + BATCH_ROWS]
            with switched_off(layers, rows, H, self.device):
                out.append(self._read(x.expand(len(rows), -1), None))
        return torch.cat(out) if out else torch.empty(0, self.info.vocab_size)

    def _blocks(self) -> list[torch.nn.Module]:
        """The model's layers (blocks), in order, whose outputs are the residual stream (`_residuals` after the
        first); BackendError where they cannot be reached."""
        raise BackendError(_("this model's layers cannot be reached"))

    @torch.inference_mode()
    def next_token_logits_patched(
        self, ids: list[int], source_ids: list[int], rows: list[tuple[int, int]]
    ) -> torch.Tensor:
        """(N, V) the logits for the token after `ids` with one vector of the residual stream taken from `source_ids`
        (a text of the same length) in each row: rows[i] = (depth, position), depth 0 the embedding (with the
        position's), depth d the vector after layer d (explainer/backends/hooks.py `patched`). BackendError for
        texts of two lengths, or a depth or position the text does not have."""
        x, src = self._tensor(ids), self._tensor(source_ids)
        if x.shape != src.shape:
            raise BackendError(
                _("the two texts need the same number of tokens ({n} and {m})").format(n=x.shape[1], m=src.shape[1])
            )
        L, T = self.info.n_layer, x.shape[1]
        if any(not (0 <= d <= L and 0 <= p < T) for d, p in rows):
            raise BackendError(_("no such layer or position in this text"))
        blocks = self._blocks()
        # the tokens before the first position swapped are read once per batch (a KV cache): every row shares them
        first = min((p for _d, p in rows), default=0)
        source = self._residuals(src)[:, 0, first:]  # (L + 1, T - first, D)
        out = []
        for start in range(0, len(rows), BATCH_ROWS):
            part = rows[start : start + BATCH_ROWS]
            cache = None
            if first:
                cache = self._new_cache()
                self._read(x[:, :first], cache)
                self._repeat_cache(cache, len(part))
            with patched(blocks, [(d, p - first) for d, p in part], source):
                out.append(self._read(x[:, first:].expand(len(part), -1), cache))
        return torch.cat(out) if out else torch.empty(0, self.info.vocab_size)

    @torch.inference_mode()
    def next_token_logits_batch(self, rows: list[list[int]]) -> torch.Tensor:
        """(N, V) next-token logits for N token lists of one length, in one forward pass (a level of a tree)."""
        return self._read(self._batch(rows), None)

    @torch.inference_mode()
    def top_tokens_batch(self, rows: list[list[int]], where: torch.Tensor | None = None) -> torch.Tensor:
        """(N, T) the most likely token after every position of N token lists of one length, in one forward pass:
        what greedy decoding writes there (the held-out evaluation checks whole replies this way). With `where`
        ((N, T) bool): only at those positions, -1 elsewhere (the unembedding is a small model's largest product)."""
        ids = self._batch(rows)
        if where is None:
            return self._train_forward(ids).argmax(-1).cpu()
        where = where.to(self.device)
        out = torch.full(ids.shape, -1, dtype=torch.long, device=self.device)
        out[where] = self._train_head(self._train_hidden(ids)[where]).argmax(-1)
        return out.cpu()

    @torch.inference_mode()
    def residual_streams(self, rows: list[list[int]]) -> torch.Tensor:
        """(L + 1, N, T, D) float32 on the CPU: `trace`'s resid_pre[0] and resid_post for N token lists of one
        length, in one forward pass (the Meaning page reads 40 sentences on three random networks)."""
        return self._residuals(self._batch(rows)).float().cpu()

    def _batch(self, rows: list[list[int]]) -> torch.Tensor:
        """N token lists of one length -> (N, T) ids on self.device (each left-cut to the context)."""
        if not rows or len({len(r) for r in rows}) != 1:
            raise BackendError("a batch needs token lists of one length")
        return torch.stack([self._tensor(r)[0] for r in rows])

    @torch.inference_mode()
    def trace(self, ids: list[int]) -> Trace:
        return self._trace(self._tensor(ids))

    @torch.inference_mode()
    def queries_keys(self, ids: list[int], layer: int) -> QueriesKeys | None:
        """One layer's queries and keys, checked: their scores' softmax must give the attention weights the model's
        own pass gives (`trace`), or this says None rather than show numbers the model did not use."""
        x = self._tensor(ids)
        found = self._queries_keys(x, layer)
        if found is None:
            return None
        weights = self._trace(x).attentions[layer].float().cpu()  # (H, T, T)
        made = found.scores().softmax(-1)
        return found if made.shape == weights.shape and torch.allclose(made, weights, atol=1e-3) else None

    @torch.inference_mode()
    def neuron_writes(self, ids: list[int]) -> list[NeuronWrites] | None:
        """Every layer's neurons as they write for `ids`, from one pass; None where a layer's output projection is not
        found, or its input times its matrix is not its output (a matrix read the wrong way round)."""
        modules = [self._ff_out(i) for i in range(self.info.n_layer)]
        if any(not isinstance(getattr(m, "weight", None), torch.Tensor) for m in modules):
            return None
        seen: list[dict[int, torch.Tensor]] = [{}, {}]  # layer -> the projection's input, and its output

        def note(side: int, layer: int):
            def hook(m, args, out=None) -> None:  # returns None: the pass goes on unchanged
                seen[side].setdefault(layer, (args[0] if out is None else first_output(out))[0])  # (T, F) / (T, D)

            return mine(hook)

        hooks = [h for i, m in enumerate(modules) for h in (
            m.register_forward_pre_hook(note(0, i)), m.register_forward_hook(note(1, i)))]  # fmt: skip
        try:
            self._forward(self._tensor(ids))
        finally:
            for h in hooks:
                h.remove()
        found = []
        for i, m in enumerate(modules):
            weight = m.weight.detach()
            out = weight if isinstance(m, torch.nn.Linear) else weight.T  # GPT-2's Conv1D holds (F, D)
            values, made = seen[0].get(i), seen[1].get(i)
            bias = 0.0 if getattr(m, "bias", None) is None else m.bias.detach()
            if values is None or made is None or out.shape != (made.shape[-1], values.shape[-1]):
                return None
            if not torch.allclose(values @ out.T + bias, made, atol=1e-3, rtol=1e-3):
                return None
            found.append(NeuronWrites(values.float().cpu(), out))
        return found

    @torch.inference_mode()
    def unembed_directions(self, v: torch.Tensor) -> torch.Tensor:
        """(N, D) directions already past the final norm -> (N, V) what each adds to every token's score: the
        unembedding's linear part alone (no norm, no bias), float32 on the CPU."""
        v = v.to(self.device, self._embedding_matrix().dtype)
        return (self._train_head(v) - self._train_head(torch.zeros_like(v[:1]))).float().cpu()

    def embedding_gradients(
        self, ids: list[int], target: int, scales: list[float] | tuple[float, ...] = (1.0,), batch: int = 8
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """The log-probability of `target` after `ids` on the way from a baseline to the text, and its gradients.
        The baseline puts the average token embedding (of the whole vocabulary) at every position but the last, which
        keeps its own: the last token is where the prediction is read, the earlier ones are what it is read from.
        Each of the S `scales` is a point on the way (1: the text itself; 0: the baseline). Returns (embeddings
        (T, D), baseline (T, D), gradients (S, T, D), log-probabilities (S,)). Only copies of the embeddings get
        gradients: the model's parameters are neither marked nor changed, so the shared model stays as it is."""
        x = self._tensor(ids)
        grads, values = [], []
        with torch.inference_mode(False), torch.enable_grad():
            emb = self._token_embeddings(x.clone()).detach()  # (1, T, D)
            base = self._embedding_matrix().detach().float().mean(0).to(emb.dtype).expand_as(emb).clone()  # (1, T, D)
            base[:, -1] = emb[:, -1]
            for i in range(0, len(scales), batch):
                s = torch.tensor(scales[i : i + batch], dtype=emb.dtype, device=self.device).view(-1, 1, 1)
                path = (base + s * (emb - base)).requires_grad_(True)  # (S', T, D): a fresh leaf, not a parameter
                logp = self._last_logits(path).float().log_softmax(-1)[:, target]  # (S',)
                (g,) = torch.autograd.grad(logp.sum(), path)
                grads.append(g.float().cpu())
                values.append(logp.detach().cpu())
        return emb[0].float().cpu(), base[0].float().cpu(), torch.cat(grads), torch.cat(values)

    def generate(
        self,
        ids: list[int],
        max_new: int,
        params: sampling.SamplingParams,
        generator: torch.Generator | None = None,
        stop: Callable[[str], bool] | None = None,
        top_n: int = 5,
    ) -> Iterator[GenStep]:
        """Yield tokens one by one; stop after max_new or when stop(continuation) is true."""
        params.validate()
        stream, text = _Stream(self, [ids]), _Text(self, ids)
        for i in range(max_new):
            logits = stream.logits[0]  # (V,)
            model_probs = logits.softmax(-1)
            dist = sampling.distribution(logits, params)
            tok = sampling.sample(dist, generator)
            piece = text.add(tok)
            top_p, top_i = model_probs.topk(min(top_n, model_probs.numel()))
            top = [(self.token_str(int(i)), float(p)) for p, i in zip(top_p, top_i)]
            yield GenStep(tok, piece, float(dist[tok]), float(model_probs[tok]), top, self.token_str(tok))
            if (stop is not None and stop(text.produced)) or i == max_new - 1:
                return
            stream.push([tok])

    def generate_many(
        self,
        ids: list[int],
        generators: list[torch.Generator | None],
        max_new: int,
        params: sampling.SamplingParams,
        stop: Callable[[str], bool] | None = None,
    ) -> list[str]:
        """One continuation of `ids` per generator, all in one batch: row r writes what `generate` writes with
        generators[r] (the same draws), until max_new tokens or stop(its text). Returns each row's text."""
        params.validate()

        def pick(logits: torch.Tensor, live: list[bool]) -> list[int]:  # a finished row draws nothing
            dists = sampling.distributions(logits, params)  # (B, V): every row at once
            return [sampling.sample(dists[r], gen) if live[r] else 0 for r, gen in enumerate(generators)]

        texts = [_Text(self, ids) for _gen in generators]
        return _write(_Stream(self, [ids] * len(generators)), texts, max_new, stop, pick)

    def greedy_texts(
        self, prompts: list[list[int]], max_new: int, stop: Callable[[str], bool] | None = None
    ) -> list[str]:
        """What greedy decoding (temperature 0: `generate` with SamplingParams(0)) writes after each prompt, until
        max_new tokens or stop(its text). Prompts of one (left-cut) length are read together, BATCH_ROWS at a time:
        the Emergence page's 60 questions on two models, the held-out replies of `llm-explainer eval`."""
        fitted, out = [self.fit(ids)[0] for ids in prompts], [""] * len(prompts)
        for part in same_length_batches(fitted):
            stream = _Stream(self, [fitted[i] for i in part])
            texts = [_Text(self, prompts[i]) for i in part]
            for i, text in zip(part, _write(stream, texts, max_new, stop, _argmax)):
                out[i] = text
        return out


def same_length_batches(rows: list[list[int]], size: int | None = BATCH_ROWS) -> Iterator[list[int]]:
    """The indices of `rows` in groups of one length, at most `size` a group (None: no limit): the token lists that go
    through the model together."""
    by_length: dict[int, list[int]] = {}
    for i, row in enumerate(rows):
        by_length.setdefault(len(row), []).append(i)
    for group in by_length.values():
        step = size or len(group)
        for start in range(0, len(group), step):
            yield group[start : start + step]


def _argmax(logits: torch.Tensor, _live: list[bool]) -> list[int]:
    """Greedy decoding's tokens, (B, V) -> B ids: the first of equal maxima, as sampling at temperature 0 takes."""
    return logits.argmax(-1).tolist()


def _write(
    stream: _Stream,
    texts: list[_Text],
    max_new: int,
    stop: Callable[[str], bool] | None,
    pick: Callable[[torch.Tensor, list[bool]], list[int]],
) -> list[str]:
    """Continue every row of `stream`, the token `pick(logits (B, V), live)` chooses for each, until max_new tokens
    or stop(its text); a finished row reads on (one position) but its text no longer changes. Each row's text."""
    live = [True] * len(texts)
    for i in range(max_new):
        tokens = pick(stream.logits, live)
        for r, (tok, text) in enumerate(zip(tokens, texts)):
            if live[r]:
                text.add(tok)
                live[r] = stop is None or not stop(text.produced)
        if not any(live) or i == max_new - 1:
            break
        stream.push(tokens)
    return [t.produced for t in texts]


class _Stream:
    """B continuations of B prompts of one (left-cut) length, read by the model token by token; one prompt repeated
    B times is read once. While the text fits the context, a new token costs one position (the model's KV cache);
    past it, the model reads its whole left-cut context again, exactly as `Backend.logits` would (learned positions
    cannot slide)."""

    def __init__(self, backend: Backend, prompts: list[list[int]]):
        same = all(ids == prompts[0] for ids in prompts)
        tensor = backend._tensor(prompts[0]) if same else backend._batch(prompts)  # (1 or B, T); clear errors
        self.backend, self.context = backend, backend.info.context_length
        self.rows = [tensor[0 if same else r].tolist() for r in range(len(prompts))]
        self.cache: object | None = backend._new_cache()
        with torch.inference_mode():
            first = backend._read(tensor, self.cache)  # (1 or B, V): a repeated prompt is read once for every row
            if same:
                backend._repeat_cache(self.cache, len(prompts))
        self.logits = first.expand(len(prompts), -1)  # (B, V)
        self.length = tensor.shape[1]  # tokens the cache holds

    def push(self, tokens: list[int]) -> None:
        """Append one token to each row and read the next logits."""
        b = self.backend
        for row, tok in zip(self.rows, tokens):
            row.append(tok)
            del row[: -self.context]
        self.length += 1
        with torch.inference_mode():
            if self.cache is not None and self.length <= self.context:
                self.logits = b._read(torch.tensor([[t] for t in tokens], device=b.device), self.cache)
            else:
                self.cache = None
                self.logits = b._read(torch.tensor(self.rows, device=b.device), None)


class _Text:
    """What one continuation wrote. Each token's text is read off the decoded tail: the prompt's last few tokens
    (for spacing and characters split over several byte tokens) plus what was generated, never the whole prompt
    (it may be megabytes)."""

    def __init__(self, backend: Backend, ids: list[int]):
        self.backend, self.tail = backend, list(ids[-DECODE_TAIL:])
        self.base, self.produced = backend.decode(self.tail), ""
        self.waiting = b""  # a byte-level tokenizer's last bytes, the start of a character still to come

    def add(self, tok: int) -> str:
        """Append a token; returns the text it added: a character cut between tokens comes with its last byte, and
        bytes that make no character are shown as their values (⟨ad⟩, format.byte_piece), never as �."""
        self.tail.append(tok)
        data = self.backend.tokenizer.token_bytes(tok)
        if data is not None:  # byte-level: the text is exactly the bytes, decoded
            piece, self.waiting = complete_text(self.waiting + data)
        else:
            text = self.backend.decode(self.tail)
            start = len(self.base) + len(self.produced)
            piece = text[start:] if text.startswith(self.base) else self.backend.decode([tok])
        self.produced += piece
        return piece
