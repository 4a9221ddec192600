"""The class poll's boards: the class's guesses for the next word beside the model's probabilities of the same words;
a class question's votes, per answer, the first vote beside the second. Data in (explainer/classroom/poll.py's rows,
votes by letter), figure out."""

from __future__ import annotations

import plotly.graph_objects as go

from explainer.charts.rows import grouped_rows, row_bar
from explainer.charts.style import BLUE, CHOSEN, GREY, PALE, TRUE, label
from explainer.classroom.poll import Row
from explainer.format import number, percent
from explainer.i18n import N_, _

CLASS = N_("the class")
MODEL = N_("the model")
TRAINED = N_("the model, trained on the class's guesses")
OTHER_ANSWERS = N_("other answers")
FIRST_VOTE = N_("first vote")
SECOND_VOTE = N_("after talking")
RIGHT = "✓"


def class_and_model(rows: list[Row], other: float, title: str = "") -> go.Figure:
    """Per word, two bars: the share of the class that guessed it (orange) and, once the model's answer is shown,
    the model's probability (blue); a grey bar for the class's other answers. Once the model was trained on the
    class's guesses, a third: its probability after (blue), the one before turned pale. Each bar carries its %."""
    names = [label(r.word) for r in rows] + ([f"<i>{_(OTHER_ANSWERS)}</i>"] if other > 0 else [])
    shares = [r.share for r in rows] + ([other] if other > 0 else [])
    colours = [CHOSEN] * len(rows) + [GREY] * (other > 0)
    bars = [row_bar(_(CLASS), shares, colours, "class")]
    revealed = any(r.model is not None for r in rows)
    trained = any(r.trained is not None for r in rows)
    if revealed:  # once trained on the class's guesses, the model as it was turns pale, as before any change
        bars.append(_model_bar(_(MODEL), [r.model for r in rows], PALE[BLUE] if trained else BLUE, "model"))
    if trained:
        bars.append(_model_bar(_(TRAINED), [r.trained for r in rows], BLUE, "trained"))
    top = max([v for bar in bars for v in bar["x"]], default=1.0) or 1.0
    return grouped_rows(bars, names, title, top)


def _model_bar(name: str, probs: list[float | None], colour: str, group: str) -> dict:
    """The model's probability of each word (no bar, no text where it is not known)."""
    texts = [percent(p) if p is not None else "" for p in probs]
    return row_bar(name, [p or 0.0 for p in probs], [colour] * len(probs), group, texts)


def class_votes(
    letters: str, votes: list[int], before: list[int] | None = None, right: int | None = None, title: str = ""
) -> go.Figure:
    """A class question's board: per answer (its letter), the share of the class that chose it; with `before`, the
    first vote's shares as pale bars above the second vote's. Once `right` is shown its bars turn green and its
    letter gets a tick. Each bar carries its % and its count."""
    names = [f"<b>{x} {RIGHT}</b>" if k == right else x for k, x in enumerate(letters)]
    colour = [TRUE if k == right else CHOSEN for k in range(len(letters))]
    bars = []
    if before is not None:
        bars.append(_vote_bar(_(FIRST_VOTE), before, [PALE[c] for c in colour], "before"))
    bars.append(_vote_bar(_(SECOND_VOTE) if before is not None else _(CLASS), votes, colour, "now"))
    return grouped_rows(bars, names, title, 1.0)


def _vote_bar(name: str, counts: list[int], colours: list[str], group: str) -> dict:
    total = max(sum(counts), 1)
    bar = row_bar(name, [n / total for n in counts], colours, group)
    bar["text"] = [f"{percent(n / total)} ({number(n)})" if n else percent(0) for n in counts]
    return bar
