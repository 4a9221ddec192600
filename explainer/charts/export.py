"""Charts and tables leaving the app: image downloads from plotly's own camera button, and the lesson handout (one
self-contained HTML file: no request leaves it, plotly.js is inlined from the installed plotly package).

No Streamlit here: the page shell (explainer/ui/shell/export.py) records what a teacher saw and offers the file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import plotly

from explainer.format import html_escape
from explainer.i18n import _, language, ngettext

IMAGE_FORMATS = ("png", "svg")
IMAGE_SCALE = 2  # PNG at twice the size on screen: sharp on a slide


def file_stem(*parts: str) -> str:
    """A file name that says what it is, safe on every system: 'why-word_token-pushes'."""
    words = [re.sub(r"[^a-z0-9]+", "-", p.lower()).strip("-") for p in parts]
    return "_".join(w for w in words if w)[:80] or "chart"


def image_config(stem: str, fmt: str = "png") -> dict:
    """plotly.js config: the camera button downloads `stem`.png (twice the size) or `stem`.svg."""
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"image format must be one of {IMAGE_FORMATS}, got {fmt!r}")
    options = {"format": fmt, "filename": stem, "scale": IMAGE_SCALE if fmt == "png" else 1}
    return {"toImageButtonOptions": options, "displaylogo": False}


@dataclass
class View:
    """One view a teacher visited: the page, the link that reopens it with its settings, its figures as drawn."""

    title: str
    link: str  # the page's address with its settings (query parameters)
    figures: dict[str, dict] = field(default_factory=dict)  # file stem -> plotly figure dict, in drawing order


@cache
def plotly_js() -> str:
    """plotly.js from the installed plotly package (about 4.6 MB), read once."""
    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return path.read_text(encoding="utf-8")


def _script_json(value: object) -> str:
    """JSON that is safe inside a <script> element: no '</script>' or '<!--' can end it early."""
    return json.dumps(value, separators=(",", ":")).replace("<", "\\u003c").replace(">", "\\u003e")


_CSS = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#1f2328}
h1{font-size:2rem}h2{font-size:1.5rem;margin-top:2.5rem;border-top:1px solid #d0d7de;padding-top:1rem}
.link{font-size:1rem;word-break:break-all}.fig{margin:1rem 0}.note{color:#57606a}"""


def handout_html(title: str, model: str, when: str, views: list[View]) -> str:
    """One HTML file with every view: its title, its settings link, its charts (interactive, with the camera button
    set to download each as SVG), readable offline."""
    parts = [
        f"<!DOCTYPE html><html lang='{language().replace('_', '-')}'><head><meta charset='utf-8'>",
        f"<title>{html_escape(title)}</title><style>{_CSS}</style>",
        f"<script>{plotly_js()}</script></head><body>",
        f"<h1>{html_escape(title)}</h1>",
        "<p class='note'>"
        + ngettext(
            "Model: {model} · {when} · {n} view. Each link reopens the view with the same settings on the server it "
            "came from.",
            "Model: {model} · {when} · {n} views. Each link reopens the view with the same settings on the server it "
            "came from.",
            len(views),
        ).format(model=html_escape(model), when=html_escape(when), n=len(views))
        + "</p>",
    ]
    plots = []
    for v, view in enumerate(views):
        href = html_escape(view.link, attribute=True)
        parts.append(f"<h2>{v + 1}. {html_escape(view.title)}</h2>")
        parts.append(f"<p class='link'><a href='{href}'>{html_escape(view.link)}</a></p>")
        for f, (stem, fig) in enumerate(view.figures.items()):
            div = f"fig-{v}-{f}"
            parts.append(f"<div class='fig' id='{div}'></div>")
            config = {**image_config(stem, "svg"), "responsive": True}
            plots.append(f"[{_script_json(div)},{_script_json(fig)},{_script_json(config)}]")
        if not view.figures:
            parts.append("<p class='note'>" + html_escape(_("(no charts on this view)")) + "</p>")
    parts.append(
        "<script>for (const [id, fig, config] of [" + ",".join(plots) + "]) "
        "Plotly.newPlot(id, fig.data || [], fig.layout || {}, config);</script></body></html>"
    )
    return "".join(parts)
