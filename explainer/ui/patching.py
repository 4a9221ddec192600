"""Why this word?'s third question, "Where the answer travels": one word of the text swapped for another (France ->
Japan), and one vector at a time taken from that second text (explainer/analysis/patching.py); a map of where a
single vector turns the answer, and a sentence that reads it."""

from __future__ import annotations

import streamlit as st

from explainer.analysis import inside, patching
from explainer.backends.base import Backend, BackendError
from explainer.charts.patching import swapped_vectors
from explainer.format import md_escape, percent
from explainer.i18n import _, pgettext
from explainer.ui.shell.chart import shared_chart, show_chart
from explainer.ui.shell.models import get_backend
from explainer.ui.shell.presenter import on_a_phone
from explainer.ui.shell.views import section
from explainer.ui.swap import other_text

DEFAULT_SWAP = ("France", "Japan")  # the page's default text asks for the capital of France


@st.cache_resource(max_entries=32, show_spinner=False)
def patch_map_for(spec: str, text: str, other: str) -> patching.PatchMap:
    backend = get_backend(spec)
    return patching.patch_map(backend, backend.encode(text), backend.encode(other))


def swap_section(backend: Backend, spec: str, text: str, ids: list[int]) -> None:
    section(_("3 · Where the answer travels"), "swap")
    st.markdown(
        _(
            "Which vector carries the answer, and from which layer on? Change one word of the text so that the model "
            "answers something else. Then take the first text again and swap **one** of its vectors, at one layer and "
            "one token, for the second text's. Where that alone turns the answer, this vector carried the difference. "
            "Researchers call this *activation patching*."
        )
    )
    if (swap := other_text(text, DEFAULT_SWAP, "swap")) is None:
        return
    other = swap[0]
    if not patching.can_patch(backend, len(ids), patching.MAX_COLUMNS):
        st.info(_("Swapping every vector one at a time would take too long on this model."))
        return
    try:
        found = patch_map_for(spec, text, other)
    except BackendError as e:
        st.info(_("Nothing to swap: {problem}.").format(problem=md_escape(e)))
        return
    fitted, other_fitted = backend.fit(ids)[0], backend.fit(backend.encode(other))[0]
    labels = inside.token_labels(backend, fitted)
    clean, source = inside.token_labels(backend, [found.clean_token, found.source_token])
    depths = [_("embedding")] + [_("after layer {i}").format(i=i + 1) for i in range(backend.info.n_layer)]
    title = _("Which one vector turns “{clean}” into “{source}”").format(clean=clean, source=source)
    narrow = on_a_phone()
    build = lambda: swapped_vectors(  # noqa: E731
        found.probs, [labels[p] for p in found.positions], [fitted[p] != other_fitted[p] for p in found.positions],
        source, depths, title, narrow,
    )  # fmt: skip
    show_chart(shared_chart(("patching", spec, text, other, narrow), build), "swap_map")
    st.markdown(f"**{carriers_sentence(found, labels, clean, source)}**")
    st.caption(
        _(
            "The first text gets “{clean}” ({clean_p}), the second “{source}” ({source_p}). Each cell: the first text "
            "with that one vector from the second, and the probability of “{source}”. Bold tokens: where the texts "
            "differ (a vector before them is the same in both). Read it from the top: where the dark cell moves to a "
            "later token, attention carried the difference there."
        ).format(
            clean=md_escape(clean),
            clean_p=percent(found.clean_on),
            source=md_escape(source),
            source_p=percent(found.source_on),
        )  # fmt: skip
    )


def carriers_sentence(found: patching.PatchMap, labels: list[str], clean: str, source: str) -> str:
    """Where one vector alone turns the answer, depth by depth, as one sentence: runs of depths with the same token."""
    runs: list[list] = []  # [first depth, last depth, position, top probability]
    for depth, position, p in found.carriers():
        if runs and runs[-1][2] == position and runs[-1][1] == depth - 1:
            runs[-1][1], runs[-1][3] = depth, max(runs[-1][3], p)
        else:
            runs.append([depth, depth, position, p])
    if not runs:
        return _("No single vector turns “{clean}” into “{source}”: the difference is spread over several.").format(
            clean=md_escape(clean), source=md_escape(source)
        )
    parts = []
    for first, last, position, p in runs:
        token = md_escape(labels[position])
        parts.append(_("{depths}, the vector of “{token}” ({p})").format(depths=_depths(first, last), token=token,
                                                                          p=percent(p)))  # fmt: skip
    return _("One vector alone turns “{clean}” into “{source}”: {carriers}.").format(
        clean=md_escape(clean), source=md_escape(source), carriers=pgettext("a list", "; ").join(parts)
    )


def _depths(first: int, last: int) -> str:
    """Depths `first`..`last` (0: the embedding) as a sentence names them."""
    if first == last:
        return _("in the embedding") if first == 0 else _("after layer {n}").format(n=first)
    if first == 0:
        return _("from the embedding to after layer {n}").format(n=last)
    return _("after layers {first} to {last}").format(first=first, last=last)
