"""Export for lessons: every chart drawn by `show_chart` (chart.py) gets `exported`'s config (plotly's camera
button downloads it as PNG or SVG, as picked in the sidebar, under a file name that says what it is), every table
offers its CSV (`csv_button`, and each table's own toolbar), and the views a teacher visits can be recorded into a
lesson handout: one HTML file (explainer/charts/export.py) with each view's charts and the link that reopens it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from explainer.charts.export import IMAGE_FORMATS, View, file_stem, handout_html, image_config
from explainer.i18n import _, language, ngettext, speaking
from explainer.ui.shell.models import current_backend, current_spec
from explainer.ui.shell.navigation import Navigation
from explainer.ui.shell.pages import BY_URL
from explainer.ui.shell.state import SessionObject

FORMAT_KEY = "image_format"  # the sidebar's choice: what the camera button of every chart downloads
RECORD_KEY = "handout_recording"
MAX_VIEWS = 24  # a lesson's worth; the oldest view goes first
MAX_FIGURES = 12  # per view


@dataclass
class Handout(SessionObject):
    """The views recorded in this session, by their link (the latest drawing of a view replaces the earlier one)."""

    KEY = "handout"
    views: dict[str, View] = field(default_factory=dict)
    model: str = ""


def _page() -> str:
    current = Navigation.of().current
    return "home" if not current else current


def view_link(drop: tuple[str, ...] = ()) -> str:
    """The address of the view being drawn, settings included but those in `drop` (absolute when the browser's
    address is known)."""
    current = Navigation.of().current or ""
    query = urlencode({k: st.query_params.get(k) for k in st.query_params if k not in drop})
    base = (st.context.url or "").rstrip("/")
    if current and base.endswith("/" + current):
        base = base[: -len(current) - 1]
    return f"{base}/{current}" + (f"?{query}" if query else "")


def _current_view() -> View | None:
    """The view being drawn, moved to the end of the handout (the latest view is the last one); None unless
    recording."""
    if not st.session_state.get(RECORD_KEY):
        return None
    handout, link = Handout.of(), view_link()
    view = handout.views.pop(link, None)
    if view is None:
        entry = BY_URL.get(Navigation.of().current or "")
        view = View(entry.title if entry else _("Page"), link)
    handout.views[link] = view
    while len(handout.views) > MAX_VIEWS:
        handout.views.pop(next(iter(handout.views)))
    return view


def _record(stem: str, fig: go.Figure) -> None:
    view = _current_view()
    if view is not None and (stem in view.figures or len(view.figures) < MAX_FIGURES):
        view.figures[stem] = fig.to_dict()


def record_visit() -> None:
    """After the page: the view goes into the handout when recording, with its link even when it drew no plotly
    chart (the sampling page draws its charts in the browser)."""
    _current_view()


def exported(fig: go.Figure, key: str, name: str | None = None) -> dict:
    """The plotly config that makes the camera button download `fig` as '<page>_<name or key>.png' or '.svg'; `fig`
    goes into the handout when recording."""
    stem = file_stem(_page(), name or key)
    _record(stem, fig)
    return image_config(stem, st.session_state.get(FORMAT_KEY, IMAGE_FORMATS[0]))


def csv_button(table: pd.DataFrame, name: str, where=st, label: str | None = None) -> None:
    """A download button for `table` as '<page>_<name>.csv' (made only when clicked); `label`: already translated."""
    where.download_button(
        label or _("Download as CSV"), lambda: table.to_csv(index=False),
        file_name=f"{file_stem(_page(), name)}.csv", mime="text/csv", icon=":material/download:", key=f"csv_{name}",
    )  # fmt: skip


def _in(lang: str, make, *args):
    """`make(*args)` in the language `lang` (a download made when clicked, maybe outside the session's thread)."""
    with speaking(lang):
        return make(*args)


def export_sidebar() -> None:
    """The sidebar's export controls: the charts' image format, and the lesson handout (record, download, clear).
    Drawn before the page: the file itself is made when the button is clicked, with every view recorded by then."""
    handout = Handout.of()
    backend = current_backend(show_error=False)
    handout.model = backend.info.name if backend is not None else current_spec()
    with st.sidebar.expander(_("Export for a lesson"), icon=":material/download:"):
        st.radio(
            _("Chart downloads (the camera above a chart)"), IMAGE_FORMATS, format_func=str.upper, key=FORMAT_KEY,
            horizontal=True, help=_("PNG for slides and documents; SVG stays sharp at any size."),
        )  # fmt: skip
        st.toggle(
            _("Record the views I visit"), key=RECORD_KEY,
            help=_("Each page you open (with its settings) and its charts go into a handout you can download."),
        )  # fmt: skip
        n = len(handout.views)
        st.caption(
            ngettext(
                "{n} view recorded before this one (at most {max_views}: the oldest go first).",
                "{n} views recorded before this one (at most {max_views}: the oldest go first).",
                n,
            ).format(n=n, max_views=MAX_VIEWS)
        )
        when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        title, lang = _("How LLMs work — lesson handout"), language()
        st.download_button(
            _("Download the handout (HTML)"),
            lambda: _in(lang, handout_html, title, handout.model, when, list(handout.views.values())),
            file_name="lesson_handout.html", mime="text/html", icon=":material/description:",
            key="handout_download", on_click="ignore",
            help=_(
                "One file with every recorded view: its charts (interactive) and the link that reopens it. "
                "It opens offline."
            ),
        )  # fmt: skip
        if st.button(_("Clear the handout"), icon=":material/delete:", disabled=not n, key="handout_clear"):
            handout.views.clear()
            st.rerun()
