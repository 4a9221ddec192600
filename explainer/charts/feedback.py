"""Figures for the human-feedback page: each answer's probability before and after the student's feedback. Data in,
figure out (explainer/charts/style.py); answers wrapped onto short lines so that a long reply never pushes the bars
off the chart."""

from __future__ import annotations

import textwrap

import plotly.graph_objects as go

from explainer.charts.style import (
    BLUE,
    FONT,
    GREEN,
    GREY,
    GRID,
    RED,
    SMALL,
    axis,
    figure,
    layout,
    percent_ticks,
    row_axis,
    share_ticks,
)
from explainer.format import html_escape, percent
from explainer.i18n import N_, _

MARKS = {"better": (N_("✔ better"), GREEN), "flagged": (N_("✘ unhelpful"), RED), "": ("", BLUE)}
LINE_CHARS = 30  # characters per line of an answer's label
MAX_LINES = 3


def answer_label(answer: str, mark: str = "", width: int = LINE_CHARS, max_lines: int = MAX_LINES) -> str:
    """An answer wrapped onto at most `max_lines` short lines (… if cut), HTML-escaped for plotly,
    with the student's judgement ("better" / "flagged") in colour on a first line."""
    lines = textwrap.wrap(answer, width) or ["(empty)"]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    text = "<br>".join(html_escape(line) for line in lines)
    label, colour = MARKS[mark]
    label = _(label)
    return f"<span style='color:{colour}'><b>{label}</b></span><br>{text}" if label else text


def before_after_bars(
    answers: list[str],
    before: list[float],
    after: list[float],
    marks: list[str] | None = None,
    title: str | None = None,
) -> go.Figure:
    """Per answer, two horizontal bars: its probability per word before the feedback (grey) and after
    (blue); `marks` ("better" / "flagged" / "") label the answer the student judged."""
    marks = marks or [""] * len(answers)
    title = title or _("How likely the model is to write each answer")
    labels = [answer_label(a, m) for a, m in zip(answers, marks)]
    rows = list(range(len(answers)))
    lines = sum(label.count("<br>") + 1 for label in labels)
    top = max([*before, *after, 0.01])

    def bars(name: str, values: list[float], colour: str) -> dict:
        return {
            "type": "bar",
            "orientation": "h",
            "name": name,
            "x": values,
            "y": rows,
            "marker": {"color": colour},
            "text": [percent(v) for v in values],
            "textposition": "outside",
            "textfont": {"size": FONT},
            "cliponaxis": False,
            "hovertext": answers,
            "hovertemplate": _("{name}: %{{x:.2%}}<extra></extra>").format(name=name),
        }

    # the top: the title (two lines on a phone) over a legend that may take two rows (German: "vor deinem Feedback")
    out = layout(title, 150 + 34 * lines + 40 * len(answers), {"l": 10, "r": 30, "t": 120, "b": 50})
    out.update(
        barmode="group",
        bargap=0.3,
        bargroupgap=0.08,
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "font": {"size": FONT}},
        xaxis=axis(
            _("probability per word"),
            range=[0, min(1.0, top) * 1.25],
            tickformat=".0%",
            gridcolor=GRID,
            zeroline=True,
            **percent_ticks(share_ticks(min(1.0, top) * 1.25)),
        ),
        yaxis=row_axis(labels, size=SMALL),
    )
    data = [bars(_("before your feedback"), before, GREY), bars(_("after"), after, BLUE)]
    return figure(data, out)
