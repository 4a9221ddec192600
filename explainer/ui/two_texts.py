"""The last vector page's fifth section: the same last token in two texts that differ by one word earlier ("a cow
says" / "a dog says"). Its vector enters the model the same in both; attention brings the changed word in, stage by
stage, until the two vectors point to different next words."""

from __future__ import annotations

import streamlit as st

from explainer.analysis import inside
from explainer.analysis.swap import suggested_swap
from explainer.backends.base import Backend
from explainer.charts.layers import alike_bars
from explainer.charts.prediction import next_token_bars
from explainer.format import html_escape, md_escape, number, percent
from explainer.i18n import _, sentences
from explainer.ui.inside import trace_for, trace_of_ids
from explainer.ui.prediction import read_tokens
from explainer.ui.shell.chart import show_chart
from explainer.ui.shell.views import section
from explainer.ui.swap import other_text

N_BARS = 5  # next words drawn for each text
TAIL_CHARS = 160  # of the second text shown, its end


def tail_line(text: str, most: int = TAIL_CHARS) -> str:
    """The end of `text` on one line (its line breaks as ⏎), "…" before it where it was longer."""
    line = " ⏎ ".join(part.strip() for part in text.strip().splitlines())
    return line if len(line) <= most else "…" + line[-most:].lstrip()


def context_section(backend: Backend, spec: str, text: str, ids: list[int]) -> None:
    """`ids`: the tokens of `text` that the model reads."""
    section(_("5 · The same last token in another text"), "context")
    word = inside.token_labels(backend, ids[-1:])[0]
    st.markdown(
        _(
            "The vector of “{word}” entered the model as the embedding of “{word}”, the same in every text. "
            "Whatever it knows of the words before it, attention brought in. Change one of those words and compare "
            "the vector of “{word}” in the two texts, stage by stage."
        ).format(word=md_escape(word))
    )
    suggested = suggested_swap(backend.decode(ids)) or ("", "")  # a word of the part the model reads
    if (swap := other_text(text, suggested, "context")) is None:
        return
    other, *typed = swap
    if other == text:
        st.info(_("Type a word of the text and another word for it: two texts to compare."))
        return
    other_ids = [t.id for t in read_tokens(spec, other)[1]]
    st.caption(_("The second text: {text}").format(text=md_escape(tail_line(other))))
    if other_ids == ids:
        st.info(
            _("The model reads only the last {n} tokens of the text, and the word changed is before them.").format(
                n=number(len(ids))
            )
        )
        return
    if other_ids[-1] != ids[-1]:
        other_word = inside.token_labels(backend, other_ids[-1:])[0]
        st.info(
            _("The second text ends with “{other}”, not “{word}”: change a word before the last one.").format(
                other=md_escape(other_word), word=md_escape(word)
            )
        )
        return
    first, second = trace_for(spec, text), trace_of_ids(spec, tuple(other_ids))  # (the page's own trace first)
    found = inside.two_texts(first, second)
    title = _("How alike the vector of “{word}” is in the two texts").format(word=html_escape(word))
    show_chart(alike_bars(found.names, found.kinds, found.alike, title), "context_alike")
    tops = [inside.softmax_table(t.logits[-1].numpy(), N_BARS) for t in (first, second)]  # each text's likeliest
    labels = [inside.token_labels(backend, [r["id"] for r in table]) for table in tops]
    picks = [(names[0], table[0]["prob"]) for names, table in zip(labels, tops)]
    st.markdown(f"**{context_sentence(found, word, len(ids), len(other_ids), picks)}**")
    for i, column in enumerate(st.columns(2)):
        probs = [r["prob"] for r in tops[i]]
        chart_title = _("With “{word}”").format(word=html_escape(typed[i]))
        bars = next_token_bars(labels[i], probs, max(0.0, 1.0 - sum(probs)), title=chart_title)
        show_chart(bars, f"context_bars_{i}", column)
    st.caption(
        _(
            "Cosine similarity: 1 when the two vectors point the same way, 0 when they have nothing in common. A "
            "feed-forward network works on each token's vector alone; only attention reads the other tokens, so a "
            "change earlier in the text first reaches the last vector through attention."
        )
    )


def context_sentence(
    found: inside.TwoTexts, word: str, n_first: int, n_second: int, picks: list[tuple[str, float]]
) -> str:
    """What the comparison shows, as a sentence: where the two vectors part, how alike they end, and what each
    predicts."""
    w = md_escape(word)
    if found.parted == 0:
        start = _(
            "“{word}” stands at another place in the second text ({n_second} tokens, against {n_first}), so its "
            "vector entered the model a little different ({alike} alike)."
        ).format(word=w, n_first=number(n_first), n_second=number(n_second), alike=number(found.alike[0], 2))
    elif found.parted is None:
        start = _("The vector of “{word}” stays the same in both texts, stage after stage.").format(word=w)
    else:
        stage = found.names[found.parted]
        start = _(
            "“{word}” entered the model with the same vector in both texts; they first part at {stage} ({alike} "
            "alike after it)."
        ).format(word=w, stage=stage, alike=number(found.alike[found.parted], 2))
    (a, pa), (b, pb) = picks
    if a == b:
        end = _("After the last stage they are {alike} alike, and both still point to “{a}” ({pa} and {pb}).")
    else:
        end = _(
            "After the last stage they are {alike} alike, and point to different next words: “{a}” ({pa}) after the "
            "first text, “{b}” ({pb}) after the second."
        )
    alike = number(found.alike[-1], 2)
    return sentences(start, end.format(alike=alike, a=md_escape(a), pa=percent(pa), b=md_escape(b), pb=percent(pb)))
