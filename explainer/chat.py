"""A chatbot is next-word prediction on a script: framing, the conversation, then 'Assistant:'."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import torch

from .backends import Backend, GenStep
from .corpus import FRAMING, build_script
from .sampling import SamplingParams


@dataclass
class ChatTurn:
    """One question and the reply the model wrote for it, with what it takes to inspect or repeat it."""

    message: str
    steps: list[GenStep] = field(default_factory=list)
    seed: int = 0
    temperature: float = 1.0
    cut_tokens: int = 0  # tokens cut from the left of a message too long for the context

    @property
    def reply(self) -> str:
        return reply_text(self.steps)


def history(turns: list[ChatTurn]) -> list[tuple[str, str]]:
    """(user, assistant) pairs, as `build_script` takes them."""
    return [(t.message, t.reply) for t in turns]


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


def cut_message(backend: Backend, message: str) -> tuple[str, int]:
    """The message cut from the left so that "User: msg / Assistant:" fits the model's context:
    (kept text, number of tokens cut)."""
    message = message.strip()
    tokens = backend.tokenize(message)
    room = backend.info.context_length - len(backend.encode("User: \nAssistant:"))
    if len(tokens) <= room:
        return message, 0
    return message[tokens[-room].start :].strip(), len(tokens) - room


def out_of_view(backend: Backend, script: str) -> tuple[int, int]:
    """(characters, tokens) at the start of `script` that the model cannot see: it reads
    only the last `context_length` tokens."""
    tokens = backend.tokenize(script)
    n = backend.info.context_length
    if len(tokens) <= n:
        return 0, 0
    return tokens[-n].start, len(tokens) - n


# Kinds of script pieces: "framing", "label" (User: / Assistant:), "user", "model" (written by the model), "text".
Segment = tuple[str, str, bool]  # (text, kind, seen by the model)


def script_segments(
    turns: list[tuple[str, str]], message: str | None = None, hidden_chars: int = 0, framing: str = FRAMING
) -> list[Segment]:
    """`build_script(turns, message)` in labelled pieces; the first `hidden_chars` characters are marked unseen."""
    parts = [(framing, "framing"), ("\n", "text")]
    for user, assistant in turns:
        parts += [("User:", "label"), (" ", "text"), (user, "user"), ("\n", "text")]
        parts += [("Assistant:", "label"), (" ", "text"), (assistant, "model"), ("\n", "text")]
    if message is not None:
        parts += [("User:", "label"), (" ", "text"), (message, "user"), ("\n", "text"), ("Assistant:", "label")]
    out: list[Segment] = []
    pos = 0
    for text, kind in parts:
        cut = min(max(hidden_chars - pos, 0), len(text))
        if cut:
            out.append((text[:cut], kind, False))
        if cut < len(text):
            out.append((text[cut:], kind, True))
        pos += len(text)
    return out


def display_token(text: str) -> str:
    """A token as a student should see it: no edge spaces, visible line breaks and spaces."""
    shown = text.replace("\n", "↵").strip()
    return shown or "␣"


def _pct(p: float) -> str:
    return f"{p:.0%}" if p >= 0.005 else "<1%"


def step_rows(steps: list[GenStep], n_guesses: int = 3) -> list[dict]:
    """One row per generated token: the word, its probability (the model's, then after temperature),
    and the model's top guesses at that step."""
    return [
        {
            "step": i,
            "word": display_token(s.text),
            "probability": s.model_prob,
            "after temperature": s.prob,
            "top guesses": " · ".join(f"{display_token(t)} {_pct(p)}" for t, p in s.top[:n_guesses]),
        }
        for i, s in enumerate(steps, 1)
    ]


def step_choices(step: GenStep) -> tuple[list[str], list[float], str]:
    """(tokens, model probabilities, the chosen one) for a chart of one step: the model's top guesses,
    plus the chosen token if it was not among them."""
    labels, probs = [t for t, _ in step.top], [p for _, p in step.top]
    chosen = next((t for t in labels if t.strip() == step.text.strip()), None)
    if chosen is None:
        chosen = step.text
        labels.append(chosen)
        probs.append(step.model_prob)
    return labels, probs, chosen
