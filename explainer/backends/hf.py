"""Hugging Face causal LMs (GPT-2 first) behind the same Backend interface.

Needs the optional `hf` extra (transformers). Attention runs in the eager
implementation so that attention probabilities come back. Remote code is never
trusted. Sublayer outputs are read with forward hooks on each decoder layer; each head's output at the last
position, by feeding the attention's output projection one head's slice at a time.
"""

from __future__ import annotations

import copy
import inspect
import sys
from pathlib import Path

import torch
import torch.nn as nn

from explainer.backends import hub
from explainer.backends.base import (
    Backend,
    BackendError,
    ChatTemplate,
    FinalNorm,
    Messages,
    ModelInfo,
    QueriesKeys,
)
from explainer.backends.hooks import Sublayers, first_output, mine
from explainer.i18n import _
from explainer.model.device import device_label
from explainer.model.gpt import Trace
from explainer.model.tokenizers import HFTokenizer

_ATTN_NAMES = ("attn", "self_attn", "attention", "self_attention")
_FF_NAMES = ("mlp", "feed_forward")
_NORM_NAMES = ("ln_f", "norm", "final_layer_norm", "final_layernorm")
_OUT_PROJ_NAMES = ("c_proj", "o_proj", "out_proj", "dense")  # an attention's output projection (heads -> residual)
_FF_OUT_NAMES = ("c_proj", "down_proj", "fc2", "fc_out", "dense_4h_to_h", "w2")  # neurons -> residual
_POSITION_NAMES = ("wpe", "position_embeddings", "embed_positions")  # a learned table of position vectors


def load_hf(model_id: str, device: torch.device) -> HFBackend:
    """`hf:` + model_id: a Hub id (name or owner/name) always comes from the Hub or its cache (explainer/hub.py), never
    from a local folder of that name; anything else names a local folder."""
    _need_transformers()
    model_id = model_id.strip()
    if not model_id:
        raise BackendError(_("empty Hugging Face model id: use e.g. hf:gpt2"))
    if not hub.is_hub_id(model_id):
        return load_hf_folder(Path(model_id), device, model_id)
    try:
        folder = hub.model_folder(model_id)
    except ValueError as e:
        raise BackendError(str(e)) from None
    return load_hf_folder(folder, device, model_id)


