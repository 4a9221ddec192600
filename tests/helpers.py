"""Small models built locally for tests (no network, a few seconds), and what tests ask of a model that the app
never does."""

from __future__ import annotations

import json
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
import torch

from explainer.backends.base import Backend
from explainer.config import BUILTIN_DIR
from explainer.model.checkpoints import save_checkpoint
from explainer.model.gpt import GPT, GPTConfig
from explainer.model.sampling import SamplingParams, make_generator
from explainer.model.tokenizers import train_tokenizer
from explainer.training.runs import CURRENT, RunStore

TEXT = (
    "User: What is the capital of France?\nAssistant: The capital of France is Paris.\n"
    "User: What sound does a dog make?\nAssistant: A dog says woof.\n"
    "We sat on the bank of the river. She put money in the bank.\n"
) * 3


def shipped_tokenizer_kind() -> str:
    """The shipped model's tokenizer: "word" (before issue 13's recipe: unknown words read as <unk>) or "bpe"."""
    return json.loads((BUILTIN_DIR / "tokenizer.json").read_text(encoding="utf-8"))["kind"]


RETRAIN = "the shipped model predates the sub-word recipe: retrain it (llm-explainer train --preset builtin)"


def tiny_checkpoint(folder: Path, seed: int = 0) -> Path:
    """A random word-level GPT saved as an llm-explainer checkpoint."""
    tok = train_tokenizer("word", TEXT)
    torch.manual_seed(seed)
    model = GPT(GPTConfig(vocab_size=tok.vocab_size, context_length=32, n_layer=2, n_head=2, d_model=32))
    return save_checkpoint(model, tok, folder)


# A few sentences in Chinese and Arabic: a byte-level tokenizer trained on them learns pieces that are part of a
# character (two of the three bytes of 中), as multilingual models' tokenizers do.
MULTILINGUAL_TEXT = (
    TEXT + ("法国的首都是巴黎。中国的首都是北京。你好，世界！\nعاصمة فرنسا هي باريس. مرحبا بالعالم!\n") * 3
)


# A chat template in the ChatML style of Qwen2.5's instruct models: a default system message, then every message
# between <|im_start|>role and <|im_end|>; add_generation_prompt opens the assistant's reply.
CHATML = (
    "{% if messages[0]['role'] != 'system' %}<|im_start|>system\nYou are a tiny test assistant.<|im_end|>\n{% endif %}"
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def tiny_hf_gpt2(folder: Path, text: str = TEXT, vocab_size: int = 300, chat_template: str | None = None) -> Path:
    """A random GPT-2 with a byte-level BPE tokenizer trained here on `text`, saved like a Hub model; with a
    `chat_template`, like an instruct model (its markers <|im_start|> and <|im_end|> are special tokens)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    raw = Tokenizer(models.BPE())
    raw.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    raw.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"][: 3 if chat_template else 1],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    raw.train_from_iterator([text], trainer)
    tok = PreTrainedTokenizerFast(tokenizer_object=raw, eos_token="<|endoftext|>")
    if chat_template:
        tok.add_special_tokens({"additional_special_tokens": ["<|im_start|>", "<|im_end|>"]})
        tok.chat_template = chat_template
    torch.manual_seed(0)
    cfg = GPT2Config(vocab_size=len(tok), n_positions=64, n_embd=32, n_layer=2, n_head=2)
    GPT2LMHeadModel(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def tiny_hf_chat(folder: Path) -> Path:
    """A random instruct model shaped like Qwen2.5-Instruct (rotary positions, grouped-query attention, RMSNorm,
    tied embeddings), with the tiny GPT-2's tokenizer and a ChatML chat template, saved like a Hub model."""
    from transformers import AutoTokenizer, Qwen2Config, Qwen2ForCausalLM

    tiny_hf_gpt2(folder, chat_template=CHATML)
    tok = AutoTokenizer.from_pretrained(folder)
    torch.manual_seed(0)
    cfg = Qwen2Config(
        vocab_size=len(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, max_position_embeddings=128, tie_word_embeddings=True,
        bos_token_id=None, eos_token_id=tok.convert_tokens_to_ids("<|im_end|>"),
    )  # fmt: skip
    Qwen2ForCausalLM(cfg).save_pretrained(folder)  # replaces the GPT-2's config and weights
    return folder


def next_token_probs(backend: Backend, text: str) -> torch.Tensor:
    """(V,) probabilities of every vocabulary entry being the token after `text`."""
    return backend.next_token_logits(backend.encode(text)).softmax(-1)


def full_logit_lens(backend: Backend, ids: list[int]) -> torch.Tensor:
    """(L + 1, T, V) probabilities read off the residual stream after the embedding and after each layer: every
    token of the vocabulary at every depth and position (the app keeps only the top token: inside.logit_lens_top)."""
    tr = backend.trace(ids)
    stream = torch.stack([tr.resid_pre[0], *tr.resid_post])  # (L+1, T, D)
    return backend.unembed(stream).float().softmax(-1)


def complete(backend: Backend, text: str, max_new: int, params: SamplingParams, seed: int | None = None) -> str:
    """The continuation `backend` writes after `text`."""
    gen, _ = make_generator(seed)
    return "".join(s.text for s in backend.generate(backend.encode(text), max_new, params, gen))


def current_save(store: RunStore, run_id: str) -> Path:
    """The run's save folder in use (a checkpoint folder): the one CURRENT names."""
    folder = store.root / run_id
    return folder / (folder / CURRENT).read_text(encoding="utf-8").strip()


def valid_figure(fig: go.Figure) -> go.Figure:
    """The builders skip plotly's validation for speed: validate here (raises if invalid); and what Streamlit sends
    (the figure's own lean `to_dict`, explainer/charts/wire.py) must be plotly's own JSON of it."""
    go.Figure(fig.to_dict())
    assert pio.to_json(fig.to_dict(), validate=False) == pio.to_json(go.Figure.to_dict(fig), validate=False)
    return fig
