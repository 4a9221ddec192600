"""Next word beside the app's own model: while another model is in use (a student's run on every page, GPT-2), a
switch draws the default model's bars for the same text under the first ones, with a sentence that sets their first
choices side by side: a few minutes of training on a laptop against the model the app ships."""

from __future__ import annotations

import streamlit as st
import torch

from explainer.charts.prediction import next_token_bars
from explainer.format import md_escape, number, percent, visible_token
from explainer.generation.next_token import top_tokens
from explainer.i18n import _
from explainer.ui.prediction import logits_for
from explainer.ui.shell.chart import show_chart
from explainer.ui.shell.models import default_spec, get_backend, load_error
from explainer.ui.shell.presenter import advanced

BESIDE_KEY = "beside"  # the switch's key and the URL's parameter: a link can open both


def beside_default(spec: str, text: str, probs: torch.Tensor, shown: int, where=st) -> None:
    """Under Next word's bars (`probs`, model `spec`): the switch, and while it is on the default model's `shown`
    likeliest next tokens for `text`. Nothing while the default model is the one in use, or on a projector."""
    default = default_spec()
    if spec == default or not advanced() or load_error(default) is not None:
        return
    other = get_backend(default)
    mine = get_backend(spec)
    on = where.toggle(
        _("Beside it: the app's own model"), key=BESIDE_KEY, bind="query-params",
        help=_("The same text, read by the model every page starts with ({name}): how far has yours got?").format(
            name=_(other.info.name)
        ),
    )  # fmt: skip
    if not on:
        return
    theirs = logits_for(default, text).double().softmax(-1)
    top = top_tokens(theirs, shown, other.token_str)
    title = _("The app's own model, after the same text")
    show_chart(next_token_bars(top.labels, top.probs, top.other, title=title), "beside_bars", where=where)
    first = int(probs.argmax())
    said = _("First choices: **{mine}** {p_mine} here, **{theirs}** {p_theirs} for the app's own model.").format(
        mine=md_escape(visible_token(mine.token_str(first))), p_mine=percent(float(probs[first])),
        theirs=md_escape(visible_token(top.labels[0])), p_theirs=percent(top.probs[0]),
    )  # fmt: skip
    if mine.info.vocab_size != other.info.vocab_size:  # letters against word pieces: a first choice's size differs
        said += " " + _(
            "Each reads the text in tokens of its own (vocabularies of {mine} and {theirs}), so their first words can "
            "differ in size."
        ).format(mine=number(mine.info.vocab_size), theirs=number(other.info.vocab_size))
    where.markdown(said)
