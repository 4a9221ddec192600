"""The charts' code, loaded ahead. Streamlit loads plotly (its PlotlyChart chunk: 4.7 MB of JavaScript) the first
time a page of the tab draws a plotly chart, and a student's first chart page waited for it: Next word, clicked from
the lesson plan, drew its chart 2.6-3.4 s after the click, then 0.5 s on every later visit. The pages a lesson starts on
without a chart (the lesson plan, the torn script) load that chunk once the browser is idle, as Streamlit itself
would import it, so that the first chart page finds it ready (1.0-1.5 s). Other chartless pages, such as the class
poll a phone opens, do not: they have no chart to come."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from streamlit import file_util

STATIC_JS = Path(file_util.get_static_dir()) / "static" / "js"  # the frontend's chunks (as gzip_static.py finds them)
BEFORE_THE_FIRST_CHART = {"", "chat"}  # url paths: the lesson plan, the torn script

# Once per document: the chunk's URL beside Streamlit's own index chunk (any base path), imported when the page has
# drawn and the browser is idle; the same module Streamlit's own import then finds loaded.
_PRELOAD_JS = """<script>
(() => {
  if (window.explainerChartCode) return;
  window.explainerChartCode = true;
  const index = document.querySelector('script[src*="/static/js/index."]');
  if (!index) return;
  const load = () => import(new URL(%s, index.src).href).catch(() => {});
  setTimeout(() => (window.requestIdleCallback || ((f) => f()))(load, {timeout: 4000}), 500);
})();
</script>"""


@cache
def plotly_chunk() -> str | None:
    """The file name of Streamlit's plotly chunk (its hash changes with Streamlit's version); None if not one."""
    found = sorted(STATIC_JS.glob("PlotlyChart.*.js"))
    return found[0].name if len(found) == 1 else None


def preload_script(url_path: str) -> str:
    """The script that loads the charts' code ahead on a page the lesson starts on; "" elsewhere."""
    chunk = plotly_chunk()
    return _PRELOAD_JS % json.dumps(chunk) if chunk and url_path in BEFORE_THE_FIRST_CHART else ""
