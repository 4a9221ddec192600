"""A chatbot is next-word prediction on a script: framing, the conversation, then 'Assistant:'."""

from __future__ import annotations

from collections.abc import Iterator

import torch

from .backends import Backend, GenStep
from .corpus import build_script
from .sampling import SamplingParams


def reply_steps(
    backend: Backend,
    history: list[tuple[str, str]],
    message: str,
    params: SamplingParams,
    generator: torch.Generator | None = None,
    max_new: int = 60,
) -> Iterator[GenStep]:
    """The assistant's reply, token by token; it ends at the end of the line."""
    if not message.strip():
        raise ValueError("the message is empty: type a question")
    script = build_script(history, message.strip())
    ids = backend.encode(script)
    steps = backend.generate(ids, max_new, params, generator, stop=lambda s: "\n" in s)
    for step in steps:
        if "\n" in step.text:  # the line break ends the reply; keep what came before it
            head = step.text.split("\n", 1)[0]
            if head.strip():
                yield GenStep(step.token_id, head, step.prob, step.model_prob, step.top)
            return
        yield step


def reply_text(steps: list[GenStep]) -> str:
    return "".join(s.text for s in steps).strip()
