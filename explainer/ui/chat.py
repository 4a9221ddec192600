"""Streamlit pieces of the chat page: the conversation (per student, in `ChatState`),
the streamed reply, the per-word inspection and the raw script the model sees."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from explainer.backends.base import Backend, BackendError
from explainer.charts.prediction import next_token_bars
from explainer.corpus.generator import DEMO_QUESTIONS
from explainer.format import html_escape, md_escape, token_word
from explainer.generation import chat as core
from explainer.generation.chat import ChatTurn
from explainer.generation.script import Segment, build_script, script_segments
from explainer.model.sampling import SamplingParams, make_generator
from explainer.ui.shell.export import show_chart
from explainer.ui.shell.presenter import advanced
from explainer.ui.shell.state import SessionObject

MAX_REPLY_TOKENS = 60
MAX_TEMPERATURE = 2.0
PACE_S = 0.01  # at least this long per token: a fast small model is still seen writing word by word (60: 0.6 s)


@dataclass
class ChatState(SessionObject):
    KEY = "chat"
    turns: list[ChatTurn] = field(default_factory=list)  # the conversation so far
    pending: str | None = None  # a question to answer on the next run (a suggestion or "regenerate")


def turns() -> list[ChatTurn]:
    return ChatState.of().turns


def ask(message: str) -> None:
    ChatState.of().pending = message


def regenerate() -> None:
    if turns():
        ask(turns().pop().message)


def clear() -> None:
    ChatState.of().turns = []


def pending() -> bool:
    return ChatState.of().pending is not None


def take_message(typed: str | None) -> str | None:
    """The question to answer on this run: typed in the chat box, or from a button."""
    state = ChatState.of()
    message, state.pending = state.pending, None
    return message or typed


# ----------------------------------------------------------------------------- controls
def sampling_controls() -> tuple[float, int | None, bool]:
    """Temperature, seed (None = a new random one per reply) and the script toggle, kept in the URL."""
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    if st.session_state.get("temperature", 0.0) > MAX_TEMPERATURE:  # the sampling page's slider (same key) goes to 5
        st.session_state["temperature"] = MAX_TEMPERATURE
    temperature = left.slider(
        "Temperature", 0.0, MAX_TEMPERATURE, 0.7, 0.1, format="%.1f", key="temperature", bind="query-params",
        help="0: always the most likely word, so the same question always gets the same reply. "
        "Higher: less likely words get picked more often.",
    )  # fmt: skip
    seed = None if not advanced() else right.number_input(  # presenter mode: a fresh seed each time
        "Seed", min_value=0, max_value=2**32 - 1, value=None, step=1, key="seed", bind="query-params",
        placeholder="random each time",
        help="The starting point of the random draws. Empty: a new one for every reply. "
        "A fixed seed repeats the same draws, so the same reply.",
    )  # fmt: skip
    show_script = st.toggle(
        "Show the script the model sees", key="script", bind="query-params",
        help="The raw text behind the chat: what the model reads before it predicts each word.",
    )  # fmt: skip
    return temperature, None if seed is None else int(seed), show_script


def suggestions() -> None:
    st.markdown("**New here? Ask one of these** (or type your own question below):")
    with st.container(horizontal=True):
        for i, question in enumerate(DEMO_QUESTIONS):
            st.button(question, key=f"suggest_{i}", on_click=ask, args=(question,))


def conversation_buttons() -> None:
    with st.container(horizontal=True):
        st.button(
            "Regenerate the last reply", icon=":material/refresh:", on_click=regenerate,
            help="Ask the same question again: a different reply if temperature > 0 and the seed is random.",
        )  # fmt: skip
        st.button("Clear the conversation", icon=":material/delete:", on_click=clear)


# ----------------------------------------------------------------------------- the conversation
def _user_bubble(turn: ChatTurn, backend: Backend) -> None:
    with st.chat_message("user"):
        st.markdown(md_escape(turn.message))
        if turn.cut_tokens:
            st.warning(
                f"Your message was too long for this model, which reads at most "
                f"{backend.info.context_length:,} tokens at once: its first {turn.cut_tokens:,} tokens were cut.",
                icon=":material/content_cut:",
            )


def _details(turn: ChatTurn, index: int) -> None:
    st.caption(
        f"{len(turn.steps)} tokens, each picked by next-word prediction · "
        f"temperature {turn.temperature:g} · seed {turn.seed}"
    )
    if not turn.steps:
        return
    with st.expander("Inspect each word: how likely it was, and the alternatives"):
        st.dataframe(
            pd.DataFrame(core.step_rows(turn.steps)),
            hide_index=True,
            key=f"steps_{index}",
            column_config={  # fmt: skip
                "step": st.column_config.NumberColumn("#", width=40),
                "word": st.column_config.TextColumn("word", width="small"),
                "probability": st.column_config.ProgressColumn(
                    "probability",
                    help="What the model gave this word (temperature 1)",
                    format="percent",
                    min_value=0.0,
                    max_value=1.0,
                    width="medium",
                ),
                "after temperature": st.column_config.NumberColumn(
                    "after temperature",
                    help="Its chance of being picked at this reply's temperature",
                    format="percent",
                ),
                "top guesses": st.column_config.TextColumn("top guesses", help="The model's three likeliest words"),
            },
        )
        _step_chart(turn, index)


def _step_chart(turn: ChatTurn, index: int) -> None:
    """The model's top guesses at one step of the reply, the word it picked in orange."""
    words = [token_word(s.text) for s in turn.steps]
    pick = lambda i: f"{i + 1}: {words[i]}"  # noqa: E731
    i = 0
    if len(words) > 1:
        i = st.select_slider("Look closer at step", range(len(words)), format_func=pick, key=f"inspect_{index}")
    labels, probs, chosen = core.step_choices(turn.steps[i])
    title = f"Step {i + 1}: what might come next"
    show_chart(
        next_token_bars(labels, probs, other=1 - sum(probs), highlight=chosen, title=title), f"chat_step_{index}"
    )


