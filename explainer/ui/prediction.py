"""Streamlit pieces shared by the prediction pages (next word; temperature & sampling).

- `logits_for`: next-token logits cached per (model, text), so moving a slider never reruns the model;
- `prompt_box` / `show_tokens`: the text box (kept in the URL) and its tokens as chips;
- `sampling_controls` / `seed_control`: temperature, top-k, top-p and seed, kept in the URL,
  so that a link like `/sampling?temperature=0.5&prompt=...` reopens the same view.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import streamlit as st
import torch

from explainer.backends.base import Backend
from explainer.format import html_escape, md_escape, number, percent, visible_token
from explainer.generation.next_token import (
    Continuation,
    TopTokens,
    append_piece,
    count_answers,
    distribution_table,
    sample_runs,
)
from explainer.generation.script import StartedReply
from explainer.i18n import N_, _, ngettext
from explainer.model.sampling import SamplingParams, sample
from explainer.model.tokenizers import Token, split_words
from explainer.ui.chips import chip, chip_row
from explainer.ui.shell.language import LOCALIZED
from explainer.ui.shell.models import current_spec, get_backend, reads_english_note, require_backend
from explainer.ui.shell.navigation import Navigation, link_page, stop
from explainer.ui.shell.presenter import advanced, presenting
from explainer.ui.shell.state import SessionObject, whole_number_from_link
from explainer.ui.shell.views import VIEW_KEY, section
from explainer.ui.text_elsewhere import MAX_LINK_CHARS, other_pages
from explainer.ui.tokens import MAX_CHARS as TOKENS_MAX_CHARS
from explainer.ui.tokens import TEXT_KEY as TOKENS_TEXT_KEY

PROMPT_KEY = "prompt"  # the text box's key and the URL's parameter
ALL_TOKENS_KEY = "all_tokens"  # the next-word page's "All … tokens" (its session state: whether it is open)
PICK_KEY = "pick"  # the word picked from the pills
MAX_CHIPS = 400  # a longer context is shown by its last MAX_CHIPS tokens
MAX_SPLIT_SHOWN = 3  # words shown in pieces under the chips


@dataclass
class PredictionState(SessionObject):
    """What the prediction pages remember between runs (their settings live in their widgets and the URL)."""

    KEY = "prediction"
    history: list[str] = field(default_factory=list)  # the text before each added word, for "back one word"
    added: tuple[str, str, float] | None = None  # (text after, token, probability) of the word just added
    runs: tuple[tuple[str, str], SamplingParams, list[Continuation]] | None = None  # ((model, text), settings, runs)
    prompt_for: str | None = None  # the page whose default the text box was last given
    default_given: str | None = None  # that default, in the script of the model loaded then


# ---------------------------------------------------------------------------- the model's numbers


@st.cache_data(max_entries=256, show_spinner=False)
def _cached_logits(spec: str, text: str) -> np.ndarray:
    backend = get_backend(spec)
    return backend.next_token_logits(backend.encode(text)).numpy()


def logits_for(spec: str, text: str) -> torch.Tensor:
    """(V,) next-token logits for `text` under model `spec`, computed once per (model, text)."""
    return torch.from_numpy(_cached_logits(spec, text))


@st.cache_data(max_entries=32, show_spinner=False)
def distribution_table_for(spec: str, text: str) -> pd.DataFrame:
    """Every token with its probability of coming next, likeliest first (in float64, so that the column adds up to
    1: a float32 softmax over the 5,632 tokens of an earlier built-in model summed to 1.0000024 on an AVX2 CPU)."""
    table = distribution_table(logits_for(spec, text).double().softmax(-1), get_backend(spec).token_str)
    table["token"] = table["token"].map(visible_token)
    return table


# ---------------------------------------------------------------------------- the text and its tokens


PRESENTER_BOX_PX = 190  # presenter mode's bigger font wraps the 3-line script to 4 lines on a 1280 × 720 projector


def prompt_box(default: str, label: str | None = None, height: int = 140) -> str:
    """The text to predict from; kept in the URL as ?prompt=... The buttons that add a word set it through session
    state, so the box takes its page's default from there too (a widget given a default value and also set
    through session state makes Streamlit warn): once per visit of a page, unless the link brings its own text,
    and again when another model is loaded while the text is still the default (each model reads its own script)."""
    state, page = PredictionState.of(), Navigation.of().current
    if state.prompt_for != page or PROMPT_KEY not in st.session_state:
        state.prompt_for = page
        if PROMPT_KEY not in st.query_params:
            st.session_state[PROMPT_KEY] = default
    elif st.session_state[PROMPT_KEY] == state.default_given:  # untouched, and another model's script: this one's
        st.session_state[PROMPT_KEY] = default
    state.default_given = default
    text = st.text_area(
        label or _("Text so far"),
        key=PROMPT_KEY,
        bind="query-params",
        height=max(height, PRESENTER_BOX_PX) if presenting() else height,
        help=_("Any text. The model only reads its last tokens, up to its context length."),
    )
    return text or ""


def set_prompt(text: str) -> None:
    """Replace the text (call from a widget callback, before the text box is drawn)."""
    st.session_state[PROMPT_KEY] = text


@dataclass(frozen=True)
class Prompt:
    text: str
    ids: list[int]  # the tokens the model reads, after the cut from the left
    n_cut: int  # tokens cut from the left to fit the context
    tokens: list[Token]  # the tokens it reads, with their places in the text (tokenizing a long text takes seconds)


def _cut(tokens: list) -> list[bool]:
    """Whether each token is a byte piece of one character: those share (part of) its span with a neighbour."""
    spans = [(t.start, t.end) for t in tokens]
    return [
        (i > 0 and spans[i - 1][1] > t.start) or (i + 1 < len(spans) and spans[i + 1][0] < t.end)
        for i, t in enumerate(tokens)
    ]


def typed_pieces(backend: Backend, tokens: list) -> list[str]:
    """Each token's text as typed; a byte piece shows its own bytes (⟨e4 b8⟩), never half a character."""
    return [backend.token_str(t.id) if cut or not t.text else t.text for t, cut in zip(tokens, _cut(tokens))]


