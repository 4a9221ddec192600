"""The chat script: the text a chatbot's model reads, with the reply torn off. Two ways of writing it:

- `ChatScript`, plain: a framing line, then "User: ..." / "Assistant: ..." lines; a reply ends with its line break.
  The built-in corpus is written in it (explainer/corpus), so the built-in model sees exactly the format it learnt;
  a base model such as GPT-2 gets it too.
- `TemplateScript`: a model trained to chat (an instruct model) learnt its own markers, e.g. "<|im_start|>user";
  its tokenizer's chat template writes them, and its reply ends with its end-of-turn marker, e.g. "<|im_end|>".

`script_for(backend)` picks the one the model was trained on; callers never ask which model it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from explainer.backends.base import Backend, ChatTemplate, Messages
from explainer.format import md_code
from explainer.i18n import _

FRAMING = "A conversation between a curious person and a helpful AI assistant."

# Kinds of script pieces: "framing", "label" (User: / Assistant:, a template's markers), "user", "model" (written by
# the model), "yours" (a reply's first words, written by the student), "text".
Segment = tuple[str, str, bool]  # (text, kind, seen by the model)
Turn = tuple[str, str]  # (the user's message, the assistant's reply)


def build_script(turns: list[Turn], user_message: str | None = None, framing: str = FRAMING) -> str:
    """Framing line, then "User: ...\\nAssistant: ...\\n" per turn, then an open "User: msg\\nAssistant:"."""
    return ChatScript(framing).script(turns, user_message)


class ChatScript:
    """The plain script."""

    ends: tuple[str, ...] = ("\n",)  # text that ends a reply

    def __init__(self, framing: str = FRAMING):
        self.framing = framing

    def _parts(self, turns: list[Turn], message: str | None) -> list[tuple[str, str]]:
        parts = [(self.framing, "framing"), ("\n", "text")]
        for user, assistant in turns:
            parts += [("User:", "label"), (" ", "text"), (user, "user"), ("\n", "text")]
            parts += [("Assistant:", "label"), (" ", "text"), (assistant, "model"), ("\n", "text")]
        if message is not None:
            parts += [("User:", "label"), (" ", "text"), (message, "user"), ("\n", "text"), ("Assistant:", "label")]
        return parts

    def script(self, turns: list[Turn], message: str | None = None) -> str:
        """The conversation so far; with a message, that message too, and the reply torn off."""
        return "".join(text for text, _kind in self._parts(turns, message))

    def segments(
        self, turns: list[Turn], message: str | None = None, hidden_chars: int = 0, openings: list[str] = ()
    ) -> list[Segment]:
        """`script(turns, message)` in labelled pieces; the first `hidden_chars` characters are marked unseen.
        `openings[i]`: the first words of turn i's reply, written by the student ("yours"; the rest is "model")."""
        out: list[Segment] = []
        pos = 0
        for text, kind in _split_openings(self._parts(turns, message), turns, openings):
            cut = min(max(hidden_chars - pos, 0), len(text))
            if cut:
                out.append((text[:cut], kind, False))
            if cut < len(text):
                out.append((text[cut:], kind, True))
            pos += len(text)
        return out

    def asked(self, message: str) -> str:
        """The question with what frames it, which the model's context must hold whole (the framing line may scroll
        out of view, the labels may not)."""
        return f"User: {message}\nAssistant:"

    def opening(self, words: str) -> str:
        """The first words of a reply as the model reads them after `script(..., message)` (none: nothing, the
        script ending where the reply begins)."""
        return " " + words if words else ""

    def answer(self, reply: str) -> str:
        """A finished reply as the model writes it after `script(..., message)`, its end included."""
        return self.opening(reply) + self.ends[0]

    def started(self, message: str, words: str) -> str:
        """A new conversation's script with the reply begun: the text a page predicts the next word from."""
        return self.script([], message) + self.opening(words)

    def ended(self, written: str) -> bool:
        """Whether a reply being written is over."""
        return any(end in written for end in self.ends)

    def before_end(self, written: str) -> str:
        """The reply: what was written before its end."""
        cut = min((i for i in (written.find(end) for end in self.ends) if i >= 0), default=len(written))
        return written[:cut]

    @cached_property
    def _around_an_exchange(self) -> tuple[str, str]:
        """The script's own text of an exchange that goes on from a finished reply: (what comes before the person's
        message, what comes between it and the reply), "User: " and "\\nAssistant: " here; a template's markers."""
        u0, a0, u1, a1 = "\ue010", "\ue011", "\ue012", "\ue013"  # stand-ins for the messages
        text = self.script([(u0, a0), (u1, a1)])
        closing = text[text.index(a1) + 1 :]  # what follows the reply that ends a script
        between, asked = text[text.index(a0) + 1 : text.index(u1)], text[text.index(u1) + 1 : text.index(a1)]
        return between.removeprefix(closing), asked

    def beginning(self) -> str:
        """What a conversation's script begins with: the framing line (a model that ends one chat may begin
        another with it)."""
        return self.script([])

    def exchange(self, written: str) -> Turn | None:
        """The exchange in `written`, text a model wrote on from the end of a finished conversation's script, once
        its reply has ended: (the person's next message, the assistant's reply to it). None before that, or where
        `written` does not go on in the script's form (a message of several lines, a new conversation)."""
        intro, middle = self._around_an_exchange
        if not written.startswith(intro) or middle not in written:
            return None
        message, reply = written[len(intro) :].split(middle, 1)
        if not message.strip() or self.ended(message) or not self.ended(reply):
            return None
        return message, self.before_end(reply)

    def how_it_goes_on(self) -> str:
        """One sentence for the page under the script: how the next question is added and how a reply ends."""
        return _(
            "For the next question, the app appends “User: …” and “Assistant:”, and the model continues from there; "
            "its reply is over when it writes a line break."
        )


