"""Every token of a text as the model guessed it from the tokens before (the next-word page): chips shaded by the
probability it gave each token before reading it, what it expected at its biggest surprises, and the average
surprise, which is the loss that training lowers."""

from __future__ import annotations

import math

import streamlit as st

from explainer.backends.base import Backend, Guesses
from explainer.backends.spec import BackendError
from explainer.charts.training import nudge_chart
from explainer.format import fixed_percent, html_escape, md_escape, number, percent, visible_token
from explainer.i18n import _
from explainer.ui.chips import chip, chip_row
from explainer.ui.prediction import MAX_CHIPS, Prompt, typed_pieces
from explainer.ui.shell.accessible import SR_ONLY
from explainer.ui.shell.chart import show_chart
from explainer.ui.shell.models import get_backend
from explainer.ui.shell.presenter import presenting
from explainer.ui.shell.views import section

# The lowest probability of each band, likeliest first, and its chip's class: dark blue for a token the model saw
# coming, white (a gap in the blue) for a surprise. Text and background pass WCAG AA (4.5:1) in every band.
BANDS = ((0.5, "g0"), (0.1, "g1"), (0.01, "g2"), (0.0, "g3"))
_CSS = """<style>
.tok-chips .tok-chip.g0{background:#08519c;border-color:#08519c;color:#fff}
.tok-chips .tok-chip.g1{background:#6baed6;border-color:#4292c6;color:#1f2328}
.tok-chips .tok-chip.g2{background:#deebf7;border-color:#9ecae1;color:#1f2328}
.tok-chips .tok-chip.g3{background:#fff;border:2px dashed #57606a;color:#1f2328}
.tok-chips .tok-chip.first{background:transparent;border:1px dotted #57606a}
.surprise-key .tok-chip{font-family:inherit;font-size:.85em}
</style>"""
N_SURPRISES = 3  # the surprises named under the chips
N_EXPECTED = 7  # the likeliest tokens drawn where a student looks closer
UNTRAINED_KEY = "untrained"  # the toggle's key and the URL's parameter
LOOK_KEY = "look_at"  # the place looked at closer: its slider's key and the URL's parameter


def band(prob: float) -> str:
    """The chip class of a token the model gave `prob`."""
    return next(cls for low, cls in BANDS if prob >= low)


@st.cache_data(max_entries=64, show_spinner=False)
def _guesses(spec: str, ids: tuple[int, ...], untrained: bool = False) -> Guesses:
    """The model's guesses, or (`untrained`) those of the same network with the random dials its training started
    from (a BackendError for a model too large to copy)."""
    backend = get_backend(spec)
    return (backend.untrained() if untrained else backend).guesses(list(ids))


@st.cache_data(max_entries=256, show_spinner=False)
def _expected(spec: str, before: tuple[int, ...], came: int, n: int = N_EXPECTED) -> tuple[list[str], list[float], int]:
    """What the model expected after the tokens `before`: its n likeliest tokens, and the token that came if it is
    not among them, with their probabilities; and where the one that came is in that list."""
    backend = get_backend(spec)
    probs = backend.next_token_logits(list(before)).double().softmax(-1)  # (V,)
    top = probs.topk(n).indices.tolist()
    ids = top if came in top else [*top, came]
    return [backend.token_str(i) for i in ids], [float(probs[i]) for i in ids], ids.index(came)


def _word(backend: Backend, token_id: int) -> str:
    return visible_token(backend.token_str(token_id))


def _spoken(text: str) -> str:
    """What a screen reader reads after a chip's token (its shade and hover text are not read)."""
    return f'<span class="{SR_ONLY}"> ({html_escape(text)})</span>'


def _tip(backend: Backend, g: Guesses, i: int, piece: str) -> str:
    """The hover text of token i + 1 (the i-th guessed one)."""
    said = _("“{token}”: {p}").format(token=visible_token(piece), p=percent(g.probs[i]))
    if g.ranks[i] == 1:
        return said + _(", its favourite guess")
    return said + _(", its guess no. {rank}; it expected “{best}” ({best_p})").format(
        rank=number(g.ranks[i]), best=_word(backend, g.favourites[i]), best_p=percent(g.favourite_probs[i])
    )


