"""The one look of every chart and the one way to build it (no Streamlit here).

Sized for a classroom projector: fonts of 16 px and more in a dark ink, plain axis titles. One colour per role on
every page (the words, the word chosen, the word that really came next, "everything else", words cut away) and one
diverging scale for the numbers of a vector: all defined here, colour-blind safe (blue against orange or red, never
red against green alone, and every role also marked by a label or a pattern).

Figures are written as plain dicts and wrapped without plotly's validation (`figure`), which costs 10-20 ms per
figure: too slow for a slider that redraws on every step. The tests validate every builder's output instead
(`go.Figure(fig.to_dict())`).
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from functools import cache

import plotly.colors
import plotly.graph_objects as go
from babel.numbers import get_decimal_symbol, get_group_symbol

from explainer.charts.wire import WireFigure
from explainer.format import html_escape, local_digits, percent, rough_percent, visible_token
from explainer.i18n import _, language

FONT = 18  # base font size (px): readable from the back of a classroom
SMALL = FONT - 2  # 16 px: the smallest text drawn
INK = "#1f2328"  # every text of a chart: dark, for a projector
MUTED = "#57606a"  # notes on a chart (a reference line's label): quieter, still readable from the back
# The roles, one colour each, on every page:
BLUE = "#1f5fbf"  # the words (a model's guesses)
ORANGE = CHOSEN = "#e8590c"  # the word the model picked, or the one being looked at
GREEN = TRUE = "#2b8a3e"  # the word that really came next; good (the validation text, the answer preferred)
GREY = "#8c959f"  # "everything else"
CUT = "#d0d7de"  # words that top-k / top-p removed (drawn hatched)
RED = "#c92a2a"  # bad: the answer a student flagged
PALE = {BLUE: "#b9cdef", CHOSEN: "#f7c6a8", TRUE: "#b7dcc0"}  # the same roles, before a change
GRID = "rgba(128,128,128,0.25)"
ROW_PX = 36  # height of one bar row
DIVERGING = "RdBu"  # the numbers of a vector: red below 0, white at 0, blue above (ColorBrewer: colour-blind safe)
SEQUENTIAL = "Blues"  # a share from 0 to 1 (attention weights, probabilities): white to dark blue
TITLE_WIDTH = 38  # a title line that fits a phone (412 px wide) at the title size, in Latin letters (a Chinese one: 2)
NARROW_NAMES = 16  # token names that all fit under a chart's columns on a phone
HIDDEN = '<span style="color:rgba(0,0,0,0)">'  # text drawn transparent (it keeps its place and its words)
HALF_TITLE = 28  # a title line of a chart in one of two columns (beside the open sidebar of a 1024 px screen)
TITLE_LINE_PX = 26  # what one more title line takes from the top margin
COLOUR_BAR_PX = 90  # a flat colour bar with its ticks and title
LINE_PX = {SMALL: 22, FONT: 24}  # the height of a line of text, by its size
BREAK_AFTER = tuple(":;,)—–?.：；，）。？")  # a title line ends best after one of these
NO_LINE_START = set("，。、：；！？）」』】》〉,.;:!?)")  # marks that close what came before
NO_LINE_END = set("（「『【《〈“‘")  # marks that open what comes after


def inked(node: dict) -> dict:
    """`node` with INK as the colour of every font that has none (in place): Streamlit's chart theme would draw tick
    labels, legends and colour bars in a pale grey that fades on a projector. Walks dicts only, never data arrays."""
    for key, value in node.items():
        if isinstance(value, dict):
            if key.endswith("font"):
                value.setdefault("color", INK)
            inked(value)
        elif isinstance(value, list) and key == "annotations":
            for note in value:
                note.setdefault("font", {}).setdefault("color", INK)
    return node


def figure(data: list[dict], layout: dict) -> go.Figure:
    """The figure for plotly.js, unvalidated (see the module docstring); every text in INK unless coloured."""
    for trace in data:
        if isinstance(trace.get("colorbar"), dict):
            inked(trace["colorbar"])
    for key in [k for k in layout if k.startswith(("xaxis", "yaxis"))] or ["xaxis", "yaxis"]:
        axis_ = layout.setdefault(key, {})
        if isinstance(axis_, dict):
            axis_.setdefault("tickfont", {})
            if isinstance(axis_.get("title"), str):
                axis_["title"] = {"text": axis_["title"]}
            if isinstance(axis_.get("title"), dict):
                axis_["title"].setdefault("font", {})
    layout.setdefault("legend", {}).setdefault("font", {})
    layout.setdefault("separators", separators())
    return WireFigure({"data": data, "layout": inked(layout)}, _validate=False)


def separators() -> str:
    """plotly's decimal point and thousands separator, the language's own: ".," in English, ",." in German."""
    lang = language()
    return get_decimal_symbol(lang) + get_group_symbol(lang)


def heading(text: str, **extra) -> dict | None:
    """A chart's title in the title size, or None for no title."""
    return {"text": text, "font": {"size": FONT + 2}, **extra} if text else None


