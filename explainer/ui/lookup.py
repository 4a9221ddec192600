"""The What it read page's parts: the training text in numbers and a page of it; a text looked up in it beside the
model (explainer/analysis/lookup.py), with the end the lookup found marked on the text's tokens, and examples or pieces
of text it read or never read to try; who guesses better on such pieces, the lookup or the model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from explainer.analysis.lookup import Guesses, Lookup, Side, TrainingText, next_words, tokens_read
from explainer.backends.base import Backend
from explainer.charts.lookup import guesses_chart, lookup_and_model
from explainer.format import md_escape, number, percent, visible_token
from explainer.generation.script import StartedReply
from explainer.i18n import N_, _, ngettext, sentences
from explainer.ui.chips import chip, chip_row
from explainer.ui.prediction import set_prompt
from explainer.ui.shell.chart import show_chart
from explainer.ui.shell.models import get_backend, model_analyses
from explainer.ui.shell.state import SessionObject

# (what it shows, the text): a question and its reply's first words, in the script of the model loaded
EXAMPLES = (
    (N_("Read word for word"), StartedReply("What is the capital of France?", "The capital of France is")),
    (N_("Asked in new words"), StartedReply("Tell me what a sheep eats.", "A")),
    (N_("Typed in a hurry"), StartedReply("Bby horse name?", "A baby")),
    (N_("Never taught"), StartedReply("Please tell me the capital of Kesgowka.", "")),
    (N_("A story"), StartedReply("Tell me a short story about a fox.", "Once upon a time,")),
)
DEFAULT = EXAMPLES[1][1]
TOP = 4  # next words from each side
MAX_CHIPS = 60  # the text's last tokens drawn as chips
# on one line, after the chips (Markdown ends a <style> block at the first line with "</style>" in it)
_CSS = (
    "<style>.tok-chips .tok-chip.found{background:rgba(43,138,62,.2);border:2px solid #2b8a3e}"
    ".tok-chips .tok-chip.unseen{background:transparent;border:1px dashed #8c959f;color:#57606a}</style>"
)


@dataclass
class PageTurns(SessionObject):
    """Which page of the training text this student is reading, and which piece of text was drawn last."""

    KEY = "what_it_read"
    page: int = 0
    piece: int = 0  # the last piece of text drawn for the text box


def training_text_for(spec: str) -> TrainingText | None:
    """The model's training text (read and encoded once per server: a few seconds, said while it lasts)."""
    analyses = model_analyses(spec)
    with st.spinner(_("Reading its training text (once for the whole class)…"), show_time=True):
        return analyses.training_text()


@st.cache_data(max_entries=256, show_spinner=False)
def looked_up(spec: str, ids: tuple[int, ...]) -> tuple[Lookup, list[Side]]:
    """The lookup of the text's tokens and the two sides' next words, once per (model, text) for the whole class."""
    backend, training = get_backend(spec), model_analyses(spec).training_text()
    found = training.lookup(list(ids))
    return found, next_words(backend, list(ids), found, TOP)


def the_training_text(training: TrainingText, backend: Backend) -> None:
    """Its size in characters, words and tokens, and a page of it, with a button for another."""
    sizes = {"chars": number(len(training.text)), "words": number(training.words), "tokens": number(len(training))}
    if training.source is None:  # the built-in model's corpus
        said = _(
            "It read **{chars} characters**: **{words} words**, or **{tokens} tokens** as it reads them. The app "
            "writes this text itself (short conversations, facts, stories), and every word of the model's knowledge "
            "comes from it."
        ).format(**sizes)
    else:  # a student's run
        name = _("the built-in chats") if training.source == "builtin" else md_escape(training.name)
        said = _(
            "Your model trains on **{name}**: its first **{chars} characters**, **{words} words**, or **{tokens} "
            "tokens** as it reads them (the rest is held back, to check it on text it never read). Every word of its "
            "knowledge comes from them."
        ).format(name=name, **sizes)
        if (seen := tokens_read(backend)) is not None:
            said = sentences(said, _so_far(seen, len(training)))
    st.markdown(said)
    turns = PageTurns.of()
    with st.container(border=True, key="training_page"):
        st.text(training.page(turns.page))
    if st.button(_("Another page"), icon=":material/auto_stories:", key="another_page"):
        turns.page += 1
        st.rerun()