def _chips_html(backend: Backend, tokens: list, n_hidden: int) -> str:
    chips = []
    for i, (t, shown, cut) in enumerate(zip(tokens, typed_pieces(backend, tokens), _cut(tokens))):
        tip = _("token {i} · id {id}").format(i=i + 1 + n_hidden, id=t.id)
        if cut:
            tip += _(" · part of the character “{char}”").format(char=t.text)
        if t.unknown:
            tip += _(" · unknown word → <unk>")
        mark = "<sup>&lt;unk&gt;</sup>" if t.unknown else ""
        chips.append(chip(shown, tip=tip, classes="unk" if t.unknown else "", inner=mark))
    hidden = _("… {n} tokens before these").format(n=number(n_hidden))
    return chip_row(chips, f'<span class="tok-cut">{html_escape(hidden)}</span>' if n_hidden else "")


@st.cache_resource(max_entries=16, show_spinner=False)
def read_tokens(spec: str, text: str) -> tuple[int, tuple[Token, ...]]:
    """How many tokens `text` has, and the last context-length of them, which the model reads: once per (model, text)
    for the whole class, not on every click (a million characters take 1.3 s to tokenize)."""
    backend = get_backend(spec)
    tokens = backend.tokenize(text)
    return len(tokens), tuple(tokens[-backend.info.context_length :])


