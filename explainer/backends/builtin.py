"""Our own GPT behind the Backend interface: the shipped model, a trained run, any checkpoint folder."""

from __future__ import annotations

import copy

import torch

from explainer.backends.base import Backend, FinalNorm, ModelInfo, QueriesKeys
from explainer.backends.hooks import Sublayers
from explainer.model.device import device_label
from explainer.model.gpt import GPT, KVCache, Trace
from explainer.model.tokenizers import Tokenizer


class BuiltinBackend(Backend):
    """Our own GPT (the shipped model, a trained run, any checkpoint folder)."""

    def __init__(self, model: GPT, tokenizer: Tokenizer, name: str, source: str, device: torch.device):
        self.device = device
        self.model = model.to(device).eval()
        self.tokenizer = tokenizer
        c = model.cfg
        self.info = ModelInfo(
            name, source, c.vocab_size, c.context_length, c.n_layer, c.n_head, c.d_model,
            model.n_params(), device_label(device), tokenizer.kind,
        )  # fmt: skip

    def _forward(self, ids: torch.Tensor) -> torch.Tensor:
        logits, _ = self.model(ids)
        return logits[0].float().cpu()

    def _new_cache(self) -> KVCache:
        return KVCache(self.model.cfg.n_layer)

    def _read(self, ids: torch.Tensor, cache: KVCache | None) -> torch.Tensor:
        last = self.model.final_hidden(self.model.tok_emb(ids), cache=cache)[:, -1]  # (B, D)
        return self._train_head(last).float().cpu()

    def _repeat_cache(self, cache: KVCache, n: int) -> None:
        cache.repeat(n)

    def _trace(self, ids: torch.Tensor) -> Trace:
        tr = Trace()
        self.model(ids, trace=tr)
        return _to_cpu(tr)

    def _residuals(self, ids: torch.Tensor) -> torch.Tensor:
        m = self.model
        x = m.tok_emb(ids) + m.pos_emb(torch.arange(ids.shape[1], device=ids.device))  # (B, T, D)
        out = [x]
        for block in m.blocks:
            out.append(block(out[-1], None, None))
        return torch.stack(out)  # (L + 1, B, T, D)

    def _queries_keys(self, ids: torch.Tensor, layer: int) -> QueriesKeys:
        block = self.model.blocks[layer]
        x = block.ln1(self._residuals(ids)[layer])  # (1, T, D) what the layer's attention reads
        H, (_, T, D) = block.attn.n_head, x.shape
        q, k, _v = block.attn.qkv(x).split(D, dim=2)
        q, k = (t[0].view(T, H, D // H).transpose(0, 1).float().cpu() for t in (q, k))  # (H, T, hs)
        return QueriesKeys(q, k, (D // H) ** -0.5)

    def _ff_out(self, layer: int) -> torch.nn.Module:
        return self.model.blocks[layer].mlp.proj

    def _sublayers(self) -> list[Sublayers]:
        return [Sublayers(b.attn, b.mlp, b.attn.proj) for b in self.model.blocks]

    def _blocks(self) -> list[torch.nn.Module]:
        return list(self.model.blocks)

    @torch.inference_mode()
    def unembed(self, h: torch.Tensor) -> torch.Tensor:
        return self.model.unembed(h.to(self.device)).float().cpu()

    def embedding_matrix(self) -> torch.Tensor:
        return self.model.tok_emb.weight.detach().float().cpu()

    def position_matrix(self) -> torch.Tensor:
        return self.model.pos_emb.weight.detach().float().cpu()

    def _token_embeddings(self, ids: torch.Tensor) -> torch.Tensor:
        return self.model.tok_emb(ids)

    def _embedding_matrix(self) -> torch.Tensor:
        return self.model.tok_emb.weight

    def _last_logits(self, embeds: torch.Tensor) -> torch.Tensor:
        return self.model.final_hidden(embeds)[:, -1] @ self.model.tok_emb.weight.T

    def unembed_row(self, token_id: int) -> tuple[torch.Tensor, float]:
        return self.model.tok_emb.weight[token_id].detach().float().cpu(), 0.0  # tied, no bias

    def final_norm(self) -> FinalNorm:
        ln = self.model.ln_f
        return FinalNorm(ln.weight.detach().float().cpu(), ln.bias.detach().float().cpu(), ln.eps, centred=True)

    @property
    def module(self) -> torch.nn.Module:
        return self.model

    def _train_forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.model(ids)[0]

    def _train_hidden(self, ids: torch.Tensor) -> torch.Tensor:
        return self.model.final_hidden(self.model.tok_emb(ids))

    def _train_head(self, h: torch.Tensor) -> torch.Tensor:
        return h @ self.model.tok_emb.weight.T  # tied with the embedding

    def _clone(self, memo: dict) -> Backend:
        i = self.info
        return BuiltinBackend(copy.deepcopy(self.model, memo), self.tokenizer, i.name, i.source, self.device)

    def _fresh(self) -> Backend:
        i = self.info
        return BuiltinBackend(GPT(self.model.cfg), self.tokenizer, i.name, i.source, self.device)


def _to_cpu(tr: Trace) -> Trace:
    cpu = lambda xs: [x.float().cpu() for x in xs]  # noqa: E731
    return Trace(
        cpu(tr.attentions), cpu(tr.resid_pre), cpu(tr.resid_mid), cpu(tr.resid_post), cpu(tr.mlp_hidden),
        cpu(tr.head_out), None if tr.final is None else tr.final.float().cpu(),
        None if tr.logits is None else tr.logits.float().cpu(),
    )  # fmt: skip
