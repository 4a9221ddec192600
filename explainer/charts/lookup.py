"""The lookup beside the model (explainer/analysis/lookup.py): per next word, how often it came after the text's end
in the training text (green: what really came next there) and the model's probability (blue). Data in, figure out."""

from __future__ import annotations

import plotly.graph_objects as go

from explainer.analysis.lookup import Guesses, Side
from explainer.charts.rows import grouped_rows, row_bar
from explainer.charts.style import BLUE, TRUE, label, title_lines
from explainer.format import number, percent
from explainer.i18n import N_, _

LOOKED_UP = N_("the lookup: what came next in the training text")
MODEL = N_("the model")
LOOKUP_RIGHT = N_("the lookup: what came next most often in the training text")
NEVER = N_("never")
KINDS = {"read": N_("text it read"), "unread": N_("text it never read")}


def lookup_and_model(words: list[str], rows: list[Side], title: str = "") -> go.Figure:
    """Per word (`words[i]` is rows[i]'s token as text), the share of the times it came next where the lookup found
    the text's end, with its count (or “never”), beside the model's probability."""
    looked = row_bar(
        title_lines(_(LOOKED_UP)),  # a phone's width: the legend runs on one line and cuts a long name
        [r.share for r in rows],
        [TRUE] * len(rows),
        "lookup",
        [f"{percent(r.share)} ({number(r.counted)})" if r.counted else _(NEVER) for r in rows],
    )
    model = row_bar(_(MODEL), [r.probability for r in rows], [BLUE] * len(rows), "model")
    top = max([r.share for r in rows] + [r.probability for r in rows], default=1.0) or 1.0
    return grouped_rows([looked, model], [label(w) for w in words], title, top)


def guesses_chart(guesses: dict[str, Guesses], title: str = "") -> go.Figure:
    """Per kind of piece (text it read, text it never read), the share of pieces on which the lookup's first choice
    was the token that came next, beside the model's (each a share only: "98% (196 of 200)" ran off a phone's chart;
    the page says how many pieces)."""
    kinds = [k for k in KINDS if k in guesses]
    looked = [guesses[k].lookup / max(guesses[k].pieces, 1) for k in kinds]
    model = [guesses[k].model / max(guesses[k].pieces, 1) for k in kinds]
    bars = [
        row_bar(title_lines(_(LOOKUP_RIGHT)), looked, [TRUE] * len(kinds), "lookup"),
        row_bar(_(MODEL), model, [BLUE] * len(kinds), "model"),
    ]
    return grouped_rows(bars, [title_lines(_(KINDS[k]), 20) for k in kinds], title, 1.0)
