"""Meaning in context: one word in many sentences; its vector splits by meaning, layer by layer."""

import pandas as pd
import streamlit as st

from explainer.analysis import sense_probe as sp
from explainer.analysis.embeddings import stage_names
from explainer.charts.meaning import probe_chart, sense_strips
from explainer.corpus.generator import AMBIGUOUS_SENSES, PROBE_SENTENCES
from explainer.format import fixed_percent, md_escape, number, points, visible_token
from explainer.i18n import _
from explainer.ui import embeddings as ui
from explainer.ui.shell.chart import show_chart
from explainer.ui.shell.models import current_spec, require_backend
from explainer.ui.shell.navigation import stop
from explainer.ui.shell.presenter import advanced, presenting, side_by_side
from explainer.ui.shell.spinner import spinner_first_time
from explainer.ui.shell.views import section, view
from explainer.ui.shell.words import for_the_teacher

MAX_SENTENCES = 25  # per meaning: more would crowd the picture
MAX_CHARS = 300  # per sentence
COIN_TOSS = 0.6  # told right in at most this share of the sentences: about what tossing a coin does

st.title(_("Meaning in context"))  # the word is chosen below; "bank" is the example the text starts from
backend = require_backend()
spec, info = current_spec(), backend.info
st.markdown(
    _(
        "“We sat on the **bank** of the river” and “She took her money to the **bank**”: one word, two meanings, and "
        "the same list of numbers to start from. Attention lets the words around it change that list, layer by layer."
    )
)
st.markdown(_("Below, the word in 40 sentences the model never read: does its vector split into two groups?"))
with for_the_teacher("embedding", "attention", "residual-stream"):
    st.markdown(
        _(
            "The embedding table has only **one** vector for the token *bank*, so every sentence starts from exactly "
            "the same numbers. Each of the model's {n_layer} layers adds to every word's vector what attention "
            "gathered from the words before it. We follow the vector of the word after each layer and place it on the "
            "line between the two meanings' average vectors, the direction in which the two groups differ, found "
            "afresh at every stage: what all the vectors share drops out."
        ).format(n_layer=info.n_layer)
    )

controls, main = side_by_side()  # presenter mode: the sentences beside the picture, on the first screen
word = controls.selectbox(_("The word"), list(PROBE_SENTENCES), key="mean_word", bind="query-params")
meanings = [_(m) for m in AMBIGUOUS_SENSES[word]]  # what each meaning is, in the class's language
# Open for a student; closed on a projector, so that the picture is on the first screen.
box = controls.expander(
    _("The sentences (none of them was in the training text) — edit them to try your own"),
    expanded=advanced(),
    icon=":material/edit:",
)
cols = box.columns(2)
texts = [
    col.text_area(
        _("Meaning {k}: *{meaning}* — one sentence per line").format(k=k + 1, meaning=meanings[k]),
        "\n".join(PROBE_SENTENCES[word][k]),
        height=260,
        key=f"mean_s{k}_{word}",
    )
    for k, col in enumerate(cols)
]
groups, problems = [], []
for k, text in enumerate(texts):
    lines = [s.strip()[:MAX_CHARS] for s in text.splitlines() if s.strip()]
    if len(lines) > MAX_SENTENCES:
        problems.append(
            _("Meaning {k}: only the first {n} sentences are used.").format(k=k + 1, n=number(MAX_SENTENCES))
        )
    groups.append(tuple(lines[:MAX_SENTENCES]))
following = _("Following “{word}” through {n} sentences…").format(word=word, n=number(sum(map(len, groups))))
by_sense = tuple(groups)
sv = spinner_first_time(("senses", spec, word, by_sense), following, lambda: ui.sense_vectors(spec, word, by_sense))
problems += [
    _("“{word}” is not in “{s}”, so that sentence is left out.").format(word=md_escape(word), s=md_escape(s[:80]))
    for s in sv.skipped
]
for p in problems:
    st.warning(p, icon=":material/info:")