def show_tokens(backend: Backend, spec: str, text: str, chips_open: bool = True) -> Prompt | None:
    """Draw the text's tokens as chips, with notices for a cut and for unknown words (the chips closed unless
    `chips_open`: a page that draws the tokens its own way). None (after a message saying why) when there is nothing
    to predict from."""
    if not text.strip():
        st.info(_("Type some text in the box: the model needs at least one word to predict the next one."))
        return None
    n_tokens, read = read_tokens(spec, text)
    if not n_tokens:
        st.info(_("This text has no tokens the model can read: type a word or two."))
        return None
    context = backend.info.context_length
    n_cut, kept = n_tokens - len(read), list(read)
    if n_cut:
        st.warning(
            _(
                "This text is {n_tokens} tokens long, but the model reads at most {context}. The first {n_cut} "
                "tokens are cut off (from the left); only the last {context} count."
            ).format(n_tokens=number(n_tokens), context=number(context), n_cut=number(n_cut)),
            icon=":material/content_cut:",
        )
    shown = kept[-MAX_CHIPS:]
    # Open for a student; closed on a projector, where the chart below must start on the first screen.
    with st.expander(
        _("The model reads **{n_kept} tokens** — hover over one (or tap it) to see its number").format(
            n_kept=number(len(kept))
        ),
        expanded=chips_open and advanced(),
    ):
        st.markdown(_chips_html(backend, shown, n_tokens - len(shown)), unsafe_allow_html=True)
        if (pieces_page := link_page("tokens")) is not None:  # the same text, there taken apart merge by merge
            st.page_link(
                pieces_page,
                label=_("Where these pieces come from: the Tokens page"),
                icon=":material/token:",
                query_params={TOKENS_TEXT_KEY: text[:TOKENS_MAX_CHARS], VIEW_KEY: "merges"},
            )
    split = split_words(text, kept)
    if split:
        shown = [
            f"“{md_escape(word)}” → "
            + " · ".join(md_escape(visible_token(p.strip() or p)) for p in typed_pieces(backend, pieces))
            for word, pieces in split[:MAX_SPLIT_SHOWN]
        ]
        extra = len(split) - MAX_SPLIT_SHOWN
        more = ngettext(" and {n} more", " and {n} more", extra).format(n=number(extra)) if extra > 0 else ""
        st.caption(
            _(
                "Not every word is one token: {words}{more}. A word the model has no single token for is read in "
                "pieces, so nothing it is given is unknown to it."
            ).format(words=", ".join(shown), more=more)
        )
    n_unknown = sum(t.unknown for t in kept)
    if n_unknown == len(kept):
        st.warning(
            _(
                "The model knows none of these words: each one reaches it as the same <unk> token, "
                "so its prediction says little. Try words from everyday conversation."
            ),
            icon=":material/help:",
        )
    elif n_unknown:
        st.caption(
            ngettext(
                "{n} of these is a word the model never saw in training (dashed red): it reads it as the token "
                "`<unk>`.",
                "{n} of these are words the model never saw in training (dashed red): it reads each as the same "
                "token, `<unk>`.",
                n_unknown,
            ).format(n=n_unknown)
        )
    return Prompt(text, [t.id for t in kept], n_cut, kept)


# ---------------------------------------------------------------------------- building a text word by word


def prompt_section(default: StartedReply, where=None, chips_open: bool = True) -> tuple[Backend, str, str, Prompt]:
    """The top of every page that reads a prompt: the model, its spec, the text box and the token chips (in `where`,
    a column in presenter mode; closed unless `chips_open`). Stops the page (after saying why) when there is nothing
    to predict from."""
    backend = require_backend()
    with where or st.container():
        text = prompt_box(example := default.text(backend))
        reads_english_note()
        prompt = show_tokens(backend, spec := current_spec(), text, chips_open)
        if prompt is not None and text.strip() != example.strip() and (carried := read_part(prompt)) is not None:
            other_pages({PROMPT_KEY: carried})  # the student's own text: one click shows it on the other pages
    if prompt is None:
        stop()
    return backend, spec, text, prompt


def read_part(prompt: Prompt) -> str | None:
    """The text from its first token the model reads (a link then opens on the same tokens), or None when that is
    too long for an address."""
    part = prompt.text[prompt.tokens[0].start :]  # (a prompt has at least one token: show_tokens says so)
    return part if len(part) <= MAX_LINK_CHARS else None


def _add(backend: Backend, text: str, token_id: int, prob: float) -> None:
    new, state = append_piece(backend, text, token_id), PredictionState.of()
    state.history.append(text)
    state.added = (new, backend.token_str(token_id), prob)
    set_prompt(new)


def _roll(backend: Backend, text: str, probs: torch.Tensor) -> None:
    token_id = sample(probs)
    _add(backend, text, token_id, float(probs[token_id]))


def _picked(backend: Backend, text: str, top: TopTokens) -> None:
    i = st.session_state.get(PICK_KEY)
    st.session_state[PICK_KEY] = None  # ready for the next pick
    if i is not None:
        _add(backend, text, top.ids[i], top.probs[i])


def _back() -> None:
    state = PredictionState.of()
    if state.history:
        set_prompt(state.history.pop())
    state.added = None


