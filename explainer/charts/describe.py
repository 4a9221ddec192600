"""A chart's text alternative, read from the figure itself (WCAG 1.1.1): one sentence that says what it shows, and its
data as a table for screen readers. Works on every figure the chart builders make: bars, lines and points, heat maps;
a page may give its own sentence instead, the table still comes from here."""

from __future__ import annotations

import base64
import html
import re

import numpy as np
import plotly.graph_objects as go

from explainer.format import html_escape, local_digits, number, percent
from explainer.i18n import N_, _, ngettext, sentences

MAX_ROWS = 400  # a table longer than this is cut (a screen reader reads it row by row): the sentence says so
MAX_NAMED = 5  # items named in the sentence ("' Paris' 62 %, ' Rome' 11 %, …")
MAX_SERIES = 4  # series summed up in the sentence (the table has them all)
COLUMNS = [N_("series"), N_("item"), N_("x"), N_("value")]  # the table's keys; its header shows _(name)
_TAG = re.compile(r"<[^>]+>")


def _array(values, dtype=object) -> np.ndarray:
    """A figure's data as an array: plotly writes numpy arrays as typed arrays ({"dtype", "bdata", "shape"})."""
    if isinstance(values, dict) and "bdata" in values:
        out = np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"]))
        shape = values.get("shape")
        return out.reshape([int(n) for n in str(shape).split(",")] if shape else -1).astype(dtype)
    return np.asarray([] if values is None else values, dtype=dtype)


def plain(text) -> str:
    """A chart's label as words: no HTML tags (<br> a space), entities unescaped, spaces collapsed."""
    text = _TAG.sub("", re.sub(r"<br\s*/?>", " ", str(text)))
    return " ".join(html.unescape(text).replace("\u200b", "").split())  # zero-width spaces: categories kept apart


def _text(node) -> str:
    """A title as plotly takes it (a text or {"text": ...}) as words."""
    return plain(node.get("text", "") if isinstance(node, dict) else node or "")


def _place(v):
    """A position on an axis as a key: a number (1 and 1.0 alike), else the category's name."""
    try:
        return float(v)
    except (TypeError, ValueError):
        return str(v)


def _ticks(axis: dict) -> dict:
    """{position: label} of an axis that names its positions (the bar charts' rows, a heat map's tokens)."""
    vals, text = axis.get("tickvals"), axis.get("ticktext")
    if vals is None or text is None:
        return {}
    return {_place(v): plain(t) for v, t in zip(vals, text, strict=False)}


def _label(v, ticks: dict) -> str:
    return ticks.get(_place(v)) or plain(_number(v) if v is None or isinstance(_place(v), float) else v)


def _labels(values, axis: dict) -> list[str]:
    ticks = _ticks(axis)
    return [_label(v, ticks) for v in _array(values).ravel()]


def _number(v, fmt: str = "") -> str:
    if isinstance(v, str):
        return v
    if v is None:
        return _("none")
    if "%" in fmt or isinstance(v, (float, np.floating)):
        return _numbers([float(v)], fmt)[0]
    return str(v)


def _numbers(values: list[float], fmt: str) -> list[str]:
    """Floats as the table shows them (NaN: "none"), all at once: a heat map's hundreds of cells."""
    none = _("none")
    if "%" in fmt:
        return [none if v != v else percent(v) for v in values]  # v != v: NaN
    # 3 significant digits, written out up to 1e15 (1234.5 -> "1,230", not "1.23e+03"), the language's way
    return [none if v != v else local_digits(f"{float(f'{v:.3g}'):,.15g}") for v in values]


def _axis(layout: dict, trace: dict, letter: str) -> dict:
    ref = trace.get(f"{letter}axis", letter)  # "x2" -> layout["xaxis2"]
    return layout.get(f"{letter}axis{ref[1:]}", {}) or {}


def _series(trace: dict, i: int) -> str:
    # (dropped from the table when it is the only one)
    return plain(trace.get("name") or "") or _("series {n}").format(n=i + 1)