def shaded_chips(cells: list[tuple[str, float | None, str]], n_cut: int = 0, key: bool = True) -> str:
    """Chips of (piece, the probability it had before it came, hover text), shaded by band (None: not guessed, a
    text's first token): the last MAX_CHIPS, with the key to the shades unless `key` is False; `n_cut`: tokens before
    them that the model does not read (cut to its context)."""
    chips = [
        chip(piece, tip=tip, classes="first")
        if p is None
        else chip(piece, tip=tip, classes=band(p), inner=_spoken(percent(p)))
        for piece, p, tip in cells
    ]
    n_hidden = max(0, len(chips) - MAX_CHIPS)
    hidden = _("… {n} tokens before these").format(n=number(n_cut + n_hidden))
    before = f'<span class="tok-cut">{html_escape(hidden)}</span>' if n_cut + n_hidden else ""
    shown = chip_row(chips[n_hidden:], before)
    high, mid, low = fixed_percent(0.5), fixed_percent(0.1), fixed_percent(0.01)
    shades = [
        (_("{p} or more: it saw it coming").format(p=high), "g0"),
        (_("{low} to {high}").format(low=mid, high=high), "g1"),
        (_("{low} to {high}").format(low=low, high=mid), "g2"),
        (_("under {p}: a surprise").format(p=low), "g3"),
    ]
    legend = f'<div class="surprise-key">{chip_row([chip(text, classes=cls) for text, cls in shades])}</div>'
    return _CSS + shown + (legend if key else "")


def surprise_chips(backend: Backend, g: Guesses, pieces: list[str], n_cut: int = 0, key: bool = True) -> str:
    """A text's tokens (`pieces`, those the model read) shaded by how well the model guessed each (`shaded_chips`)."""
    cells = [(pieces[0], None, _("the first token: nothing before it to guess from"))]
    cells += [(p, g.probs[i], _tip(backend, g, i, p)) for i, p in enumerate(pieces[1:])]
    return shaded_chips(cells, n_cut, key)


def surprises(backend: Backend, g: Guesses, pieces: list[str], n: int = N_SURPRISES) -> list[str]:
    """Markdown lines for the n tokens the model found least likely among those it did not guess first."""
    missed = sorted((i for i, r in enumerate(g.ranks) if r > 1), key=lambda i: g.probs[i])[:n]
    return [
        _("“{token}” ({p}): it expected “{best}” ({best_p})").format(
            token=md_escape(visible_token(pieces[i + 1])),
            p=percent(g.probs[i]),
            best=md_escape(_word(backend, g.favourites[i])),
            best_p=percent(g.favourite_probs[i]),
        )
        for i in missed
    ]


def surprise_section(backend: Backend, spec: str, text: str, prompt: Prompt) -> None:
    """The text's tokens shaded by how well the model guessed each, its biggest surprises and the loss."""
    section(_("Every word, guessed in turn"), "surprise")
    st.markdown(
        _(
            "The model guessed more than the next word. At every place in the text it guessed the token after, from "
            "the tokens before, all in one reading, as in training. Each token below is shaded by the probability the "
            "model gave it **before** seeing it; hover over one (or tap it) for its number and the model's favourite "
            "there."
        )
    )
    untrained = st.toggle(
        _("Before training: the same network with random dials"),
        key=UNTRAINED_KEY,
        bind="query-params",
        help=_("The numbers training started from: the model before it read a word."),
    )
    try:
        g = _guesses(spec, tuple(prompt.ids), untrained)
    except BackendError as e:
        st.info(str(e), icon=":material/info:")
        return
    if not g.probs:
        st.info(_("A text of one token gives the model nothing to guess: add a word or two."))
        return
    pieces = typed_pieces(backend, prompt.tokens)
    st.html(surprise_chips(backend, g, pieces, prompt.n_cut))
    st.markdown(
        _(
            "Its favourite guess was right for **{right} of {n}** tokens. Its average surprise, "
            "−ln p per token, is **{loss}**: the **loss**, the number that training lowers (the Train page draws it "
            "while a model learns)."
        ).format(right=number(g.right), n=number(len(g.probs)), loss=number(g.loss, 2))
    )
    _maths(backend, g, text[prompt.tokens[0].start :])  # the part of the text the model read
    if untrained:  # no favourite worth naming: every word is about as likely as any other
        vocab, trained = backend.info.vocab_size, _guesses(spec, tuple(prompt.ids))
        st.markdown(
            _(
                "With random dials every token is about as likely as any other, one in {vocab}: a loss near "
                "ln {vocab} = **{blind}**, guessing blindly. Training brought this text down to **{loss}**."
            ).format(
                vocab=number(vocab),
                blind=number(math.log(vocab), 2),
                loss=number(trained.loss, 2),
            )
        )
        return
    if lines := surprises(backend, g, pieces):
        st.markdown(_("Its biggest surprises:") + "\n" + "\n".join(f"- {line}" for line in lines))
    _look_closer(backend, spec, g, pieces, prompt.n_cut)
    st.caption(
        _(
            "A text unlike those it learnt from surprises it at almost every word, and its loss is far higher: what "
            "a model can guess is what its training text taught it."
        )
    )