if len(sv.sentences) < 4 or min((sv.senses == k).sum() for k in (0, 1)) < 2:
    st.error(
        _("Give at least two sentences with “{word}” for each meaning.").format(word=md_escape(word)),
        icon=":material/error:",
    )
    stop()
if len(set(sv.token_ids)) > 1:
    forms = ", ".join(sorted({f"“{md_escape(visible_token(backend.token_str(i)))}”" for i in sv.token_ids}))
    st.info(
        _("The word is not the same token in every sentence ({forms}), so even the embeddings differ.").format(
            forms=forms
        )
    )

stages = stage_names(info.n_layer)  # here, in the class's language: the vectors are shared by every session
acc = sp.probe_accuracy(sv.vectors, sv.senses)
where = sp.sense_positions(sv.vectors, sv.senses)
n = len(sv.sentences)
right = round(float(acc[-1]) * n)
coin = right <= COIN_TOSS * n  # a model that has not learnt the two meanings (a student's, a few minutes old)
finding = (
    _(
        "After the last layer, the vector tells which “{word}” is meant in only {right} of {n} sentences: no better "
        "than tossing a coin"
    )
    if coin
    else _("After the last layer, the vector alone tells which “{word}” is meant in {right} of {n} sentences")
).format(word=word, right=number(right), n=number(n))
picture = view("paths", main)
if not presenting():  # on a projector the picture comes first, the sentence that sums it up under it
    picture.subheader(finding)
    picture.markdown(_("#### Which meaning each “{word}” is nearer to, stage by stage").format(word=md_escape(word)))
names = [f"{k + 1}: {m}" for k, m in enumerate(meanings)]
show_chart(
    sense_strips(where, sv.senses.tolist(), stages, names, sv.sentences),
    "mean_strips",
    picture,
    name=f"meaning-{word}-sides",
    summary=_(
        "The vectors of “{word}” in {n} sentences, one row per stage, each placed between the two meanings: all in "
        "the middle at the token embedding, {acc} on their own meaning's side after the last layer."
    ).format(word=word, n=number(n), acc=fixed_percent(acc[-1])),
)
picture.caption(
    _(
        "One dot per sentence, coloured by the meaning it uses; one row per stage. A dot's place says which "
        "meaning's average vector it is nearer to, the averages taken over the other sentences (−1 and +1 mark "
        "them, 0 is halfway). On the half tinted in its own colour, the vector alone gives away its meaning; on the "
        "other half it looks like the other meaning. At the token embedding every dot is in the middle: the same "
        "token has the same vector. Then each layer mixes in the sentence, and in a model that has learnt the two "
        "meanings each “{word}” moves toward its own."
    ).format(word=md_escape(word))
)
if presenting():
    picture.subheader(finding)

section(_("Can the meaning be read from the vector?"), "probe")
before = spinner_first_time(
    ("untrained", spec, word, by_sense),
    _("Asking the same network before training…"),
    lambda: ui.untrained_probe(spec, word, by_sense),
)
first, last = st.columns(2)
if before is None:  # a model too large to copy here: against the coin toss at the embedding
    first.metric(_("At the token embedding"), fixed_percent(acc[0]), help=_("The same vector every time: a coin toss."))
else:  # against the same network untrained, which already tells some sentences apart
    first.metric(
        _("After layer {n_layer}, before training").format(n_layer=info.n_layer),
        fixed_percent(before[-1]),
        help=_(
            "The same network with random weights, as its training starts (the mean of {n} random draws): what the "
            "positions and the mixing of words alone give, before the model has learned anything."
        ).format(n=number(len(sp.UNTRAINED_SEEDS))),
    )
