"""Hugging Face causal LMs (GPT-2 first) behind the same Backend interface.

Needs the optional `hf` extra (transformers). Attention runs in the eager
implementation so that attention probabilities come back. Remote code is never
trusted. Sublayer outputs are read with forward hooks on each decoder layer.
"""

from __future__ import annotations

import copy
import inspect
import threading
from pathlib import Path

import torch
import torch.nn as nn

from explainer.backends import hub
from explainer.backends.base import Backend, BackendError, ModelInfo
from explainer.model.device import device_label
from explainer.model.gpt import Trace
from explainer.model.tokenizers import HFTokenizer

_ATTN_NAMES = ("attn", "self_attn", "attention", "self_attention")
_NORM_NAMES = ("ln_f", "norm", "final_layer_norm", "final_layernorm")


def load_hf(model_id: str, device: torch.device) -> HFBackend:
    """`hf:` + model_id: a Hub id (name or owner/name) always comes from the Hub or its cache (explainer/hub.py), never
    from a local folder of that name; anything else names a local folder."""
    _need_transformers()
    model_id = model_id.strip()
    if not model_id:
        raise BackendError("empty Hugging Face model id: use e.g. hf:gpt2")
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
            raise FileNotFoundError("no such folder")
        kw = dict(trust_remote_code=False, local_files_only=True)
        tok = AutoTokenizer.from_pretrained(str(folder), **kw)
        model = AutoModelForCausalLM.from_pretrained(  # safetensors only: a pickled .bin is never opened
            str(folder), attn_implementation="eager", dtype=torch.float32, use_safetensors=True, **kw
        )
    except Exception as e:  # a model someone named can fail in many ways (OSError, UnpicklingError...): say how
        raise BackendError(
            f"cannot load Hugging Face model {name!r} (unknown id, no network, or not a causal LM): {hub.first_line(e)}"
        ) from None
    if not getattr(tok, "is_fast", False):
        raise BackendError(f"{name!r}: only models with a fast tokenizer are supported")
    return HFBackend(model, tok, name, device)


def _need_transformers() -> None:
    try:
        import transformers  # noqa: F401
    except ImportError:
        raise BackendError("Hugging Face models need the optional extra: pip install 'llm-explainer[hf]'") from None


class HFBackend(Backend):
    def __init__(self, model: nn.Module, hf_tokenizer, name: str, device: torch.device):
        self.device = device
        self.model = model.to(device).eval()
        self.tokenizer = HFTokenizer(hf_tokenizer)
        self._hooks = threading.Lock()  # a trace hooks the shared layers: two at once would mix their outputs
        cfg = model.config
        n_layer = cfg.num_hidden_layers
        self.layers = _find_layers(model, n_layer)
        base = model.base_model
        self.final_norm = next((getattr(base, n) for n in _NORM_NAMES if hasattr(base, n)), nn.Identity())
        context = getattr(cfg, "n_positions", None) or getattr(cfg, "max_position_embeddings", None) or 1024
        n_params = sum(p.numel() for p in model.parameters())
        # the KV cache's argument: `cache` in recent transformers, `past_key_values` before
        self._cache_arg = "cache" if "cache" in inspect.signature(model.forward).parameters else "past_key_values"
        self.info = ModelInfo(
            name, "hf", len(hf_tokenizer), int(context), n_layer, cfg.num_attention_heads, cfg.hidden_size,
            n_params, device_label(device), "hf",
        )  # fmt: skip

    def _forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.model(input_ids=ids).logits[0].float().cpu()

    def _new_cache(self):
        from transformers import DynamicCache

        return DynamicCache()  # filled in place by each call

    def _read(self, ids: torch.Tensor, cache) -> torch.Tensor:
        past = {} if cache is None else {"use_cache": True, self._cache_arg: cache}
        return self.model(input_ids=ids, **past).logits[:, -1].float().cpu()

    def _repeat_cache(self, cache, n: int) -> None:
        if n > 1:
            cache.batch_repeat_interleave(n)

    def _trace(self, ids: torch.Tensor) -> Trace:
        attn_out: list[torch.Tensor] = []
        mlp_act: list[torch.Tensor] = []
        block_out: list[torch.Tensor] = []
        with self._hooks:
            out = self._hooked_forward(ids, attn_out, mlp_act, block_out)
        tr = Trace()
        tr.attentions = [a[0].float().cpu() for a in out.attentions]  # (H, T, T) each
        resid = [out.hidden_states[0][0]] + block_out  # (T, D) each
        tr.resid_pre = [r.float().cpu() for r in resid[:-1]]
        tr.resid_post = [r.float().cpu() for r in resid[1:]]
        if len(attn_out) == len(self.layers):
            tr.resid_mid = [(r + a).float().cpu() for r, a in zip(resid[:-1], attn_out)]
        if len(mlp_act) == len(self.layers):
            tr.mlp_hidden = [a.float().cpu() for a in mlp_act]
        tr.final = self.final_norm(resid[-1]).float().cpu()
        tr.logits = out.logits[0].float().cpu()
        return tr

    def _hooked_forward(self, ids: torch.Tensor, attn_out: list, mlp_act: list, block_out: list):
        """The forward pass with hooks that collect every layer's attention output, MLP activation and output."""
        first = lambda o: o[0] if isinstance(o, tuple) else o  # noqa: E731
        hooks = []
        for layer in self.layers:
            attn = next((getattr(layer, n) for n in _ATTN_NAMES if hasattr(layer, n)), None)
            if attn is not None:
                hooks.append(attn.register_forward_hook(lambda m, i, o: attn_out.append(first(o)[0])))
            act = _mlp_activation(layer)
            if act is not None:
                hooks.append(act.register_forward_hook(lambda m, i, o: mlp_act.append(o[0])))
            hooks.append(layer.register_forward_hook(lambda m, i, o: block_out.append(first(o)[0])))
        try:
            return self.model(input_ids=ids, output_attentions=True, output_hidden_states=True)
        finally:
            for h in hooks:
                h.remove()

    @torch.inference_mode()
    def unembed(self, h: torch.Tensor) -> torch.Tensor:
        head = self.model.get_output_embeddings()
        return head(self.final_norm(h.to(self.device))).float().cpu()

    def embedding_matrix(self) -> torch.Tensor:
        return self.model.get_input_embeddings().weight.detach().float().cpu()

    @property
    def module(self) -> nn.Module:
        return self.model

    def _train_forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.model(input_ids=ids).logits

    def _clone(self) -> HFBackend:
        return HFBackend(copy.deepcopy(self.model), self.tokenizer.tok, self.info.name, self.device)


def _find_layers(model: nn.Module, n_layer: int) -> nn.ModuleList:
    for m in model.modules():
        if isinstance(m, nn.ModuleList) and len(m) == n_layer:
            return m
    raise BackendError(f"{type(model).__name__}: cannot find its {n_layer} decoder layers")


def _mlp_activation(layer: nn.Module) -> nn.Module | None:
    mlp = getattr(layer, "mlp", None) or getattr(layer, "feed_forward", None)
    if mlp is None:
        return None
    return getattr(mlp, "act", None) or getattr(mlp, "act_fn", None)
