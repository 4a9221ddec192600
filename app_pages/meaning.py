"""Meaning in context: one word in many sentences; its vector splits by meaning, layer by layer."""

import pandas as pd
import streamlit as st

from explainer.analysis import sense_probe as sp
from explainer.charts.meaning import probe_chart, sense_maps
from explainer.corpus.generator import AMBIGUOUS_SENSES, PROBE_SENTENCES
from explainer.format import md_escape, visible_token
from explainer.ui import embeddings as ui
from explainer.ui.shell.models import current_spec, require_backend
from explainer.ui.shell.navigation import stop
from explainer.ui.shell.presenter import advanced, presented

MAX_SENTENCES = 25  # per meaning: more would crowd the maps
MAX_CHARS = 300  # per sentence

st.title("Meaning in context — bank")
backend = require_backend()
spec, info = current_spec(), backend.info
st.markdown(
    f"""
“We sat on the **bank** of the river” and “She took her money to the **bank**”: one word, two meanings.
The embedding table has only **one** vector for the token *bank*, so every sentence starts from exactly the
same list of numbers. Then the model's {info.n_layer} layers let each word's vector take in the words around
it (that is what attention is for). Below, *bank* in 40 sentences the model never read in training: does its
vector split into a river-bank group and a money-bank group?
"""
)

word = st.selectbox("The word", list(PROBE_SENTENCES), key="mean_word", bind="query-params")
meanings = AMBIGUOUS_SENSES[word]
box = st.expander("The sentences (none of them was in the training text) — edit them to try your own")
cols = box.columns(2)
texts = [
    col.text_area(
        f"Meaning {k + 1}: *{meanings[k]}* — one sentence per line",
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
        problems.append(f"Meaning {k + 1}: only the first {MAX_SENTENCES} sentences are used.")
    groups.append(tuple(lines[:MAX_SENTENCES]))
with st.spinner(f"Following “{word}” through {sum(map(len, groups))} sentences…"):
    sv = ui.sense_vectors(spec, word, tuple(groups))
problems += [f"“{md_escape(word)}” is not in “{md_escape(s[:80])}”, so that sentence is left out." for s in sv.skipped]
for p in problems:
    st.warning(p, icon=":material/info:")
if len(sv.sentences) < 4 or min((sv.senses == k).sum() for k in (0, 1)) < 2:
    st.error(f"Give at least two sentences with “{md_escape(word)}” for each meaning.", icon=":material/error:")
    stop()
if len(set(sv.token_ids)) > 1:
    forms = ", ".join(sorted({f"“{md_escape(visible_token(backend.token_str(i)))}”" for i in sv.token_ids}))
    st.info(f"The word is not the same token in every sentence ({forms}), so even the embeddings differ.")

stages = sv.stages
acc = sp.probe_accuracy(sv.vectors, sv.senses)
coords, _ = sp.centred_map(sv.vectors, sv.senses)
n = len(sv.sentences)
right = round(float(acc[-1]) * n)
st.subheader(f"After the last layer, the vector alone tells which “{word}” is meant in {right} of {n} sentences")
first, last = st.columns(2)
first.metric("At the token embedding", f"{acc[0]:.0%}", help="The same vector every time: a coin toss.")
last.metric(f"After layer {info.n_layer}", f"{acc[-1]:.0%}", f"{(acc[-1] - acc[0]) * 100:+.0f} points")

st.markdown(f"#### The vectors of “{md_escape(word)}”, stage by stage")
names = [f"{k + 1}: {m}" for k, m in enumerate(meanings)]
st.plotly_chart(presented(sense_maps(coords, sv.senses.tolist(), stages, names, sv.sentences)), key="mean_maps")
st.caption(
    f"One dot per sentence, coloured by the meaning it uses. Each map shows how the {n} vectors differ from their "
    f"average at that stage, squeezed from {info.d_model} numbers into the 2 directions where they differ most "
    "(PCA), all maps on the same scale. At the token embedding every dot is on the same spot: the same token has "
    "the same vector. Adding the position spreads them a little (the word sits at different places). Then each "
    "layer mixes in the sentence, and the two colours drift apart."
)

st.markdown("#### Can the meaning be read from the vector?")
st.plotly_chart(presented(probe_chart(stages, acc, word)), key="mean_probe")
st.caption(
    "A very simple test, the same at every stage: leave one sentence out, average the vectors of each meaning "
    "over the others, and guess the meaning whose average is nearer. The share of sentences guessed right: 50% "
    "means no better than tossing a coin. More than 50% at “+ position” means the two meanings tend to sit at "
    "different places in these sentences, so the position alone gives a hint before any layer has read them."
)

st.markdown(f"#### What each “{md_escape(word)}” points to")
words = ui.sense_words(spec, word, tuple(groups))
for col, name, ws in zip(st.columns(2), names, words):
    col.markdown(f"**{md_escape(name)}**")
    col.markdown(" · ".join(f"*{md_escape(w)}*" for w, _ in ws) or "—")
st.caption(
    "The words the last vector points to most when read the way the model reads its output (its last norm and "
    "the unembedding), compared with the average over all the sentences, so that what every sentence shares "
    "drops out."
)
if advanced():
    table = st.expander(
        "Every sentence: does the probe tell its meaning, and its nearest words", key="mean_table", on_change="rerun"
    )
    if table.open:
        near = sp.nearest_words(backend, sv.vectors, k=4)
        hits = sp.probe_hits(sv.vectors, sv.senses)[:, -1]
        table.dataframe(
            pd.DataFrame(
                {
                    "sentence": sv.sentences,
                    "meaning": [names[k] for k in sv.senses],
                    "after the last layer": [{1: "told right", 0: "told wrong"}.get(h, "a tie") for h in hits],
                    "nearest words": [", ".join(w for w, _ in ws) for ws in near],
                }
            ),
            hide_index=True,
        )
    if st.button("Measure it for all 12 words", icon=":material/science:", key="mean_all"):
        rows = []
        for w, by_sense in PROBE_SENTENCES.items():
            other = ui.sense_vectors(spec, w, tuple(tuple(s) for s in by_sense))
            rows.append({"word": w} | dict(zip(stages, sp.probe_accuracy(other.vectors, other.senses))))
        st.dataframe(pd.DataFrame(rows).style.format("{:.0%}", subset=stages), hide_index=True)
        st.caption("The probe's share of sentences told right, on the held-out sentences of each word.")
