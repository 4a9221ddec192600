"""Small models built locally for tests (no network, a few seconds)."""

from __future__ import annotations

from pathlib import Path

import torch

from explainer.checkpoints import save_checkpoint
from explainer.model import GPT, GPTConfig
from explainer.tokenizers import train_tokenizer

TEXT = (
    "User: What is the capital of France?\nAssistant: The capital of France is Paris.\n"
    "User: What sound does a dog make?\nAssistant: A dog says woof.\n"
    "We sat on the bank of the river. She put money in the bank.\n"
) * 3


def tiny_checkpoint(folder: Path, seed: int = 0) -> Path:
    """A random word-level GPT saved as an llm-explainer checkpoint."""
    tok = train_tokenizer("word", TEXT)
    torch.manual_seed(seed)
    model = GPT(GPTConfig(vocab_size=tok.vocab_size, context_length=32, n_layer=2, n_head=2, d_model=32))
    return save_checkpoint(model, tok, folder)


def tiny_hf_gpt2(folder: Path) -> Path:
    """A random GPT-2 with a locally trained byte-level BPE tokenizer, saved like a Hub model."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    raw = Tokenizer(models.BPE())
    raw.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    raw.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=300, special_tokens=["<|endoftext|>"], initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    raw.train_from_iterator([TEXT], trainer)
    tok = PreTrainedTokenizerFast(tokenizer_object=raw, eos_token="<|endoftext|>")
    torch.manual_seed(0)
    cfg = GPT2Config(vocab_size=len(tok), n_positions=64, n_embd=32, n_layer=2, n_head=2)
    GPT2LMHeadModel(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder
