"""The Layers page's "Switch a part off" section: which parts the model's next word needs (each tried alone), then
the parts a student picks switched off together, the likeliest words with and without them."""

from __future__ import annotations

import streamlit as st

from explainer.analysis import inside, switch_off
from explainer.analysis.attribution import LogitAttribution
from explainer.backends.base import Backend, BackendError
from explainer.charts.switch_off import heads_needed, parts_needed, with_and_without
from explainer.format import md_escape, percent, signed
from explainer.i18n import _, sentences
from explainer.ui.inside import head_name, parts_sweep_for, with_and_without_for
from explainer.ui.shell.chart import shared_chart, show_chart
from explainer.ui.shell.presenter import on_a_phone
from explainer.ui.shell.views import section

PICKED_KEY = "off_parts"
LITTLE = 0.5  # a part "adds only" its share when that is under half of what the part that writes the most adds
WORDS = 3  # the likeliest words of each side drawn


def _part_name(part: tuple[str, int]) -> str:
    kind, layer = part
    if kind == "attention":
        return _("layer {n} · attention").format(n=layer + 1)
    return _("layer {n} · feed-forward").format(n=layer + 1)


def switch_off_section(backend: Backend, spec: str, text: str, ids: list[int]) -> None:
    section(_("Switch a part off"), "switch-off")
    st.markdown(
        _(
            "Which parts does the prediction need? Switch one off, so that it adds nothing to the vectors, and let "
            "the model predict without it. Researchers call this an *ablation*: the plainest test of what a part "
            "does."
        )
    )
    try:
        sweep = parts_sweep_for(spec, text) if switch_off.can_sweep(backend, len(ids)) else None
    except BackendError as e:
        st.info(str(e))
        return
    most = None
    if sweep is None:
        st.info(_("Trying every part one at a time would take too long on this model: pick parts yourself below."))
    else:
        word = inside.token_labels(backend, [sweep.token])[0]
        title = _("Which parts “{word}” needs: its probability with one part switched off").format(word=word)
        narrow = on_a_phone()
        build = lambda: parts_needed(sweep.attention, sweep.feed_forward, sweep.on, word, title, narrow)  # noqa: E731
        show_chart(shared_chart(("switch_off_parts", spec, text, narrow), build), "switch_off_parts")  # for a class
        most = sweep.most_needed()
        st.caption(_needed_parts(backend, sweep, word, most))
        if sweep.heads is not None:
            title = _("One attention head at a time: the probability of “{word}” without it").format(word=word)
            build = lambda: heads_needed(sweep.heads, word, title)  # noqa: E731
            show_chart(shared_chart(("switch_off_heads", spec, text), build), "switch_off_heads")
    _your_parts(backend, spec, text, most)


def _needed_parts(backend: Backend, sweep: switch_off.PartsSweep, word: str, most: tuple[str, int, float]) -> str:
    if most[2] > 0.9 * sweep.on:  # a word that every part could go without (a random model's, say)
        return _(
            "No part matters much here: switched off alone, none takes a tenth of “{word}”'s probability away."
        ).format(word=word)
    return _(
        "Switch off {part} and “{word}” falls from {on} to {p}. Switched off alone, {n} of the {total} parts take more "
        "than half of its probability away; a bar near the dashed line is a part this word does not need."
    ).format(
        part=_part_name(most[:2]), word=word, on=percent(sweep.on), p=percent(most[2]), n=sweep.needed(),
        total=2 * backend.info.n_layer,
    )  # fmt: skip


def without_head(backend: Backend, spec: str, text: str, n_tokens: int, layer: int, head: int) -> str:
    """A sentence for the Attention page: what switching this head off does to the next word here ("" when the
    model's heads cannot be switched off, or trying them would cost too much)."""
    if not switch_off.can_sweep(backend, n_tokens, heads=True):  # (else the Attention page would pay for nothing)
        return ""
    sweep = parts_sweep_for(spec, text)
    return _("Switch this head off and the next word here, “{word}”, goes from {on} to {p} (Layers page: “Switch a "
             "part off”).").format(
        word=inside.token_labels(backend, [sweep.token])[0], on=percent(sweep.on), p=percent(sweep.heads[layer, head])
    )  # fmt: skip