gain = round(float(acc[-1]), 2) - round(float(acc[0] if before is None else before[-1]), 2)
last.metric(
    _("After layer {n_layer}").format(n_layer=info.n_layer),
    fixed_percent(acc[-1]),
    points(gain),  # written with a true minus sign, which Streamlit would read as a rise: direction and colour given
    delta_arrow="up" if gain > 0 else "down" if gain < 0 else "off",
    delta_color="green" if gain > 0 else "red" if gain < 0 else "gray",
    help=None if before is None else _("The arrow: what training added, against the same network before training."),
)

show_chart(probe_chart(stages, acc, before), "mean_probe", name=f"meaning-{word}-probe")
st.caption(
    _(
        "A very simple test, the same at every stage: leave one sentence out, average the vectors of each meaning "
        "over the others, and guess the meaning whose average is nearer. The share of sentences guessed right: 50% "
        "means no better than tossing a coin. More than 50% at “+ position” means the two meanings tend to sit at "
        "different places in these sentences, so the position alone gives a hint before any layer has read them."
    )
)
if before is not None:
    st.caption(
        _(
            "The dashed grey line is the same test on the same network before any training, with random weights. "
            "Even then each layer mixes some of the sentence into the word, so it tells some sentences apart. What "
            "training adds is the gap between the two lines."
        )
    )

section(_("What the model writes after each “{word}”").format(word=md_escape(word)), "points-to")
written = ui.continuations(spec, word, tuple(groups))
for k, (col, name, said) in enumerate(zip(st.columns(2), names, sp.common_continuations(sv, written))):
    of = int((sv.senses == k).sum())
    col.markdown(f"**{md_escape(name)}**")
    col.markdown(
        "\n".join(
            "- " + _("“{phrase}” in {n} of {of}").format(phrase=md_escape(phrase), n=number(n), of=number(of))
            for phrase, n in said
        )
        or "—"
    )
st.caption(
    _(
        "Each sentence cut right after the word, and the model's own continuation (its likeliest token each time, "
        "up to the end of the sentence): what it wrote most often after each meaning, and in how many of that "
        "meaning's sentences. The model reads only the words before, so what it writes shows the meaning it took "
        "from them: a continuation of the other meaning is a sentence it misread, and the word alone followed by a "
        "full stop is a sentence it ended there."
    )
)
if advanced():
    table = st.expander(
        _("Every sentence: does the probe tell its meaning, and what the model writes next"),
        key="mean_table",
        on_change="rerun",
    )
    if table.open:
        hits = sp.probe_hits(sv.vectors, sv.senses)[:, -1]
        verdict = {1: _("told right"), 0: _("told wrong")}
        table.table(  # static: a sentence wraps instead of pushing the verdict off a projector
            pd.DataFrame(
                {
                    _("sentence"): sv.sentences,
                    _("meaning"): [names[k] for k in sv.senses],
                    _("after the last layer"): [verdict.get(h, _("a tie")) for h in hits],
                    _("what it writes next"): written,
                }
            ),
            hide_index=True,
        )
    if st.button(_("Measure it for all 12 words"), icon=":material/science:", key="mean_all"):
        rows = []
        untrained_col = _("after layer {n_layer}, before training").format(n_layer=info.n_layer)
        with st.spinner(_("Measuring the 12 words, before and after training…")):
            for w, by_sense in PROBE_SENTENCES.items():
                key = tuple(tuple(s) for s in by_sense)
                other = ui.sense_vectors(spec, w, key)
                row = {_("word"): w} | dict(zip(stages, sp.probe_accuracy(other.vectors, other.senses)))
                if (base := ui.untrained_probe(spec, w, key)) is not None:
                    row[untrained_col] = base[-1]
                rows.append(row)
        measured = pd.DataFrame(rows)
        shares = [c for c in measured.columns if c != _("word")]
        st.table(measured.style.format("{:.0%}", subset=shares), hide_index=True)  # static: headers wrap
        st.caption(_("The probe's share of sentences told right, on the held-out sentences of each word."))
