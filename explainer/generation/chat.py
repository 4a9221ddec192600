"""A chatbot is next-word prediction on a script: the conversation so far, then the markers that open a reply
(`explainer.generation.script`: "Assistant:", or the model's own chat template)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import torch

from explainer.backends.base import Backend, GenStep
from explainer.format import rough_percent, token_word
from explainer.generation.next_token import word_probability
from explainer.generation.script import script_for
from explainer.i18n import _
from explainer.model.sampling import SamplingParams


@dataclass
class ChatTurn:
    """One question and the reply the model wrote for it, with what it takes to inspect or repeat it."""

    message: str
    steps: list[GenStep] = field(default_factory=list)
    seed: int = 0
    temperature: float = 1.0
    cut_tokens: int = 0  # tokens cut from the left of a message too long for the context
    ending: str = ""  # how the reply ended: "" (a line break, as the model chose), STOPPED or SHORTENED
    opening: str = ""  # the reply's first words, written by the student: the model reads them as its own
    opening_prob: float | None = None  # the model's own probability of beginning its reply with them

    @property
    def reply(self) -> str:
        return reply_text(self.steps, self.opening)


STOPPED = "stopped"  # the student pressed Stop
SHORTENED = "shortened"  # the model ran on to the length limit: its reply is kept up to its last full sentence
SENTENCE_END = (".", "!", "?")


def history(turns: list[ChatTurn]) -> list[tuple[str, str]]:
    """(user, assistant) pairs, as a script takes them (a reply begun by the student is in it as the model's own)."""
    return [(t.message, t.reply) for t in turns]


def reply_steps(
    backend: Backend,
    history: list[tuple[str, str]],
    message: str,
    params: SamplingParams,
    generator: torch.Generator | None = None,
    max_new: int = 60,
    so_far: list[int] = (),
    opening: str = "",
) -> Iterator[GenStep]:
    """The assistant's reply, token by token, after its `opening` (its first words, written for it; the steps are
    what the model writes after them); it ends where the script's replies end (a line break, or the model's
    end-of-turn marker). `so_far`: the ids of the tokens it has already written (a reply taken up again after an
    interruption): it goes on from there."""
    if not message.strip():
        raise ValueError(_("the message is empty: type a question"))
    form = script_for(backend)
    begun = form.opening(opening.strip())
    ids = backend.encode(form.script(history, message.strip()) + begun) + list(so_far)
    written = ""
    for step in backend.generate(ids, max_new - len(so_far), params, generator, stop=form.ended):
        written += step.text
        if form.ended(written):  # the end is not part of the reply; keep what came before it in this token
            head = form.before_end(written)[len(written) - len(step.text) :]
            if head.strip():
                yield GenStep(step.token_id, head, step.prob, step.model_prob, step.top, step.piece)
            return
        yield step


def opening_probability(backend: Backend, history: list[tuple[str, str]], message: str, opening: str) -> float:
    """The model's own probability of beginning its reply to `message` with `opening` (the chain rule over its tokens,
    after the script's "Assistant:" or the template's marker): how likely the words put in its mouth were to it."""
    return word_probability(backend, script_for(backend).script(history, message.strip()), opening.strip())


@dataclass(frozen=True)
class RunOn:
    """What the model writes past the end of its reply, where the app stops reading: the script goes on."""

    text: str  # as the model wrote it, from just after the reply's end
    exchange: tuple[str, str] | None  # the person's next message and the reply to it, if it wrote them in the script
    new_conversation: bool = False  # it ended this conversation and began another (a blank line, the framing again)


def run_on(
    backend: Backend,
    history: list[tuple[str, str]],
    params: SamplingParams,
    generator: torch.Generator | None = None,
    max_new: int = 60,
) -> RunOn:
    """What the model writes when nobody stops it after its last reply: it goes on with the script, the person's next
    message included (to the model it is one text; nothing in it says which lines are its own). It stops once it has
    written a whole exchange, or after `max_new` tokens."""
    if not history:
        raise ValueError(_("there is no reply to go on from: ask a question first"))
    form = script_for(backend)
    ids = backend.encode(form.script(history))
    fresh = form.beginning()

    def read(written: str) -> tuple[str, bool]:  # (the text from its exchange on, whether it began a new conversation)
        body = written.lstrip("\n")
        if fresh.strip() and body != written and body.startswith(fresh):
            return body[len(fresh) :], True
        return written, False

    steps = backend.generate(ids, max_new, params, generator, stop=lambda w: form.exchange(read(w)[0]) is not None)
    written = "".join(s.text for s in steps)
    rest, new = read(written)
    return RunOn(written, form.exchange(rest), new)


def whole_sentences(steps: list[GenStep]) -> list[GenStep]:
    """The steps up to the end of the last full sentence (all of them if no sentence ends)."""
    ends = [i for i, s in enumerate(steps) if s.text.rstrip().endswith(SENTENCE_END)]
    return steps[: ends[-1] + 1] if ends else steps


def replies(
    backend: Backend,
    history: list[tuple[str, str]],
    message: str,
    params: SamplingParams,
    generators: list[torch.Generator | None],
    max_new: int = 60,
) -> list[str]:
    """One reply per generator, all written in one batch: reply r is what `reply_steps` writes with generators[r]."""
    if not message.strip():
        raise ValueError(_("the message is empty: type a question"))
    form = script_for(backend)
    ids = backend.encode(form.script(history, message.strip()))
    texts = backend.generate_many(ids, generators, max_new, params, stop=form.ended)
    return [form.before_end(t).strip() for t in texts]


def reply_text(steps: list[GenStep], opening: str = "") -> str:
    """The reply as the script holds it: its opening (written for the model), then the words the model wrote."""
    return (opening.strip() + "".join(s.text for s in steps)).strip()


def cut_message(backend: Backend, message: str) -> tuple[str, int]:
    """The message cut from the left so that it fits the model's context with what frames it ("User: msg /
    Assistant:", or the model's own markers): (kept text, number of tokens cut)."""
    message, asked, n = message.strip(), script_for(backend).asked, backend.info.context_length
    tokens = backend.tokenize(message)
    if not tokens:
        return message, 0
    over = len(tokens) + len(backend.encode(asked(""))) - n  # the frame's tokens and the message's, beyond n
    cut = min(max(over, 0), len(tokens) - 1)  # the last token always stays
    while cut < len(tokens) - 1 and len(backend.encode(asked(message[tokens[cut].start :].strip()))) > n:
        cut += 1  # one more where the message's first piece and the frame's last merge into other tokens
    return (message[tokens[cut].start :].strip() if cut else message), cut


def out_of_view(backend: Backend, script: str) -> tuple[int, int]:
    """(characters, tokens) at the start of `script` that the model cannot see: it reads
    only the last `context_length` tokens."""
    tokens = backend.tokenize(script)
    n = backend.info.context_length
    if len(tokens) <= n:
        return 0, 0
    return tokens[-n].start, len(tokens) - n


def step_rows(steps: list[GenStep], n_guesses: int = 3) -> list[dict]:
    """One row per generated token: the word, its probability (the model's, then after temperature),
    and the model's top guesses at that step."""
    return [
        {
            "step": i,
            "word": s.word,
            "probability": s.model_prob,
            "after temperature": s.prob,
            "top guesses": " · ".join(f"{token_word(t)} {rough_percent(p)}" for t, p in s.top[:n_guesses]),
        }
        for i, s in enumerate(steps, 1)
    ]


def step_choices(step: GenStep) -> tuple[list[str], list[float], str]:
    """(tokens, model probabilities, the chosen one) for a chart of one step: the model's top guesses,
    plus the chosen token if it was not among them."""
    labels, probs = [t for t, _p in step.top], [p for _t, p in step.top]
    chosen = next((t for t in labels if t.strip() == step.text.strip()), None)
    if chosen is None:
        chosen = step.text
        labels.append(chosen)
        probs.append(step.model_prob)
    return labels, probs, chosen