def _bar_rows(trace: dict, layout: dict, name: str, room: int) -> tuple[list[list], list[str], int]:
    across = trace.get("orientation") == "h"
    cat, val = ("y", "x") if across else ("x", "y")
    labels = _labels(trace.get(cat), _axis(layout, trace, cat))
    values = list(_array(trace.get(val), float).ravel())
    texts = trace.get("text")
    fmt = _axis(layout, trace, val).get("tickformat", "")
    shown = [
        plain(texts[i])
        if isinstance(texts, (list, tuple, np.ndarray)) and i < len(texts) and texts[i]
        else _number(v, fmt)
        for i, v in enumerate(values)
    ]
    rows = [[name, lab, "", sh] for lab, sh in zip(labels, shown, strict=False)]
    named = [f"{lab} {sh}" for lab, sh in zip(labels, shown, strict=False)]
    return rows[:room], named, len(rows)


def _xy_rows(trace: dict, layout: dict, name: str, room: int) -> tuple[list[list], list[str], int]:
    xs, x_ticks = _array(trace.get("x")).ravel(), _ticks(_axis(layout, trace, "x"))
    ys = _array(trace.get("y")).ravel()
    zs = _array(trace.get("z")).ravel() if trace.get("type") == "scatter3d" else ()
    texts = trace.get("text")
    texts = texts if isinstance(texts, (list, tuple, np.ndarray)) else trace.get("hovertext")
    texts = texts if isinstance(texts, (list, tuple, np.ndarray)) else ()
    fmt = _axis(layout, trace, "y").get("tickformat", "")
    n = min(len(xs), len(ys))
    y_ticks = _ticks(_axis(layout, trace, "y"))

    def row(i: int) -> list:  # only the rows the table shows are written (a map of words has thousands of points)
        item = plain(texts[i]) if i < len(texts) else ""
        value = _number(ys[i], fmt) + (f", {_number(zs[i])}" if i < len(zs) else "")
        return [name, item, _label(xs[i], x_ticks), _row_name(ys[i], y_ticks) or value]

    if not n:
        return [], [], 0
    if y_ticks and not x_ticks:  # a dot per named row (a dot plot): the row names the item, x is its value
        x_fmt = _axis(layout, trace, "x").get("tickformat", "")
        rows = [[name, _label(ys[i], y_ticks), "", _number(xs[i], x_fmt)] for i in range(n)]
        return rows[:room], [f"{r[1]} {r[3]}" for r in rows], n
    rows = [row(i) for i in range(min(n, room))]
    if len(texts):  # points with names (a map of words): the first few names
        return rows, [plain(t) for t in texts[: MAX_NAMED + 1]], n
    first, last = row(0), row(n - 1)
    x_title = _text(_axis(layout, trace, "x").get("title")).lower()
    if x_title:
        line = _("{name} from {first} at {axis} {first_x} to {last} at {axis} {last_x}")
    else:
        line = _("{name} from {first} at x = {first_x} to {last} at x = {last_x}")
    named = [line.format(name=name, first=first[3], first_x=first[2], last=last[3], last_x=last[2], axis=x_title)]
    return rows, named, n


def _row_name(v, ticks: dict) -> str | None:
    """The named row a point sits in, on an axis of rows (ticks at 0, 1, 2... each naming a row, as `row_axis` makes
    them; a dot may be spread within half a row of its name), else None (a value axis whose ticks are numbers)."""
    at = _place(v)
    if not isinstance(at, float) or not ticks or set(ticks) != {float(i) for i in range(len(ticks))}:
        return None
    nearest = round(at)
    return ticks.get(float(nearest)) if abs(nearest - at) <= 0.5 else None