def _split_openings(parts: list[tuple[str, str]], turns: list[Turn], openings: list[str]) -> list[tuple[str, str]]:
    """`parts` with each reply that a student began cut in two: their words ("yours"), then the model's. Replies are
    "model" parts in turn order (a template writes no part for an empty reply, hence only the non-empty ones)."""
    begun = iter([o.strip() for (_user, reply), o in zip(turns, openings) if reply] + [""] * len(parts))
    out = []
    for text, kind in parts:
        mine = next(begun) if kind == "model" and text else ""
        if mine and text.startswith(mine):
            out += [(mine, "yours"), (text[len(mine) :], "model")]
        else:
            out.append((text, kind))
    return out


_MARK = re.compile("\ue000(\\d+)\ue001")  # a stand-in for message k while the template is rendered


class TemplateScript(ChatScript):
    """The script in a model's own chat format. The template is rendered with stand-ins for the messages, so that
    every character of the result is known as the template's (a label) or a message's."""

    def __init__(self, template: ChatTemplate):
        super().__init__(framing="")
        self.render = template.render
        text, kind = self._parts([("q", "a")], None)[-1]
        closing = text if kind == "label" else ""  # what the template writes after a reply
        self.ends = tuple(dict.fromkeys(e for e in (closing.strip(), template.end_of_text) if e))
        if not self.ends:
            raise ValueError("the chat template never ends a reply")

    def _parts(self, turns: list[Turn], message: str | None) -> list[tuple[str, str]]:
        messages: Messages = []
        for user, assistant in turns:
            messages += [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]
        if message is not None:
            messages.append({"role": "user", "content": message})
        stand_ins = [{**m, "content": f"\ue000{k}\ue001"} for k, m in enumerate(messages)]
        pieces = _MARK.split(self.render(stand_ins, message is not None))  # label, k, label, k, ..., label
        if [int(k) for k in pieces[1::2]] != list(range(len(messages))):
            raise ValueError("the chat template does not write every message once, in order")
        parts = [(pieces[0], "label")]
        for k, label in zip(pieces[1::2], pieces[2::2]):
            m = messages[int(k)]
            parts += [(m["content"], "user" if m["role"] == "user" else "model"), (label, "label")]
        return [(text, kind) for text, kind in parts if text]

    def asked(self, message: str) -> str:
        return self.script([], message)

    def beginning(self) -> str:
        return ""  # a template writes nothing for a conversation without messages (most refuse to)

    def opening(self, words: str) -> str:
        return words  # the template's marker ends where the reply begins

    def how_it_goes_on(self) -> str:
        return _(
            "This model was trained to chat in its own format, its chat template: the markers in bold are tokens it "
            "learnt, like words. For the next question, the app writes them around it, and the model's reply is "
            "over when it writes {end}."
        ).format(end=md_code(self.ends[0]))


@dataclass(frozen=True)
class StartedReply:
    """A page's default text: a question and the reply's first words, in the script of whichever model is loaded."""

    message: str
    words: str

    def text(self, backend: Backend) -> str:
        return script_for(backend).started(self.message, self.words)


def script_for(backend: Backend) -> ChatScript:
    """The script the model was trained on: its own chat template if it has one that works, else the plain one."""
    template = backend.chat_template()
    if template is not None:
        try:
            return TemplateScript(template)
        except Exception:  # a template that fails on a plain conversation (jinja errors, odd roles): plain text
            pass
    return ChatScript()