def step_forward(backend: Backend, text: str, probs: torch.Tensor, top: TopTokens) -> None:
    """Add a word to the text (the likeliest, a random draw, or one picked from the bars) and predict again."""
    st.subheader(_("Add a word, predict again"))
    row = st.container(horizontal=True, wrap=True, gap="small")  # wraps in a narrow column, never cut short
    row.button(
        _("Add “{labels}”").format(labels=visible_token(top.labels[0])),
        on_click=_add, args=(backend, text, top.ids[0], top.probs[0]),
        icon=":material/trending_up:", type="primary", help=_("Add the likeliest word."),
    )  # fmt: skip
    row.button(
        _("Roll the dice"), on_click=_roll, args=(backend, text, probs), icon=":material/casino:",
        help=_("Draw a word at random, each with the probability shown."),
    )  # fmt: skip
    row.button(
        _("Back one word"), on_click=_back, icon=":material/undo:", disabled=not PredictionState.of().history,
    )  # fmt: skip
    st.pills(
        _("Or pick one yourself"),
        options=range(len(top.ids)),
        format_func=lambda i: f"{visible_token(top.labels[i])} · {percent(top.probs[i])}",
        key=PICK_KEY,
        on_change=_picked,
        args=(backend, text, top),
    )
    added = PredictionState.of().added
    if added and added[0] == text:
        st.success(
            _(
                "Added “{added}”, which the model gave {added2}. The bars above are its prediction for the word "
                "after that."
            ).format(added=visible_token(added[1]), added2=percent(added[2])),
            icon=":material/add:",
        )


# ---------------------------------------------------------------------------- settings in the URL


@dataclass(frozen=True)
class Knob:
    key: str  # widget key and URL parameter
    label: str
    lo: float
    hi: float
    default: float
    step: float
    help: str


TEMPERATURE = Knob(
    "temperature", N_("Temperature T"), 0.0, 5.0, 1.0, 0.05,
    N_("Divides every score before the softmax. 0 = always the likeliest word; below 1 sharper; above 1 flatter."),
)  # fmt: skip
TOP_K = Knob("top_k", N_("Top-k (0 = off)"), 0, 100, 0, 1, N_("Draw only among the k likeliest words."))
TOP_P = Knob(
    "top_p", N_("Top-p (1 = off)"), 0.01, 1.0, 1.0, 0.01,
    N_("Draw only among the fewest likeliest words whose probabilities add up to at least p."),
)  # fmt: skip
KNOB_KEYS = {"temperature": TEMPERATURE.key, "top_k": TOP_K.key, "top_p": TOP_P.key}  # the sampling view follows them
SEED = Knob(
    "seed", N_("Seed"), 0, 2**32 - 1, 42, 1, N_("The number the dice start from: the same seed, the same rolls.")
)


def _start_value(knob: Knob, hi: float | None = None) -> float:
    """The widget's default: the knob's own, so that a link's allowed values stay in the URL (Streamlit drops a bound
    parameter equal to the widget's default); for a link's out-of-range value, the nearest allowed one, with a note
    (Streamlit alone would silently drop it). Never written into session state (a widget given a default value and
    also set through session state makes Streamlit warn)."""
    hi = knob.hi if hi is None else hi
    default = min(knob.default, hi)
    raw = st.query_params.get(knob.key)
    if raw is None or knob.key in st.session_state:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        st.warning(
            _("The link's {key} = {repr} is not a number: using {default}.").format(
                key=knob.key, repr=md_escape(repr(raw)[:40]), default=number(default)
            ),
            icon=":material/link:",
        )
        return default
    clamped = min(max(value, knob.lo), hi)
    if isinstance(knob.default, int):
        clamped = int(round(clamped))
    if clamped != value:
        st.warning(
            _("The link asks for {setting} = {raw}, but it goes from {lo} to {hi}: using {clamped}.").format(
                setting=_(knob.label).split(" (")[0],
                raw=md_escape(raw[:40]),
                lo=number(knob.lo),
                hi=number(hi),
                clamped=number(clamped),
            )
            + (_(" (Top-p = 0 would leave no word to draw.)") if knob is TOP_P else ""),
            icon=":material/link:",
        )
        return clamped  # (then equal to the widget's default: the URL drops it, the widget shows it)
    return default  # an allowed value: the bound widget reads it from the URL, and the URL keeps it


def _slider(knob: Knob, where=st, hi: float | None = None):
    value = _start_value(knob, hi)
    hi = knob.hi if hi is None else hi
    return where.slider(
        _(knob.label), knob.lo, hi, value, knob.step, key=knob.key, bind="query-params", help=_(knob.help),
        format=LOCALIZED if isinstance(knob.default, float) else None,
    )  # fmt: skip