def _named(kind: str, layer: int, head: int) -> str:
    if kind == "head":
        return head_name(layer, head)
    return _part_name((kind, layer))


def needed_beside_written(
    backend: Backend, spec: str, text: str, n_tokens: int, target: int, la: LogitAttribution
) -> str:
    """A sentence for Why this word?: the part the model's next word needs most (switched off alone) beside what it
    writes into the word's score directly; "" when the word explained is not the model's first choice, no part is
    needed, or trying the parts would cost too much."""
    if not switch_off.can_sweep(backend, n_tokens):
        return ""
    sweep = parts_sweep_for(spec, text)
    part = switch_off.needed_beside_written(sweep, la)
    if part is None or target != sweep.token:  # (`la` is `target`'s attribution: the sweep's is the first choice's)
        return ""
    word = inside.token_labels(backend, [sweep.token])[0]
    named = _named(part.kind, part.layer, part.head)
    return sentences(_needed_template(part), _("(Layers page: “Switch a part off”.)")).format(
        part=named[:1].upper() + named[1:], word=md_escape(word), writes=signed(part.writes), on=percent(sweep.on),
        without=percent(part.without), best=_named(*part.best), best_writes=signed(part.best_writes),
    )  # fmt: skip


def _needed_template(part: switch_off.NeededPart) -> str:
    """The sentence for `needed_beside_written`, by how much the part the word needs writes into its score."""
    if part.writes_most:
        return _(
            "**Writing the word and needing a part agree here.** {part} adds the most to the score of “{word}” "
            "({writes}), and switched off alone it takes “{word}” from {on} to {without}."
        )
    if part.writes < LITTLE * part.best_writes:
        return _(
            "**Writing the word is not the same as being needed.** {part} adds only {writes} to the score of "
            "“{word}” ({best} adds the most: {best_writes}), yet switched off alone it takes “{word}” from {on} to "
            "{without}. The layers after it read what it put into the vectors, and they write the word: a part can "
            "matter without writing the answer itself."
        )
    return _(
        "**Writing the word is not the same as being needed.** {part} adds {writes} to the score of “{word}”, less "
        "than {best} ({best_writes}), yet switched off alone it takes “{word}” from {on} to {without}: the layers "
        "after it build on what it put into the vectors."
    )


def _your_parts(backend: Backend, spec: str, text: str, most: tuple[str, int, float] | None) -> None:
    L = backend.info.n_layer
    parts = [(kind, layer) for layer in range(L) for kind in ("attention", "feed-forward")]
    picked = st.pills(
        _("Switch off"),
        parts,
        selection_mode="multi",
        default=[most[:2]] if most else None,
        format_func=_part_name,
        key=PICKED_KEY,
        help=_("Pick any parts: they are switched off together."),
    )
    if not picked:
        st.caption(_("Pick parts above to see the next word without them."))
        return
    attention = tuple(sorted(layer for kind, layer in picked if kind == "attention"))
    feed_forward = tuple(sorted(layer for kind, layer in picked if kind == "feed-forward"))
    try:
        on, off = with_and_without_for(spec, text, attention, feed_forward)
    except BackendError as e:
        st.info(str(e))
        return
    top = [*on.argsort()[::-1][:WORDS], *off.argsort()[::-1][:WORDS]]
    ids = sorted(dict.fromkeys(int(i) for i in top), key=lambda i: -max(on[i], off[i]))  # once each
    words = inside.token_labels(backend, ids)
    title = _("The likeliest next words, with every part on and with yours off")
    build = lambda: with_and_without(words, [on[i] for i in ids], [off[i] for i in ids], title)  # noqa: E731
    show_chart(shared_chart(("switch_off_compare", spec, text, attention, feed_forward), build), "switch_off_compare")
    before, after = int(on.argmax()), int(off.argmax())
    st.caption(
        _("With every part on, the model says “{before}” ({p_before}); with yours off, “{after}” ({p_after}).").format(
            before=inside.token_labels(backend, [before])[0],
            p_before=percent(float(on[before])),
            after=inside.token_labels(backend, [after])[0],
            p_after=percent(float(off[after])),
        )  # fmt: skip
    )