def _look_closer(backend: Backend, spec: str, g: Guesses, pieces: list[str], n_cut: int) -> None:
    """The model's guesses at one place of the text (its biggest surprise at first), the token that came in green."""
    places = [f"{n_cut + i + 2}: {visible_token(p)}" for i, p in enumerate(pieces[1:])]  # numbered as the token chips
    worst = min(range(len(g.probs)), key=lambda i: g.probs[i])
    place = st.select_slider(
        _("Look closer: what it expected at"), places, places[worst], key=LOOK_KEY, bind="query-params"
    )
    i = places.index(place)
    labels, probs, came = _expected(spec, tuple(g.ids[: i + 1]), g.ids[i + 1])
    title = _("Before “{token}”, what it expected").format(token=visible_token(pieces[i + 1]))
    show_chart(nudge_chart(labels, probs, None, came, title=title), "surprise_expected")
    st.caption(
        _(
            "Its {n} likeliest tokens there hold {share} between them. A model that spreads its guesses over many "
            "tokens is surprised a little by whichever comes; one that bets on a single token is surprised a lot "
            "when another comes."
        ).format(n=number(N_EXPECTED), share=percent(sum(p for k, p in enumerate(probs) if k < N_EXPECTED)))
    )


def _maths(backend: Backend, g: Guesses, read: str) -> None:
    """The loss as a formula, its perplexity, and the same surprise in bits: the size a compressor sharing the
    model's guesses would store the text it read (`read`) in. In presenter mode it waits in the sidebar, as the
    teacher's box does."""
    where = st.sidebar if presenting() else st
    with where.expander(_("The maths: loss, perplexity and bits"), icon=":material/functions:"):
        st.markdown(_("For a text of tokens x₁ … x_N the loss is the average surprise of the tokens after the first:"))
        st.latex(r"L = -\frac{1}{N-1}\sum_{t=2}^{N} \ln p(x_t \mid x_1 \dots x_{t-1})")
        n, bits = len(g.probs), g.loss * len(g.probs) / math.log(2)
        st.markdown(
            _(
                "Here L = {loss}. Its **perplexity**, e^L = {perplexity}: on average the model was as unsure as a "
                "choice among {perplexity} equally likely tokens (guessing blindly: {vocab}). In bits, −log₂ p, the "
                "surprise of these {n} tokens adds up to **{bits} bits**: a compressor that shares the model's "
                "guesses (arithmetic coding) would store them in about that many, where the text it read takes "
                "{raw} bits as plain UTF-8. Guessing well is compressing well."
            ).format(
                loss=number(g.loss, 2),
                perplexity=number(math.exp(g.loss), 2),
                vocab=number(backend.info.vocab_size),
                n=number(n),
                bits=number(bits, 0),
                raw=number(8 * len(read.encode("utf-8"))),
            )
        )