def load_hf_folder(folder: Path, device: torch.device, name: str) -> HFBackend:
    """A model saved with `save_pretrained` in a local folder (never the network)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    try:
        folder = folder.expanduser()
        if not folder.is_dir():
            raise FileNotFoundError(_("no such folder"))
        kw = dict(trust_remote_code=False, local_files_only=True)
        tok = AutoTokenizer.from_pretrained(str(folder), **kw)
        model = AutoModelForCausalLM.from_pretrained(  # safetensors only: a pickled .bin is never opened
            str(folder), attn_implementation="eager", dtype=torch.float32, use_safetensors=True, **kw
        )
    except Exception as e:  # a model someone named can fail in many ways (OSError, UnpicklingError...): say how
        raise BackendError(
            _(
                "cannot load Hugging Face model {name!r} (unknown id, no network, or not a causal LM): {first_line}"
            ).format(name=name, first_line=hub.first_line(e))
        ) from None
    if not getattr(tok, "is_fast", False):
        raise BackendError(_("{name!r}: only models with a fast tokenizer are supported").format(name=name))
    return HFBackend(model, tok, name, device)


def position_table(model: nn.Module) -> torch.Tensor | None:
    """(C, D) the model's learned position vectors (GPT-2's wpe, OPT's embed_positions without its 2 unused first
    rows), float32 on the CPU; None when it has no such table (Llama, Mistral, Qwen: rotary positions)."""
    for name, module in model.named_modules():
        if isinstance(module, nn.Embedding) and name.rsplit(".", 1)[-1] in _POSITION_NAMES:
            return module.weight.detach().float().cpu()[getattr(module, "offset", 0) :]
    return None


def _need_transformers() -> None:
    try:
        import transformers  # noqa: F401
    except ImportError:
        raise BackendError(_("Hugging Face models need the optional extra: pip install 'llm-explainer[hf]'")) from None


class HFBackend(Backend):
    def __init__(self, model: nn.Module, hf_tokenizer, name: str, device: torch.device):
        self.device = device
        self.model = model.to(device).eval()
        self.tokenizer = HFTokenizer(hf_tokenizer)
        cfg = model.config
        n_layer = cfg.num_hidden_layers
        self.layers = _find_layers(model, n_layer)
        base = model.base_model
        self._final_norm = next((getattr(base, n) for n in _NORM_NAMES if hasattr(base, n)), nn.Identity())
        context = getattr(cfg, "n_positions", None) or getattr(cfg, "max_position_embeddings", None) or 1024
        n_params = sum(p.numel() for p in model.parameters())
        # the KV cache's argument: `cache` in recent transformers, `past_key_values` before
        takes = inspect.signature(model.forward).parameters
        self._cache_arg = "cache" if "cache" in takes else "past_key_values"
        self._last_only = {"logits_to_keep": 1} if "logits_to_keep" in takes else {}  # unembed the last position
        self.info = ModelInfo(
            name, "hf", len(hf_tokenizer), int(context), n_layer, cfg.num_attention_heads, cfg.hidden_size,
            n_params, device_label(device), "hf",
        )  # fmt: skip

    def chat_template(self) -> ChatTemplate | None:
        tok = self.tokenizer.tok
        if not getattr(tok, "chat_template", None):
            return None  # GPT-2 and other base models: plain text

        def render(messages: Messages, open_reply: bool) -> str:  # transformers runs the template in a sandbox
            return tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=open_reply)

        return ChatTemplate(render, tok.eos_token)

    def _forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.model(input_ids=ids).logits[0].float().cpu()

    def _new_cache(self):
        from transformers import DynamicCache

        return DynamicCache()  # filled in place by each call

    def _read(self, ids: torch.Tensor, cache) -> torch.Tensor:
        past = {} if cache is None else {"use_cache": True, self._cache_arg: cache}
        return self.model(input_ids=ids, **self._last_only, **past).logits[:, -1].float().cpu()

    def _repeat_cache(self, cache, n: int) -> None:
        if n > 1:
            cache.batch_repeat_interleave(n)

    def _residuals(self, ids: torch.Tensor) -> torch.Tensor:
        outs: list[torch.Tensor] = []  # (B, T, D) each block's output: the last hidden state has the final norm
        record = mine(lambda m, i, o: outs.append(first_output(o)))
        hooks = [layer.register_forward_hook(record) for layer in self.layers]
        try:
            first = self.model(input_ids=ids, output_hidden_states=True).hidden_states[0]  # (B, T, D)
        finally:
            for h in hooks:
                h.remove()
        return torch.stack([first, *outs])  # (L + 1, B, T, D)

    def _blocks(self) -> list[nn.Module]:
        return list(self.layers)

    def _sublayers(self) -> list[Sublayers]:
        found = []
        for layer in self.layers:
            attn, ff = _named(layer, _ATTN_NAMES), _named(layer, _FF_NAMES)
            if attn is None or ff is None:
                raise BackendError(_("this model's parts cannot be switched off"))
            found.append(Sublayers(attn, ff, _named(attn, _OUT_PROJ_NAMES)))
        return found

    def _trace(self, ids: torch.Tensor) -> Trace:
        attn_out: list[torch.Tensor] = []
        mlp_act: list[torch.Tensor] = []
        block_out: list[torch.Tensor] = []
        head_out: list[torch.Tensor] = []
        hooks = []
        for layer in self.layers:
            attn = _named(layer, _ATTN_NAMES)
            if attn is not None:
                hooks.append(attn.register_forward_hook(mine(lambda m, i, o: attn_out.append(first_output(o)[0]))))
                proj = _named(attn, _OUT_PROJ_NAMES)
                if proj is not None:
                    heads = mine(lambda m, i: head_out.append(self._heads(m, i[0])))
                    hooks.append(proj.register_forward_pre_hook(heads))
            act = _mlp_activation(layer)
            if act is not None:
                hooks.append(act.register_forward_hook(mine(lambda m, i, o: mlp_act.append(o[0]))))
            hooks.append(layer.register_forward_hook(mine(lambda m, i, o: block_out.append(first_output(o)[0]))))
        try:
            out = self.model(input_ids=ids, output_attentions=True, output_hidden_states=True)
        finally:
            for h in hooks:
                h.remove()
        tr = Trace()
        tr.attentions = [a[0].float().cpu() for a in out.attentions]  # (H, T, T) each
        resid = [out.hidden_states[0][0]] + block_out  # (T, D) each
        tr.resid_pre = [r.float().cpu() for r in resid[:-1]]
        tr.resid_post = [r.float().cpu() for r in resid[1:]]
        if len(attn_out) == len(self.layers):
            tr.resid_mid = [(r + a).float().cpu() for r, a in zip(resid[:-1], attn_out)]
        if len(mlp_act) == len(self.layers):
            tr.mlp_hidden = [a.float().cpu() for a in mlp_act]
        if len(head_out) == len(self.layers) and tr.resid_mid:
            tr.head_out = [h.float().cpu() for h in head_out]
        tr.final = self._final_norm(resid[-1]).float().cpu()
        tr.logits = out.logits[0].float().cpu()
        return tr

    def _queries_keys(self, ids: torch.Tensor, layer: int) -> QueriesKeys | None:
        """Read from the attention's own parts: GPT-2's fused c_attn, or q_proj and k_proj (their q_norm and k_norm
        where the model has them) turned by the rotary positions the layer is handed. `queries_keys` checks them."""
        attn = _named(self.layers[layer], _ATTN_NAMES)
        if attn is None:
            return None
        H = self.info.n_head
        hs = getattr(attn, "head_dim", self.info.d_model // H)
        got: dict[str, torch.Tensor | tuple] = {}

        def keep(name: str):  # a hook that notes a part's output and changes nothing
            def note(m, i, o) -> None:
                got.setdefault(name, first_output(o))

            return mine(note)

        def rotary(m, args, kwargs) -> None:  # the (cos, sin) a rotary model hands its attention layers
            got.setdefault("rotary", kwargs.get("position_embeddings"))

        parts = {n: _named(attn, (n,)) for n in ("c_attn", "q_norm", "q_proj", "k_norm", "k_proj")}
        hooks = [attn.register_forward_pre_hook(mine(rotary), with_kwargs=True)]
        for name, module in parts.items():
            if module is not None:
                hooks.append(module.register_forward_hook(keep(name)))
        try:
            self.model(input_ids=ids)
        finally:
            for h in hooks:
                h.remove()
        heads = lambda t: t[0].reshape(t.shape[1], -1, hs).transpose(0, 1)  # noqa: E731  (1, T, n*hs) -> (n, T, hs)
        if "c_attn" in got:  # GPT-2: queries, keys and values side by side
            q, k, _v = got["c_attn"].split(self.info.d_model, dim=-1)
        elif ("q_norm" in got or "q_proj" in got) and ("k_norm" in got or "k_proj" in got):
            q, k = got.get("q_norm", got.get("q_proj")), got.get("k_norm", got.get("k_proj"))
        else:
            return None
        q, k = heads(q)[None], heads(k)[None]  # (1, n, T, hs)
        if got.get("rotary") is not None:
            turn = getattr(sys.modules[type(attn).__module__], "apply_rotary_pos_emb", None)
            if turn is None:
                return None
            q, k = turn(q, k, *got["rotary"])
        q, k = q[0].float().cpu(), k[0].float().cpu()
        k = k.repeat_interleave(H // k.shape[0], dim=0) if k.shape[0] != H else k  # grouped-query attention
        return QueriesKeys(q, k, float(getattr(attn, "scaling", hs**-0.5)))

    def _ff_out(self, layer: int) -> nn.Module | None:
        mlp = _named(self.layers[layer], _FF_NAMES)
        return None if mlp is None else _named(mlp, _FF_OUT_NAMES)

    def _heads(self, proj: nn.Module, x: torch.Tensor) -> torch.Tensor:
        """The output projection's input (B, T, H*hs) -> (H, D): each head's slice alone through it, bias taken off."""
        H = self.info.n_head
        last = x[0, -1]  # (H*hs,)
        mask = torch.eye(H, dtype=last.dtype, device=last.device).repeat_interleave(last.numel() // H, dim=1)
        return proj.forward(mask * last) - proj.forward(torch.zeros_like(last))  # (H, D); forward: no hooks again

    @torch.inference_mode()
    def unembed(self, h: torch.Tensor) -> torch.Tensor:
        head = self.model.get_output_embeddings()
        return head(self._final_norm(h.to(self.device))).float().cpu()

    def position_matrix(self) -> torch.Tensor | None:
        return position_table(self.model)

    def _token_embeddings(self, ids: torch.Tensor) -> torch.Tensor:
        return self.model.get_input_embeddings()(ids)

    def _embedding_matrix(self) -> torch.Tensor:
        return self.model.get_input_embeddings().weight

    def _last_logits(self, embeds: torch.Tensor) -> torch.Tensor:
        h = self.model.base_model(inputs_embeds=embeds).last_hidden_state[:, -1]  # (B, D), final norm applied
        return self.model.get_output_embeddings()(h)

    def unembed_row(self, token_id: int) -> tuple[torch.Tensor, float]:
        head = self.model.get_output_embeddings()
        bias = getattr(head, "bias", None)
        return head.weight[token_id].detach().float().cpu(), 0.0 if bias is None else float(bias[token_id])

    def final_norm(self) -> FinalNorm:
        """LayerNorm (weight and bias) or RMSNorm (weight only, `eps` or `variance_epsilon`); BackendError otherwise."""
        norm = self._final_norm
        D = self.info.d_model
        if isinstance(norm, nn.Identity):
            return FinalNorm(torch.ones(D), torch.zeros(D), 0.0, centred=False, normalises=False)
        weight, bias = getattr(norm, "weight", None), getattr(norm, "bias", None)
        eps = getattr(norm, "eps", None) or getattr(norm, "variance_epsilon", None)
        if not isinstance(weight, torch.Tensor) or eps is None:
            raise BackendError(f"{self.info.name}: its final norm ({type(norm).__name__}) is not one this app can read")
        centred = isinstance(norm, nn.LayerNorm) or isinstance(bias, torch.Tensor)
        bias = bias.detach().float().cpu() if isinstance(bias, torch.Tensor) else torch.zeros(D)
        return FinalNorm(weight.detach().float().cpu(), bias, float(eps), centred)

    def embedding_matrix(self) -> torch.Tensor:
        return self.model.get_input_embeddings().weight.detach().float().cpu()

    @property
    def module(self) -> nn.Module:
        return self.model

    def _train_forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.model(input_ids=ids).logits

    def _train_hidden(self, ids: torch.Tensor) -> torch.Tensor:
        return self.model.base_model(input_ids=ids).last_hidden_state  # (B, T, D), final norm applied

    def _train_head(self, h: torch.Tensor) -> torch.Tensor:
        return self.model.get_output_embeddings()(h)

    def _clone(self, memo: dict) -> HFBackend:
        return HFBackend(copy.deepcopy(self.model, memo), self.tokenizer.tok, self.info.name, self.device)

    def _fresh(self) -> HFBackend:
        fresh = type(self.model)(self.model.config)  # its own init (post_init), nothing read from disk
        return HFBackend(fresh.to(self.model.dtype), self.tokenizer.tok, self.info.name, self.device)


def _find_layers(model: nn.Module, n_layer: int) -> nn.ModuleList:
    for m in model.modules():
        if isinstance(m, nn.ModuleList) and len(m) == n_layer:
            return m
    raise BackendError(
        _("{name__}: cannot find its {n_layer} decoder layers").format(name__=type(model).__name__, n_layer=n_layer)
    )


def _named(parent: nn.Module, names: tuple[str, ...]) -> nn.Module | None:
    """The first of `parent`'s submodules called one of `names`, or None."""
    return next((m for n in names if isinstance(m := getattr(parent, n, None), nn.Module)), None)


def _mlp_activation(layer: nn.Module) -> nn.Module | None:
    mlp = _named(layer, _FF_NAMES)
    return None if mlp is None else _named(mlp, ("act", "act_fn"))