def _so_far(seen: int, tokens: int) -> str:
    """How much of its text a run has read (training draws pieces at random: some twice, some never)."""
    if not seen:
        return _("It has not read any of it yet: its dials are still random.")
    if seen < tokens:
        return _(
            "So far it has read **{seen} tokens** of it, in pieces drawn at random: as many as {share} of it."
        ).format(seen=number(seen), share=percent(seen / tokens))
    return _(
        "So far it has read **{seen} tokens** of it, in pieces drawn at random: as many as all of it {times} times "
        "over."
    ).format(seen=number(seen), times=number(seen / tokens, 1))


def examples_row(backend: Backend, training: TrainingText) -> None:
    """One button per example text (the chat examples where the training text is the built-in chats), and two that
    take a piece of its training text or of text held out from it; a click puts it in the text box."""
    row = st.container(horizontal=True, gap="small", vertical_alignment="center", key="lookup_examples")
    row.caption(_("Try:"))
    if training.source in (None, "builtin"):
        for name, example in EXAMPLES:
            row.button(_(name), on_click=set_prompt, args=(example.text(backend),), key=f"example_{name}")
    row.button(
        _("A piece it read"),
        on_click=_next_piece,
        args=(lambda n: training.read_piece(backend, n),),
        key="example_read",
        help=_("Each click: another piece of its training text, stopped before a word."),
    )
    if training.held_out:
        row.button(_("A piece it never read"), on_click=_next_piece,
                   args=(lambda n: training.unread_piece(backend, n),), key="example_unread",
                   help=_("Each click: another piece of text held out from its training, whose words are nowhere in "
                          "its training text one after the other, stopped before a word."))  # fmt: skip


def _next_piece(draw: Callable[[int], str]) -> None:
    turns = PageTurns.of()
    turns.piece += 1
    set_prompt(draw(turns.piece))


def marked_text(backend: Backend, ids: list[int], found: Lookup) -> None:
    """The text's tokens with the end the lookup found in green and the tokens before it dashed."""
    start = len(ids) - found.length
    shown = range(max(0, len(ids) - MAX_CHIPS), len(ids))
    chips = [
        chip(
            backend.token_str(ids[i]),
            classes="found" if i >= start else "unseen",
            tip=_("found in the training text") if i >= start else _("not seen by the lookup"),
        )
        for i in shown
    ]
    before = '<span class="tok-cut">…</span>' if shown.start else ""
    st.markdown(chip_row(chips, before) + _CSS, unsafe_allow_html=True)


def what_was_found(backend: Backend, ids: list[int], found: Lookup) -> str:
    """The lookup's finding in a sentence or two."""
    end = md_escape(visible_token(backend.decode(ids[len(ids) - found.length :])))
    if not found.length:
        return _(
            "Not even the last token of your text comes before anything in the training text: the lookup has nothing "
            "to go on."
        )
    times = ngettext("{n} time", "{n} times", found.times).format(n=number(found.times))
    if found.whole:
        return _(
            "Your whole text, all {n} tokens, is in the training text word for word, {times}. The lookup reads it "
            "all, as the model does."
        ).format(n=number(found.length), times=times)
    return _(
        "The longest end of your text that is in the training text is its last **{n} tokens**, “{end}”, found "
        "{times}. With one token more it is never there, so that is all the lookup can see (green); the model reads "
        "the whole text."
    ).format(n=number(found.length), end=end, times=times)