def _width(text: str) -> int:
    """How wide `text` is drawn, in Latin letters: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in html.unescape(text))


def _two_lines(pieces: list[str], most: int) -> str | None:
    """The best break into two lines of at most `most` letters: after a punctuation mark if one allows it ("…, head
    4):<br>scores") and leaves a first line of a third of the most or more (not "1:<br>the land…"), else the most
    even; None when no break fits."""
    fits = []
    for i in range(1, len(pieces)):
        first, second = "".join(pieces[:i]).rstrip(), "".join(pieces[i:]).strip()
        if first and second and _width(first) <= most and _width(second) <= most:
            mark = first.endswith(BREAK_AFTER) and 3 * _width(first) >= most
            fits.append((not mark, abs(_width(first) - _width(second)), first, second))
    return "<br>".join(min(fits)[2:]) if fits else None


def column_angle(n_columns: int, tilt: int = -60) -> int:
    """How the names under a row of token columns tilt: upright past NARROW_NAMES columns (at 1024 px beside the
    sidebar, an attention map's 30 columns are 12 px apart, and names tilted at 60° ran into each other), else at
    `tilt`, easier to read."""
    return -90 if n_columns > NARROW_NAMES else tilt


def every_other_name(names: list[str], narrow: bool) -> list[str]:
    """Tick names under a row of token columns: on a narrow screen (`narrow`, a phone) past NARROW_NAMES of them,
    every other one is drawn transparent, the last kept (tilted names 10 px apart run into one another); else all.
    A transparent name still names its column in the chart's text alternative (describe.py)."""
    if not narrow or len(names) <= NARROW_NAMES:
        return list(names)
    return [name if (len(names) - 1 - i) % 2 == 0 else f"{HIDDEN}{name}</span>" for i, name in enumerate(names)]


def two_lines(text: str) -> str:
    """`text` on two even lines, broken at a space (a tick label on a crowded axis); kept whole without a space."""
    return _two_lines(re.findall(r"[^ ]+ *", text), _width(text)) or text


def _greedy_lines(pieces: list[str], width: int) -> list[str]:
    lines, line = [], ""
    for piece in pieces:
        if line.strip() and _width(line + piece.rstrip()) > width:
            lines, line = [*lines, line.rstrip()], ""
        line += piece
    return [*lines, line.rstrip()]


_NOT_A_TAG = re.compile(r"<(?!/?(?:br|b|i|span|sup|sub)\b[^<>]*>)")  # a "<" that opens none of the charts' tags


def plain_markup(text: str) -> str:
    """`text` with each "<" that opens none of the tags the charts write (br, b, i, span, sup, sub) escaped: a token in
    a title (a word-level model's "<unk>", GPT-2's "<|endoftext|>") is text, and the title can still be wrapped."""
    return _NOT_A_TAG.sub("&lt;", text)


def title_lines(title: str, width: int = TITLE_WIDTH) -> str:
    """A long title on lines ("<br>") of at most about `width` letters: plotly never wraps a title and
    cuts it at the chart's edge (a phone's narrow chart). Lines broken by hand are kept, each wrapped if still too
    long; a title with any other tag is kept as it is."""
    if "<" in title.replace("<br>", ""):
        return title
    return "<br>".join(_wrapped(line, width) for line in title.split("<br>"))


def _wrapped(line: str, most: int) -> str:
    if _width(line) <= most:
        return line
    # a word, or one CJK character, or a long word's part up to a hyphen ("multiplications-"); never at a
    # no-break space ("83 %")
    pieces = re.findall(r"[^ \t]*?[\u2e80-\u9fff\uff00-\uffef]|[^ \t-]{4,}-(?=[^ \t-]{4})|[^ \t]+[ \t]*|[ \t]+", line)
    # no line starts with a closing mark ("）<br>，CPU") or ends with an opening one: it stays with its neighbour
    for i in range(len(pieces) - 1, 0, -1):
        if pieces[i][:1] in NO_LINE_START or pieces[i - 1][-1:] in NO_LINE_END:
            pieces[i - 1 : i + 1] = [pieces[i - 1] + pieces[i]]
    return _two_lines(pieces, most) or "<br>".join(_greedy_lines(pieces, most))  # more than two: filled in turn


def colour_key(entries: list[tuple[str, str]], mark: str = "█") -> str:
    """A legend as text, for a title's subtitle: "█ attention   █ feed-forward", each mark in its colour (an
    entry is (colour, escaped name); "━" for lines), on lines a phone can show (plotly's own legend, wrapped on a
    phone, climbs into the title)."""
    lines, line, seen = [], [], 0
    for colour, name in entries:
        if line and seen + 2 + _width(name) > TITLE_WIDTH:
            lines, line, seen = [*lines, line], [], 0
        line.append(f'<span style="color:{colour}">{mark}</span> {name}')
        seen += 2 + _width(name) + 3
    return "<br>".join("\u2003\u2003".join(items) for items in [*lines, line])  # em spaces: plotly folds plain ones


def layout(title: str, height: int, margin: dict, **extra) -> dict:
    """What every chart's layout starts with: its title (on as many lines as a phone needs, the top margin grown to
    fit), projector fonts (hover labels too), height and margins."""
    title = plain_markup(title)  # (a token such as "<unk>" in it is text)
    wrapped = title_lines(title)
    more = TITLE_LINE_PX * (wrapped.count("<br>") - title.count("<br>"))
    # plotly sets a title's first line on the middle of the top margin and the next ones below it: a wrapped title
    # keeps its first line where it was, from the top, and its new lines take the margin added for them
    hang = {"yref": "container", "y": 1 - max(4, margin.get("t", 0) // 2 - 5) / (height + more), "yanchor": "top"}
    return {
        "title": heading(wrapped, **(hang if more else {})),
        "font": {"size": FONT, "color": INK},
        "height": height + more,
        "margin": {**margin, "t": margin.get("t", 0) + more},
        "hoverlabel": {"font": {"size": FONT}},
        **extra,
    }


def axis(title: str | dict = "", **extra) -> dict:
    """An axis with projector-sized tick labels and, if given, its title (a text, in the base size, or a title
    dict as plotly takes it)."""
    if isinstance(title, str):
        title = {"text": title, "font": {"size": FONT}} if title else None
    return {**({"title": title} if title else {}), "tickfont": {"size": SMALL}, **extra}


def row_axis(labels: list[str], size: int = FONT, **extra) -> dict:
    """Rows at positions 0..n-1, top to bottom, labelled with `labels` (equal labels never merge)."""
    return {
        "tickmode": "array",
        "tickvals": list(range(len(labels))),
        "ticktext": labels,
        "autorange": "reversed",
        "showgrid": False,
        "automargin": True,
        "tickfont": {"size": size},
        **extra,
    }


def reference_line(y: float, text: str, left: bool = True) -> tuple[dict, dict]:
    """(shape, annotation): a dashed grey line across the plot at height `y`, with `text` on it at the left (or the
    right) end; a level to compare the data with (a uniform guess, the most uncertain draw)."""
    line = {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": y, "y1": y,
            "line": {"dash": "dash", "color": GREY, "width": 2}}  # fmt: skip
    note = {"text": text, "xref": "paper", "x": 0 if left else 1, "xanchor": "left" if left else "right", "y": y,
            "yanchor": "bottom", "showarrow": False, "font": {"size": SMALL, "color": MUTED}}  # fmt: skip
    return line, note


def labels_inside(long: list[bool], size: int = FONT) -> dict:
    """A horizontal bar chart's labels: inside its `long` bars (white, at their end), just beyond the others, never
    clipped: beyond a long bar, a phone's narrow chart cut its label off."""
    return {"textposition": ["inside" if x else "outside" for x in long], "insidetextanchor": "end",
            "insidetextfont": {"color": "white", "size": size}, "cliponaxis": False}  # fmt: skip


def label(token: str) -> str:
    """A token as a chart's label: visible (edge spaces, line breaks) and escaped (plotly reads "<unk>" as a tag)."""
    return html_escape(visible_token(token))


@cache
def colorscale(name: str) -> list[list]:
    """A named plotly colour scale as plotly.py spells it out ("Blues", "RdBu_r", ...): plotly.js's own scales of
    the same names differ, so a figure always carries the colours themselves."""
    return [[float(v), c] for v, c in plotly.colors.get_colorscale(name)]


def percent_ticks(values) -> dict:
    """Ticks at the shares `values`, written as the language writes a percentage ("50 %" in German, as the cells and
    bar labels beside them): plotly's own tickformat writes "50%" in every language."""
    return {"tickmode": "array", "tickvals": list(values), "ticktext": [percent(v) for v in values]}


def share_ticks(top: float, most: int = 6) -> list[float]:
    """Round shares from 0 up to `top`, at most `most` of them: 0, 20 %, 40 % … or 0, 5 %, 10 % …"""
    count = lambda step: int(top / step + 1e-9) + 1  # noqa: E731
    step = next((s for s in (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5) if count(s) <= most), 1.0)
    return [round(i * step, 4) for i in range(count(step))]


def decade_ticks(lo: float, hi: float) -> list[float]:
    """The powers of ten between 10**lo and 10**hi (a log axis's range), at most 1: 0.1 %, 1 %, 10 %, 100 %."""
    return [10.0**k for k in range(math.ceil(lo), min(math.floor(hi), 0) + 1)]


def colorbar(text: str, fmt: str = ".0%") -> dict:
    """A colour bar titled `text`; a share's (fmt ".0%") ticked at 0, 50 % and 100 %, written the language's way
    (three: a flat bar in one of two charts side by side is 200 px wide)."""
    return {
        "title": {"text": text, "side": "right", "font": {"size": SMALL}},
        "tickformat": fmt,
        "tickfont": {"size": SMALL},
        **(percent_ticks([0, 0.5, 1]) if fmt == ".0%" else {}),
    }


def flat_colorbar(text: str, fmt: str = ".0%", over: bool = False) -> dict:
    """A colour bar laid flat, its ticks and title under it, at the foot of the figure (or `over` the plot, under
    the title): beside a chart it takes a fifth of a phone's width. The margin it stands in: COLOUR_BAR_PX."""
    place = {"y": 1.02, "yref": "paper"} if over else {"y": 0, "yref": "container"}
    return {
        **colorbar(text, fmt),
        "orientation": "h",
        "x": 0.5,
        "xanchor": "center",
        "yanchor": "bottom",
        "len": 0.6,
        "thickness": 14,
        # ("top" is drawn across the bar); the bar is centred on a plot that long rows' names may narrow
        "title": {"text": title_lines(text, HALF_TITLE), "side": "bottom", "font": {"size": SMALL}},
        **place,
    }


def diverging(values, title: str | None = None) -> dict:
    """A heatmap's colours for the numbers of a vector, the same on every page: DIVERGING, centred on 0, symmetric
    around it (the largest size in `values`), with a colour bar (titled `title`, else "value") that says which side
    is which."""
    lim = max(float(abs(values).max()), 1e-9)
    title, ends = title or _("value"), (local_digits(f"{-lim:.2g}"), local_digits(f"{lim:.2g}"))
    return {
        "colorscale": colorscale(DIVERGING), "zmin": -lim, "zmax": lim, "zmid": 0,
        "colorbar": {**colorbar(title, ".2~f"), "title": {"text": title, "side": "top", "font": {"size": SMALL}},
                     "tickvals": [-lim, 0, lim], "ticktext": [_("{value} (red)").format(value=ends[0]), "0",
                                   _("{value} (blue)").format(value=ends[1])]},
    }  # fmt: skip


def layers_by_heads(table, colour_title: str, hover: str, title: str, row_px: int = 70) -> tuple[dict, dict]:
    """(heat map, layout) of one share per head, table (L, H): layers down, heads across, both numbered from 1 (the
    hover's %{y} and %{x} too), every cell written out as a percentage in the language's way, under 0.5 % as "<1%"
    (a head whose loss leaves "Paris" 0.26 % read "0%"). The colour bar lies flat over the cells: beside them, in one
    of two charts side by side, it left a 1024 px projector's cells 15 px wide; and plotly draws a standing bar's
    title over its ticks once they are written the language's way ("100 %")."""
    L, H = table.shape
    bar = flat_colorbar(colour_title, over=True)
    cells = {
        "type": "heatmap", "z": table, "x": list(range(1, H + 1)), "y": list(range(1, L + 1)), "zmin": 0, "zmax": 1,
        "colorscale": colorscale("Blues"), "xgap": 3, "ygap": 3, "texttemplate": "%{text}",
        "text": [[rough_percent(float(v)) for v in row] for row in table],
        "textfont": {"size": SMALL}, "colorbar": bar, "hovertemplate": hover,
    }  # fmt: skip
    top = (70 if title else 20) + COLOUR_BAR_PX
    out = layout(title, 150 + row_px * L + COLOUR_BAR_PX, {"l": 10, "r": 10, "t": top, "b": 10}, plot_bgcolor="white")
    # the heads named under their cells, "head 1  2  3  4": with a flat colour bar over the cells, plotly drew an axis
    # title over the heads' numbers
    heads = [_("head {n}").format(n=1), *map(str, range(2, H + 1))]
    out.update(
        xaxis=axis(tickmode="array", tickvals=list(range(1, H + 1)), ticktext=heads),
        yaxis=axis(_("layer"), tickvals=list(range(1, L + 1)), autorange="reversed"),
    )
    return cells, out


def spoken_axes(layout: dict) -> dict:
    """Every axis of `layout` with projector sizes where none is set (Streamlit's plotly theme draws small ones)."""
    for key in [k for k in layout if k.startswith(("xaxis", "yaxis"))] or ["xaxis", "yaxis"]:
        ax = layout.setdefault(key, {})
        ax.setdefault("tickfont", {}).setdefault("size", SMALL)
        if isinstance(ax.get("title"), str):
            ax["title"] = {"text": ax["title"]}
        ax.setdefault("title", {}).setdefault("font", {}).setdefault("size", FONT)
    for key in ("xaxis", "yaxis"):
        layout.setdefault(key, {}).setdefault("tickfont", {}).setdefault("size", SMALL)
        layout[key].setdefault("title", {}).setdefault("font", {}).setdefault("size", FONT)
    return layout