def show_turn(turn: ChatTurn, index: int, backend: Backend) -> None:
    _user_bubble(turn, backend)
    with st.chat_message("assistant"):
        st.markdown(md_escape(turn.reply) or "*(the model ended its reply at once)*")
        _details(turn, index)


def answer(backend: Backend, message: str, temperature: float, seed: int | None) -> None:
    """Show the question, stream the reply token by token, and add both to the conversation."""
    kept, cut = core.cut_message(backend, message)
    if not kept:
        st.info("The message is empty: type a question.", icon=":material/info:")
        return
    gen, used_seed = make_generator(seed)
    turn = ChatTurn(kept, [], used_seed, temperature, cut)
    _user_bubble(turn, backend)
    steps = core.reply_steps(backend, core.history(turns()), kept, SamplingParams(temperature), gen, MAX_REPLY_TOKENS)

    with st.chat_message("assistant"):
        box, due = st.empty(), time.monotonic()
        try:
            for step in steps:  # the reply so far, escaped as a whole: model-written text is never Markdown
                turn.steps.append(step)
                due += PACE_S
                time.sleep(max(0.0, due - time.monotonic()))
                box.markdown(md_escape(turn.reply))
        except (BackendError, ValueError) as e:
            st.error(f"The model could not reply: {md_escape(e)}", icon=":material/error:")
            return
        if not turn.steps:
            st.markdown("*(the model ended its reply at once)*")
        turns().append(turn)
        _details(turn, len(turns()) - 1)


# ----------------------------------------------------------------------------- the raw script
_STYLE = {
    "framing": "color:#4a4a4a;font-style:italic",
    "label": "font-weight:700",
    "user": "",
    "model": "background:#ffd966;color:#000;border-radius:3px;padding:0 2px",
    "text": "",
}
_UNSEEN = "opacity:.45;text-decoration:line-through"
_BOX = (
    "white-space:pre-wrap;word-break:break-word;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;"
    "font-size:1rem;line-height:1.6;margin:0;padding:.9rem 1.1rem;border:1px solid #d0d0d0;"
    "border-radius:.5rem;background:#f7f7f7;color:#111"
)


def script_html(segments: list[Segment]) -> str:
    """The script as a <pre>: labels bold, the model's words highlighted, unseen text struck through."""
    spans = []
    for text, kind, seen in segments:
        style = ";".join(s for s in (_STYLE[kind], "" if seen else _UNSEEN) if s)
        body = html_escape(text)
        spans.append(f'<span style="{style}">{body}</span>' if style else body)
    return f'<pre style="{_BOX}">{"".join(spans)}</pre>'


def script_view(backend: Backend) -> None:
    pairs = core.history(turns())
    script = build_script(pairs)
    hidden_chars, hidden_tokens = core.out_of_view(backend, script.removesuffix("\n"))
    st.subheader("The script the model sees", anchor=False)
    st.html(script_html(script_segments(pairs, hidden_chars=hidden_chars)))
    st.caption(
        "Bold: the labels that mark who speaks. Highlighted: words the model wrote, one prediction at a time. "
        "For the next question, the app appends “User: …” and “Assistant:”, and the model continues from there."
    )
    if hidden_tokens:
        st.info(
            f"The script is longer than the {backend.info.context_length:,} tokens this model can read at once: "
            f"its first {hidden_tokens:,} tokens (struck through) are out of its view.",
            icon=":material/visibility_off:",
        )
