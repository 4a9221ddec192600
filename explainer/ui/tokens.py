"""The tokens page's pieces: a model's merges (learnt once per model, shared), their replay on the student's text
(a slider, or played one merge at a time), the text box's key and the sentence the page shows in every language."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from explainer.analysis import token_merges as tm
from explainer.charts.tokens import pieces_by_vocabulary
from explainer.format import md_escape, number, visible_token
from explainer.i18n import _, ngettext
from explainer.ui.chips import chips_html
from explainer.ui.shell.chart import show_chart
from explainer.ui.shell.models import get_backend
from explainer.ui.shell.state import SessionObject

TEXT_KEY = "tok_text"  # the text box's key, bound to the address: a link can bring its own text
MAX_CHARS = 300
STEP_KEY = "tok_step"  # the slider: how many of the text's merges are made
PLAY_TICK_S = 0.6  # while the replay plays, one more merge this often (22 merges: 13 s)
# One sentence in each of the app's languages (i18n.LANGUAGES), written to say the same thing.
SAME_SENTENCE = {
    "en": "The weather is nice today, so we are going to the park.",
    "es": "Hoy hace buen tiempo, así que vamos al parque.",
    "fr": "Il fait beau aujourd'hui, alors nous allons au parc.",
    "de": "Das Wetter ist heute schön, also gehen wir in den Park.",
    "pt_BR": "O tempo está bom hoje, então vamos ao parque.",
    "zh_CN": "今天天气很好，所以我们去公园。",
}


@st.cache_resource(max_entries=16, show_spinner=False)
def merges_for(spec: str) -> tm.Merges | None:
    """The model's merges in the order learnt (None for a tokenizer that is not a byte-level BPE): shared by every
    session, read them, never change them. (Qwen's 151,387 merges: about a second to read, once.)"""
    return tm.learnt_merges(get_backend(spec).tokenizer)


@dataclass
class Replay(SessionObject):
    KEY = "tokens_replay"
    playing: bool = False


def _play_or_pause(n_steps: int) -> None:
    replay = Replay.of()
    replay.playing = not replay.playing
    if replay.playing and st.session_state.get(STEP_KEY, 0) >= n_steps:
        st.session_state[STEP_KEY] = 0  # played to the end before: from the bytes again


def replay_merges(assembly: tm.Assembly) -> None:
    """The text's merges: a Play / Pause button and a fragment with the slider, the pieces as chips, what the last
    merge did and the staircase. While playing, the fragment makes one more merge every PLAY_TICK_S (on its own: the
    rest of the page is not rerun), and the page stops its timer at the last merge."""
    n = len(assembly.steps)
    if not n:
        st.markdown(_("No two neighbours in this text make a learnt token: each byte stays a token of its own."))
        _draw(assembly, 0)
        return
    playing = Replay.of().playing
    st.button(
        _("Pause") if playing else _("Play the merges, one by one"),
        key="tok_play",
        icon=":material/pause:" if playing else ":material/play_arrow:",
        on_click=_play_or_pause,
        args=(n,),
    )
    st.fragment(run_every=PLAY_TICK_S if playing else None)(_replay)(assembly)


def _replay(assembly: tm.Assembly) -> None:
    n, replay = len(assembly.steps), Replay.of()
    made = min(st.session_state.get(STEP_KEY, 0), n)  # a shorter text than the last one has fewer merges
    if replay.playing:
        made = min(made + 1, n)
    st.session_state[STEP_KEY] = made
    if replay.playing and made == n:
        replay.playing = False
        st.rerun()  # the whole page: its button says Play again, and the fragment's timer stops
    at = st.slider(_("Merges made on your text"), 0, n, key=STEP_KEY)
    _draw(assembly, at)


def _draw(assembly: tm.Assembly, at: int) -> None:
    """The pieces after `at` merges as chips (the ones the last merge made in orange), what it did, the staircase."""
    steps, merges, counts = assembly.steps, assembly.merges, assembly.counts()
    st.html(chips_html(assembly.pieces(at), assembly.ids(at), assembly.joined(at)))
    if at == 0:
        as_bytes = ngettext("{n} byte", "{n} bytes", assembly.n_bytes).format(n=number(assembly.n_bytes))
        st.caption(
            _("The start: your text as {bytes}, one token each.").format(bytes=as_bytes)
            if steps
            else _("Your text as {bytes}, one token each.").format(bytes=as_bytes)
        )
    else:
        step = steps[at - 1]
        st.caption(
            ngettext(
                "Merge {k} of {m}: “{left}” + “{right}” → “{both}” (in orange), joined in {uses} place. The "
                "tokenizer learnt it as merge number {rank} of {n_merges}: the earlier a merge, the more often that "
                "pair came up.",
                "Merge {k} of {m}: “{left}” + “{right}” → “{both}” (in orange), joined in {uses} places. The "
                "tokenizer learnt it as merge number {rank} of {n_merges}: the earlier a merge, the more often that "
                "pair came up.",
                step.uses,
            ).format(
                k=number(at),
                m=number(len(steps)),
                left=md_escape(visible_token(step.left)),
                right=md_escape(visible_token(step.right)),
                both=md_escape(visible_token(step.left + step.right)),
                uses=number(step.uses),
                rank=number(step.rank + 1),
                n_merges=number(merges.n_merges),
            )
        )
    base = len(merges.vocab) - merges.n_merges  # the bytes (and any special markers) it started with
    sizes = [base] + [base + s.rank + 1 for s in steps]
    title = _("Your text in fewer pieces as the vocabulary grows")
    summary = _(
        "Your text takes {bytes} pieces with the {base} starting tokens and {n} with all {vocab}: each merge it uses "
        "saves pieces."
    ).format(bytes=number(assembly.n_bytes), base=number(base), n=number(counts[-1]), vocab=number(len(merges.vocab)))
    show_chart(
        pieces_by_vocabulary(sizes, counts, len(merges.vocab), at, title),
        "tok_staircase",
        name="tokens-by-vocabulary",
        summary=summary,
    )
