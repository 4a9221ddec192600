"""Streamlit pieces of the chat page: the conversation (per student, in `ChatState`), the reply being written (kept
across reruns, so that a question sent mid-reply, a click or Stop never loses a turn), the questions waiting their
turn, the per-word inspection and the raw script the model sees."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st
import torch

from explainer.backends.base import Backend, BackendError, GenStep
from explainer.charts.prediction import next_token_bars
from explainer.charts.style import CHOSEN, PALE
from explainer.corpus.generator import COUNTRIES, DEMO_QUESTIONS
from explainer.format import big_number, html_escape, md_escape, number, percent
from explainer.generation import chat as core
from explainer.generation.chat import SHORTENED, STOPPED, ChatTurn
from explainer.generation.script import Segment, script_for
from explainer.i18n import N_, _, ngettext, sentences
from explainer.model.sampling import SamplingParams, make_generator
from explainer.ui.shell.chart import show_chart
from explainer.ui.shell.language import LOCALIZED
from explainer.ui.shell.models import reads_english_note
from explainer.ui.shell.presenter import advanced
from explainer.ui.shell.state import SessionObject, whole_number_from_link
from explainer.ui.surprise import shaded_chips

MAX_REPLY_TOKENS = 200  # far beyond a reply of the built-in chats: only a model that runs on reaches it
MAX_TEMPERATURE = 2.0
PACE_S = 0.01  # at least this long per token: a fast small model is still seen writing word by word (60: 0.6 s)
# The reply so far is sent at most this often (each update is a message with the whole reply: at PACE_S that was up
# to 100 messages a second per student); the first token goes at once.
SHOW_EVERY_S = 0.05
READING_PACE_S = 0.15  # "write at reading pace": about 7 tokens a second, so a class can read along (and press Stop)
INPUT_KEY = "chat_box"
OPENING_KEY = "opening"  # the reply's first words, written by the student (the URL keeps them: a teacher's link)
MAX_OPENING_CHARS = 200


@dataclass
class ChatState(SessionObject):
    KEY = "chat"
    turns: list[ChatTurn] = field(default_factory=list)  # the conversation so far
    queue: list[tuple[str, str]] = field(default_factory=list)  # (question, opening) to answer, in order
    writing: ChatTurn | None = None  # the reply being written: taken up again on the next run if one cut it short
    generator: torch.Generator | None = None  # its dice, where they stopped
    refocus: bool = False  # the box moved to the window's bottom as it was used: give it the typing focus back
    run_on: tuple[tuple, core.RunOn] | None = None  # what it wrote past its last reply, and for which conversation


def turns() -> list[ChatTurn]:
    return ChatState.of().turns


def ask(message: str, opening: str | None = None) -> None:
    """Queue a question; its reply begins with `opening` (None: the words in the page's box at this moment)."""
    if opening is None:
        opening = st.session_state.get(OPENING_KEY) or ""
    ChatState.of().queue.append((message, opening.strip()))


def _typed() -> None:
    """The chat box's callback: the question joins the queue (answered after the reply being written, if any)."""
    if (text := st.session_state.get(INPUT_KEY)) is not None:
        ChatState.of().refocus |= not turns() and not busy()  # the box stood in the page: it is pinned from now on
        ask(text)


def regenerate() -> None:
    if turns():
        last = turns().pop()
        ask(last.message, last.opening)


def clear() -> None:
    state = ChatState.of()
    state.turns, state.queue, state.writing = [], [], None


def stop_writing() -> None:
    """Stop: the reply keeps what it has so far, marked as stopped; waiting questions stay in the queue."""
    state = ChatState.of()
    if state.writing is not None:
        state.writing.ending = STOPPED
        state.turns.append(state.writing)
        state.writing = None


def busy() -> bool:
    state = ChatState.of()
    return state.writing is not None or bool(state.queue)


# Once the pinned box is drawn (frame by frame, 10 s at most), it gets the focus unless another control holds it (the
# box the question was typed in, in the page until now, does not count).
_REFOCUS_JS = """<script>
(() => {
  const BOX = '[data-testid=stChatInputTextArea]';
  const step = (frames) => {
    const box = document.querySelector('[data-testid=stBottom] ' + BOX), now = document.activeElement;
    if (!box) return frames < 600 && requestAnimationFrame(() => step(frames + 1));
    if (!now || now === document.body || now.matches(BOX)) box.focus();
  };
  step(0);
})();
</script>"""


def pinned() -> bool:
    """Whether the question box is pinned to the bottom of the window: once there is a conversation, where Streamlit
    keeps the page scrolled to its end as a reply is written. Before, it stands in the page, under the introduction
    (pinned, the empty page opened scrolled to its end too: the title and the introduction out of view)."""
    return bool(turns()) or busy()


def chat_box() -> None:
    """The question box, where it is called: at the page's root it is pinned, inside a container it is in the page
    (see `pinned`)."""
    st.chat_input(
        _("Ask the assistant a question (sent while it writes, it waits its turn)"), key=INPUT_KEY, on_submit=_typed
    )
    if (state := ChatState.of()).refocus:
        state.refocus = busy()  # sent again until the reply is written: a run that the next one cuts short (the
        st.html(_REFOCUS_JS, unsafe_allow_javascript=True)  # reply's rerun) may never reach a slow browser (CI)
    reads_english_note()


# ----------------------------------------------------------------------------- controls
@dataclass(frozen=True)
class Controls:
    temperature: float
    seed: int | None  # None: a new random one per reply
    show_script: bool
    pace_s: float  # seconds per token at least
    run_on: bool  # show what the model writes past the end of its reply


def sampling_controls() -> Controls:
    """The page's settings, kept in the URL."""
    # presenter mode: no seed (a fresh one each time), the slider alone on its row
    left, right = st.columns([3, 2], vertical_alignment="bottom") if advanced() else (st.container(), None)
    if st.session_state.get("temperature", 0.0) > MAX_TEMPERATURE:  # the sampling page's slider (same key) goes to 5
        st.session_state["temperature"] = MAX_TEMPERATURE
    temperature = left.slider(
        _("Temperature"), 0.0, MAX_TEMPERATURE, 0.7, 0.1, format=LOCALIZED, key="temperature", bind="query-params",
        help=_("0: always the most likely word, so the same question always gets the same reply. "
        "Higher: less likely words get picked more often."),
    )  # fmt: skip
    if right is not None:
        whole_number_from_link("seed", _("a new one for every reply"))
    seed = None if right is None else right.number_input(
        _("Seed"), min_value=0, max_value=2**32 - 1, value=None, step=1, key="seed", bind="query-params",
        placeholder=_("random each time"),
        help=_("The starting point of the random draws. Empty: a new one for every reply. "
        "A fixed seed repeats the same draws, so the same reply."),
    )  # fmt: skip
    toggles = st.container(horizontal=True, key="chat_toggles")  # one row where they fit
    show_script = toggles.toggle(
        _("Show the script the model sees"), key="script", bind="query-params",
        help=_("The raw text behind the chat: what the model reads before it predicts each word."),
    )  # fmt: skip
    slow = toggles.toggle(
        _("Write at reading pace"), key="slow", bind="query-params",
        help=_("The built-in model writes a reply in under a second. Slower, a class can read along and stop it."),
    )  # fmt: skip
    go_on = toggles.toggle(
        _("Let it write past its reply"), key="run_on", bind="query-params",
        help=_("The app stops reading where the model ends its reply. Here it lets the model go on, and shows what "
        "it writes next."),
    )  # fmt: skip
    st.text_input(
        _("Start its reply yourself"), key=OPENING_KEY, bind="query-params", max_chars=MAX_OPENING_CHARS,
        placeholder=_("empty: the model writes all of it · try “I do not know”"),
        help=_("Your words go into the script as the start of the assistant's reply, and the model goes on from "
        "them. It cannot tell them from its own: it continues whatever the script says it said."),
    )  # fmt: skip
    return Controls(
        temperature, None if seed is None else int(seed), show_script, READING_PACE_S if slow else PACE_S, go_on
    )


def what_it_knows(builtin: bool, suggest: bool) -> None:
    """What this model can talk about (off-topic questions get nonsense: the note says why before anyone asks), with
    the questions to start from if `suggest`."""
    if builtin:
        text = _(
            "**What this small model knows.** It learned only from made-up chats about a few topics: the "
            "capitals, continents and languages of {n_countries} countries, animals (their sounds, homes, young "
            "and food), colours of things, opposites, plurals, numbers and small sums, days and months, and "
            "short stories. Asked the way its lessons asked, it almost always answers right; asked in words it never "
            "read, about three times in four. It was also taught to say “Sorry, I do not know” about anything else; it "
            "mostly does, and sometimes still answers with confident nonsense."
        ).format(n_countries=len(COUNTRIES))
    else:
        text = _(
            "**What this model knows** depends on the text it was trained on. A model that never saw chats like "
            "this script may wander off instead of answering."
        )
    st.info(text, icon=":material/school:")
    if not suggest:
        return
    with st.container(horizontal=True, key="chat_suggestions"):
        for i, question in enumerate(DEMO_QUESTIONS):
            st.button(question, key=f"suggest_{i}", on_click=ask, args=(question,))


def conversation_buttons() -> None:
    with st.container(horizontal=True):
        st.button(
            _("Regenerate the last reply"), icon=":material/refresh:", on_click=regenerate,
            help=_("Ask the same question again: a different reply if temperature > 0 and the seed is random."),
        )  # fmt: skip
        st.button(_("Clear the conversation"), icon=":material/delete:", on_click=clear)


# ----------------------------------------------------------------------------- the conversation
def _user_bubble(turn: ChatTurn, backend: Backend) -> None:
    with st.chat_message("user"):
        st.markdown(md_escape(turn.message))  # as typed: never Markdown
        if turn.cut_tokens:
            st.warning(
                _(
                    "Your message was too long for this model, which reads at most {context_length} tokens at "
                    "once: its "
                    "first {cut_tokens} tokens were cut."
                ).format(context_length=number(backend.info.context_length), cut_tokens=number(turn.cut_tokens)),
                icon=":material/content_cut:",
            )


ENDINGS = {
    STOPPED: N_("stopped by you"),
    SHORTENED: N_(
        "the model ran on past {max_reply_tokens} tokens without ending its reply: shown up to its last full sentence"
    ),
}


def inspect_key(index: int) -> str:
    """The key of turn `index`'s "Inspect each word" (its session state says whether it is open)."""
    return f"chat_inspect_{index}"


def _details(turn: ChatTurn, index: int) -> None:
    ending = " · " + _(ENDINGS[turn.ending]).format(max_reply_tokens=MAX_REPLY_TOKENS) if turn.ending else ""
    if turn.opening:
        ending += " · " + _("after your words “{opening}” (highlighted), which it read as its own").format(
            opening=md_escape(turn.opening)
        )
        if turn.opening_prob is not None:
            ending += " · " + _("it would have begun so itself with a probability of {p}").format(
                p=odds(turn.opening_prob)
            )
    st.caption(
        ngettext(
            "{n_steps} token, picked by next-word prediction · temperature {temperature} · seed {seed}{ending}",
            "{n_steps} tokens, each picked by next-word prediction · temperature {temperature} · seed {seed}{ending}",
            len(turn.steps),
        ).format(n_steps=len(turn.steps), temperature=number(turn.temperature), seed=turn.seed, ending=ending)
    )
    if not turn.steps:
        return
    # Drawn only while open (opening it reruns the page): a conversation's every turn would otherwise send its table
    # and chart again on each run, and a class's chats grow (12 turns: a question cost 70 -> 240 ms of the server).
    box = st.expander(_("Inspect each word: how likely it was, and the alternatives"), key=inspect_key(index),
                      on_change="rerun")  # fmt: skip
    if not box.open:
        return
    with box:
        st.html(shaded_chips([(s.text or s.piece, s.model_prob, _step_tip(s)) for s in turn.steps]))
        st.caption(
            _(
                "The reply, each word shaded by the probability the model gave it (at temperature 1): a pale word is "
                "one the dice picked although the model found it unlikely."
            )
        )
        st.dataframe(
            pd.DataFrame(core.step_rows(turn.steps)),
            hide_index=True,
            key=f"steps_{index}",
            column_config={  # fmt: skip
                "step": st.column_config.NumberColumn("#", width=40),
                "word": st.column_config.TextColumn(_("word"), width="small"),
                "probability": st.column_config.ProgressColumn(
                    _("probability"),
                    help=_("What the model gave this word (temperature 1)"),
                    format="percent",
                    min_value=0.0,
                    max_value=1.0,
                    width="medium",
                ),
                "after temperature": st.column_config.NumberColumn(
                    _("after temperature"),
                    help=_("Its chance of being picked at this reply's temperature"),
                    format="percent",
                ),
                "top guesses": st.column_config.TextColumn(
                    _("top guesses"), help=_("The model's three likeliest words")
                ),
            },
        )
        _step_chart(turn, index)


def _step_tip(step: GenStep) -> str:
    """A reply's word on hover: its probability from the model, and its chance at the reply's temperature."""
    return _("“{word}”: {p} from the model, {q} at this temperature").format(
        word=step.word, p=percent(step.model_prob), q=percent(step.prob)
    )


def _step_chart(turn: ChatTurn, index: int) -> None:
    """The model's top guesses at one step of the reply, the word it picked in orange."""
    words = [s.word for s in turn.steps]
    pick = lambda i: f"{i + 1}: {words[i]}"  # noqa: E731
    i = 0
    if len(words) > 1:
        i = st.select_slider(_("Look closer at step"), range(len(words)), format_func=pick, key=f"inspect_{index}")
    labels, probs, chosen = core.step_choices(turn.steps[i])
    title = _("Step {i}: what might come next").format(i=i + 1)
    show_chart(
        next_token_bars(labels, probs, other=1 - sum(probs), highlight=chosen, title=title), f"chat_step_{index}"
    )


def odds(p: float) -> str:
    """A probability as a class reads it: 34.2%; under 1 %, with its odds too (<0.001%, about 1 in 3.76 million);
    past 1 in a trillion "<0.001%" alone (a long opening's chain of probabilities even underflows to 0, which no
    softmax gives: never "0%")."""
    if p >= 0.01:
        return percent(p)
    if p < 1e-12:
        return percent(max(p, 1e-300))
    return _("{p}, about 1 in {n}").format(p=percent(p), n=big_number(1 / p))


def reply_markdown(turn: ChatTurn) -> str:
    """The reply as Markdown, shown literally; the words the student began it with highlighted."""
    if not turn.opening:
        return md_escape(turn.reply)
    rest = turn.reply[len(turn.opening) :]  # the reply is the opening (stripped when asked), then the model's words
    return f":blue-background[{md_escape(turn.opening)}]{md_escape(rest)}"


def show_turn(turn: ChatTurn, index: int, backend: Backend) -> None:
    _user_bubble(turn, backend)
    with st.chat_message("assistant"):
        st.markdown(reply_markdown(turn) or _("*(the model ended its reply at once)*"))
        _details(turn, index)


def _start_next(backend: Backend, temperature: float, seed: int | None) -> ChatTurn | None:
    """Take the next question off the queue as the reply to write (None when there is none left to answer)."""
    state = ChatState.of()
    while state.queue:
        message, opening = state.queue.pop(0)
        kept, cut = core.cut_message(backend, message)
        if not kept:
            st.info(_("The message is empty: type a question."), icon=":material/info:")
            continue
        state.generator, used_seed = make_generator(seed)
        state.writing = ChatTurn(kept, [], used_seed, temperature, cut, opening=opening)
        if opening:  # how likely the model was to begin so itself (one forward pass)
            state.writing.opening_prob = core.opening_probability(backend, core.history(state.turns), kept, opening)
        return state.writing
    return None


def write_reply(backend: Backend, temperature: float, seed: int | None, pace_s: float = PACE_S) -> None:
    """Write one reply, token by token: the one a rerun cut short (taken up where it stopped), else the next
    question of the queue; the questions still waiting are shown below it. Then a rerun for the next one."""
    state = ChatState.of()
    turn = state.writing or _start_next(backend, temperature, seed)
    if turn is None:
        return
    _user_bubble(turn, backend)
    with st.chat_message("assistant"):
        with st.container(horizontal=True, vertical_alignment="center", key="chat_writing"):
            st.markdown(":material/edit_note: *" + _("writing…") + "*")
            st.button(_("Stop"), icon=":material/stop_circle:", key="chat_stop", on_click=stop_writing)
        box = st.empty()
    for waiting, _opening in state.queue:
        with st.chat_message("user"):
            st.markdown(md_escape(waiting))
            st.caption(_("Waiting: the model answers it as soon as the reply above is finished."))
    history = core.history(state.turns)
    params = SamplingParams(turn.temperature)
    steps = core.reply_steps(
        backend, history, turn.message, params, state.generator, MAX_REPLY_TOKENS, [s.token_id for s in turn.steps],
        turn.opening,
    )  # fmt: skip
    box.markdown(reply_markdown(turn) + " ▌")
    due = shown = time.monotonic()
    try:
        for step in steps:  # a click or a new question stops this run here; the next run takes the reply up again
            turn.steps.append(step)
            due += pace_s
            time.sleep(max(0.0, due - time.monotonic()))
            if len(turn.steps) == 1 or time.monotonic() - shown >= SHOW_EVERY_S:
                box.markdown(reply_markdown(turn) + " ▌")  # the reply so far, escaped: never Markdown
                shown = time.monotonic()
    except (BackendError, ValueError) as e:
        state.writing = None
        st.error(_("The model could not reply: {e}").format(e=md_escape(e)), icon=":material/error:")
        return
    if len(turn.steps) >= MAX_REPLY_TOKENS:
        turn.steps, turn.ending = core.whole_sentences(turn.steps), SHORTENED
    state.turns.append(turn)
    state.writing = None
    st.rerun()  # the finished turn drawn with its details, then the next question


# ----------------------------------------------------------------------------- past the end of its reply
def past_its_reply(backend: Backend, temperature: float, seed: int | None) -> core.RunOn | None:
    """What the model writes past the end of its last reply, written once per conversation and settings (a rerun
    shows the same); None while a reply is being written, or when the last one did not end by itself."""
    state = ChatState.of()
    if not state.turns or busy():
        return None
    if state.turns[-1].ending:
        st.caption(_("Past the end of its reply: this reply did not end by itself (it was stopped or cut), so it has "
                     "no end to go past."))  # fmt: skip
        return None
    history = core.history(state.turns)
    key = (backend.info.name, tuple(history), temperature, seed)
    if state.run_on is None or state.run_on[0] != key:
        try:
            found = core.run_on(backend, history, SamplingParams(temperature), make_generator(seed)[0])
        except (BackendError, ValueError) as e:
            st.error(_("The model could not go on: {e}").format(e=md_escape(e)), icon=":material/error:")
            return None
        state.run_on = key, found
    return state.run_on[1]


def show_run_on(found: core.RunOn) -> None:
    """The exchange the model wrote past its reply, as the chat would show it (the person's side marked as the
    model's), else the raw text it wrote; and what it shows."""
    with st.container(border=True, key="past_its_reply"):
        st.markdown(":material/fast_forward: **" + _("Past the end of its reply") + "**")
        if found.exchange is None:
            st.html(script_html([(found.text, "past", True)]))
        else:
            message, reply = found.exchange
            with st.chat_message("user", avatar=":material/smart_toy:"):
                st.markdown(md_escape(message))
                st.caption(_("written by the model, not by you"))
            with st.chat_message("assistant"):
                st.markdown(md_escape(reply))
        if found.exchange is not None and not found.new_conversation:
            said = _("**It wrote your next question too**, then answered it.")
        elif found.exchange is not None:
            said = _(
                "**It ended the conversation** and began a new one, as the chats it learnt from follow one another: "
                "the opening line again, then a question of its own and the answer."
            )
        else:
            said = _("What it wrote next, as the script holds it.")
        st.markdown(
            sentences(
                said,
                _(
                    "The app stops reading where the model ends its reply and gives the turn back to you. The model "
                    "has no turns: the script is one text to it, and it goes on with whatever is likely to come next, "
                    "the person's lines included."
                ),
            )
        )


# ----------------------------------------------------------------------------- the raw script
_STYLE = {
    "framing": "color:#4a4a4a;font-style:italic",
    "label": "font-weight:700",
    "user": "",
    "model": f"background:{PALE[CHOSEN]};color:#000;border-radius:3px;padding:0 2px",  # the words the model chose
    "yours": "background:#dbe7fb;color:#000;border-radius:3px;padding:0 2px;border-bottom:2px dashed #1d4ed8",
    "past": "color:#595959;border-bottom:2px dotted #8a8a8a",  # written past the reply's end, which the app drops
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


def script_view(backend: Backend, past: core.RunOn | None = None) -> None:
    """The script as the model reads it, and (`past`) what it wrote past the end of its last reply."""
    pairs, form = core.history(turns()), script_for(backend)
    hidden_chars, hidden_tokens = core.out_of_view(backend, form.script(pairs).removesuffix("\n"))
    st.subheader(_("The script the model sees"), anchor=False)
    begun = [t.opening for t in turns()]  # each reply's first words written by the student ("" if none)
    segments = form.segments(pairs, hidden_chars=hidden_chars, openings=begun)
    st.html(script_html(segments + ([(past.text, "past", True)] if past else [])))
    st.caption(
        sentences(
            _("Bold: the labels that mark who speaks. Highlighted: words the model wrote, one prediction at a time."),
            _("Blue, underlined: the words you began a reply with, which the model reads as the assistant's.")
            if any(begun)
            else "",
            _("Grey, dotted: what it wrote past the end of its reply, which the app throws away.") if past else "",
            form.how_it_goes_on(),
        )
    )
    if hidden_tokens:
        st.info(
            _(
                "The script is longer than the {context_length} tokens this model can read at once: its first "
                "{hidden_tokens} tokens (struck through) are out of its view."
            ).format(context_length=number(backend.info.context_length), hidden_tokens=number(hidden_tokens)),
            icon=":material/visibility_off:",
        )