def verdict(backend: Backend, found: Lookup, rows: list[Side]) -> str:
    """How the two first choices compare, in a sentence."""
    model = max(rows, key=lambda r: r.probability)
    word = lambda token: md_escape(visible_token(backend.token_str(token)))  # noqa: E731
    if found.favourite() is None:
        return _("The model still gives every word a probability: its first choice is “{word}” ({p}).").format(
            word=word(model.token), p=percent(model.probability)
        )
    looked = next(r for r in rows if r.token == found.favourite())
    tied = ngettext(", as often as {n} other word", ", as often as {n} other words", found.tied()).format(
        n=number(found.tied())
    )
    if looked.token == model.token:
        return _(
            "Both put “{word}” first: the lookup from what came next in the training text ({share}), the model at {p}."
        ).format(word=word(model.token), share=percent(looked.share), p=percent(model.probability))
    if not model.counted:
        return _(
            "The model's first choice, “{word}” ({p}), **never** came next there: the lookup puts “{looked}” first "
            "({share}{tied}). The model is not looking its answer up: it learnt from many texts what such a text goes "
            "on with, and reads all of yours."
        ).format(
            word=word(model.token),
            p=percent(model.probability),
            looked=word(looked.token),
            share=percent(looked.share),
            tied=tied if found.tied() else "",
        )
    return _(
        "The lookup puts “{looked}” first ({share}{tied}), the model “{word}” ({p}), which came next there "
        "{share_model} of the time."
    ).format(
        looked=word(looked.token),
        share=percent(looked.share),
        tied=tied if found.tied() else "",
        word=word(model.token),
        p=percent(model.probability),
        share_model=percent(model.share),
    )


def lookup_section(backend: Backend, spec: str, ids: list[int]) -> None:
    """The text looked up: its found end marked, the two sides' next words, and how they compare."""
    found, rows = looked_up(spec, tuple(ids))
    marked_text(backend, ids, found)
    st.markdown(what_was_found(backend, ids, found))
    words = [backend.token_str(r.token) for r in rows]
    show_chart(lookup_and_model(words, rows, _("What comes next?")), "lookup_and_model")
    st.markdown(verdict(backend, found, rows))


def guesses_section(spec: str) -> None:
    """Who guesses the next word better, the lookup or the model, on text it read and text it never read."""
    with st.spinner(_("Scoring both on pieces of text (once for the whole class)…"), show_time=True):
        guesses = model_analyses(spec).guesses()
    if not guesses:
        return
    n = number(guesses["read"].pieces)
    st.markdown(
        _(
            "The lookup and the model each guess the next word of {n} pieces of its training text, and of as many "
            "pieces of text it never read: held out from its training, and nowhere in its training text word for "
            "word. A guess is right when its first choice is the word that really came next."
        ).format(n=n)
        if "unread" in guesses
        else _(
            "The lookup and the model each guess the next word of {n} pieces of its training text; a guess is right "
            "when its first choice is the word that really came next."
        ).format(n=n)  # fmt: skip
    )
    chart = guesses_chart(guesses, _("How often the first choice was right"))
    show_chart(chart, "who_guesses_better")
    st.markdown(guesses_verdict(guesses))


def guesses_verdict(guesses: dict[str, Guesses]) -> str:
    """What the scores say: the lookup wins on what it read, the model on what it never read (when it has learnt)."""
    read, unread = guesses["read"], guesses.get("unread")
    on_read = (
        _("On text it read, the lookup is right more often: it keeps every word of it, the model only what it learnt.")
        if read.lookup >= read.model
        else _("Even on text it read, the model is right more often than the lookup.")
    )
    if unread is None:
        return on_read
    if unread.model > unread.lookup:
        on_unread = _(
            "On text it never read, the model is right more often: it learnt what such texts go on with, and reads "
            "the whole text, where a lookup only finds its last few words. That is what training buys."
        )
    else:
        on_unread = _(
            "On text it never read, the lookup does as well or better: this model has not learnt more yet than its "
            "text's last few words tell (a model trained longer does)."
        )
    return sentences(on_read, on_unread)