def _heat_rows(trace: dict, layout: dict, name: str, room: int) -> tuple[list[list], list[str], int]:
    scale = trace.get("colorscale")
    if isinstance(scale, (list, tuple)) and len({c for _stop, c in scale}) == 1:  # one colour: a backdrop (the mask)
        return [], [], 0
    z = _array(trace.get("z"), float)
    if z.ndim == 1:
        z = z[None, :]
    if z.size == 0:
        return [], [], 0
    xs = _labels(trace.get("x", list(range(z.shape[1]))), _axis(layout, trace, "x"))
    ys = _labels(trace.get("y", list(range(z.shape[0]))), _axis(layout, trace, "y"))
    fmt = ((trace.get("colorbar") or {}).get("tickformat")) or ""
    first = z.ravel()[:room].tolist()  # only the cells the table shows: Python floats format faster than numpy's
    width = z.shape[1]
    ys += [str(r) for r in range(len(ys), -(-len(first) // width))]
    xs += [str(c) for c in range(len(xs), width)]
    cells = _numbers(first, fmt)
    rows = [[name, ys[i // width], xs[i % width], cell] for i, cell in enumerate(cells)]
    r, c = np.unravel_index(np.nanargmax(z), z.shape)
    lo, hi = np.nanmin(z), np.nanmax(z)
    where = f"{ys[r]} / {xs[c]}" if z.shape[0] > 1 else xs[c]
    summary = _("a {rows} × {columns} grid from {low} to {high}, highest at {where}").format(
        rows=z.shape[0], columns=z.shape[1], low=_number(lo, fmt), high=_number(hi, fmt), where=where
    )
    return rows, [summary], z.size


def _axes_title(layout: dict) -> str:
    """A title for a chart without one: its axes' titles ("similarity by where in the model"), else "Chart"."""
    x, y = (_text((layout.get(k) or {}).get("title")) for k in ("xaxis", "yaxis"))
    return _("{y} by {x}").format(y=y, x=x) if x and y else (y or x or _("Chart"))


_KINDS = {"bar": _bar_rows, "heatmap": _heat_rows, "scatter": _xy_rows, "scattergl": _xy_rows, "scatter3d": _xy_rows}


def _spec(fig: go.Figure) -> tuple[list[dict], dict]:
    """The figure's traces and layout as plotly holds them, read without a copy (`to_dict` deep-copies every array
    and writes it as base64; a page redraws its charts on every click)."""
    data, layout = getattr(fig, "_data", None), getattr(fig, "_layout", None)
    if isinstance(data, list) and isinstance(layout, dict):
        return data, layout
    spec = fig.to_dict()
    return spec.get("data", []), spec.get("layout", {})


def describe(fig: go.Figure) -> tuple[str, dict[str, list[str]]]:
    """(sentence, table): what the figure shows in one sentence ("Next-word probabilities: ' Paris' 62 %, …"), and
    every value it draws, one row each (the columns series, item, x, value: each a list of texts as drawn), at most
    MAX_ROWS rows."""
    data, layout = _spec(fig)
    title = _text(layout.get("title")) or _axes_title(layout)
    rows: list[list] = []
    parts: list[str] = []
    total, names = 0, set()
    for i, trace in enumerate(data):
        kind = _KINDS.get(trace.get("type", "scatter"))
        if (
            kind is None
            or trace.get("visible") is False
            or (trace.get("hoverinfo") == "skip" and not trace.get("name"))
        ):
            continue  # hidden, or a decoration (a connecting line, a marker over a point already listed)
        name = _series(trace, i)
        got, named, count = kind(trace, layout, name, MAX_ROWS - len(rows))
        if not count:
            continue
        rows += got
        total += count
        names.add(name)
        more = ", …" if len(named) > MAX_NAMED else ""
        parts.append(", ".join(named[:MAX_NAMED]) + more)
    if len(parts) > MAX_SERIES:
        more = len(parts) - MAX_SERIES
        parts = [*parts[:MAX_SERIES], ngettext("and {n} more", "and {n} more", more).format(n=more)]
    sentence = _("{title}: {what}.").format(title=title, what="; ".join(parts) if parts else _("no data"))
    if len(names) == 1:  # one series: its name says nothing the title does not
        for r in rows:
            r[0] = ""
    if total > MAX_ROWS:
        sentence = sentences(
            sentence,
            _("The table lists the first {shown} of {total} values.").format(
                shown=number(MAX_ROWS), total=number(total)
            ),
        )
    return sentence, {c: [str(r[k]) for r in rows] for k, c in enumerate(COLUMNS)}


def table_html(caption: str, columns: dict[str, list[str]], css_class: str) -> str:
    """A table from `describe` as HTML with `caption`, for screen readers (`css_class` hides it from sight); columns
    with nothing in them are left out."""
    cols = [c for c, values in columns.items() if any(values)]
    head = "".join(f'<th scope="col">{html_escape(_(c))}</th>' for c in cols)
    body = "".join(
        "<tr>" + "".join(f"<td>{html_escape(v)}</td>" for v in row) + "</tr>"
        for row in zip(*(columns[c] for c in cols))
    )
    # In a box of its own: a table grows to fit its cells whatever its width, and would widen the page.
    return (f'<div class="{css_class}"><table><caption>{html_escape(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")  # fmt: skip