def sampling_controls(vocab_size: int) -> SamplingParams:
    """Temperature, top-k and top-p sliders side by side, in rows when the column is too narrow (a projector's big text
    beside an open sidebar); their values live in the URL."""
    row = st.container(horizontal=True, gap="small")
    temperature = _slider(TEMPERATURE, row)
    top_k = _slider(TOP_K, row, hi=min(TOP_K.hi, vocab_size))
    top_p = _slider(TOP_P, row)
    return SamplingParams(float(temperature), int(top_k), float(top_p))


def seed_control(where=st) -> int | None:
    """A fixed-seed switch and the seed, both kept in the URL; None = a fresh seed each time."""
    fixed = where.toggle(
        _("Fixed seed"), key="fixed_seed", bind="query-params", help=_("Roll the same dice every time.")
    )
    if not fixed:
        return None
    whole_number_from_link(SEED.key, number(SEED.default))
    start = int(_start_value(SEED))
    seed = where.number_input(
        _(SEED.label), int(SEED.lo), int(SEED.hi), start, 1, key=SEED.key, bind="query-params", help=_(SEED.help)
    )
    return int(seed)


# ---------------------------------------------------------------------------- same prompt, many runs


def current_params() -> SamplingParams:
    """The settings the sliders hold now (read from session state, e.g. by another fragment)."""
    ss = st.session_state
    get = lambda knob: ss.get(knob.key, knob.default)  # noqa: E731
    return SamplingParams(float(get(TEMPERATURE)), int(get(TOP_K)), float(get(TOP_P)))


def many_runs(backend: Backend, spec: str, text: str) -> None:
    """Continue the text N times with the current settings and count the distinct answers.
    (Its own fragment on the page: moving a slider does not redraw it.)"""
    section(_("Same prompt, many runs"), "runs")
    st.markdown(
        _(
            "Each run continues the text to the end of the sentence, drawing every word with the settings above. "
            "The probabilities are the same on every run; only the dice rolls differ. "
            "Fix the seed and the dice roll the same way too: every run then writes the same text."
        )
    )
    n_runs_col, words_col = st.columns(2)
    n_runs = n_runs_col.slider(_("Runs"), 2, 50, 20, key="n_runs")
    max_tokens = words_col.slider(_("Words per run, at most"), 1, 20, 8, key="run_words")
    seed_col, go_col = st.columns(2, vertical_alignment="bottom")
    seed = seed_control(seed_col) if advanced() else None  # presenter mode: no seed
    if go_col.button(
        _("Run {n_runs} times").format(n_runs=n_runs), type="primary", icon=":material/casino:", width="stretch"
    ):
        params = current_params()
        with st.spinner(_("Writing {n_runs} continuations…").format(n_runs=n_runs)):
            runs = sample_runs(backend, text, params, n_runs, max_tokens, seed)
        PredictionState.of().runs = ((spec, text), params, runs)
    last = PredictionState.of().runs
    if last is None:
        st.caption(_("Press the button to see how many different answers the same prompt gets."))
        return
    made_for, params, runs = last
    if made_for != (spec, text):
        st.caption(_("These runs were made for another text or model: press the button again."))
    answers = count_answers(runs)
    seeds = sorted({r.seed for r in runs})
    seed_note = (
        _("all with seed {seeds}").format(seeds=seeds[0]) if len(seeds) == 1 else _("each with its own random seed")
    )
    plural = "s" * (len(answers) != 1)
    st.markdown(
        _("**{n_runs} runs** with {label} ({seed_note}) gave **{n_answers} different answer{plural}**:").format(
            n_runs=len(runs), label=params.label(), seed_note=seed_note, n_answers=len(answers), plural=plural
        )
    )
    table = pd.DataFrame({"answer": [a or "(nothing)" for a, _count in answers], "runs": [c for _answer, c in answers]})
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "answer": st.column_config.TextColumn(_("answer"), width="large"),
            "runs": st.column_config.ProgressColumn(_("runs"), format="%d", min_value=0, max_value=len(runs)),
        },
    )
    if not advanced():
        return
    with st.expander(_("Every run with its seed (the same seed always gives the same text)")):
        runs_table = {"run": range(1, len(runs) + 1), "seed": [r.seed for r in runs], "text": [r.text for r in runs]}
        st.dataframe(pd.DataFrame(runs_table), hide_index=True)
