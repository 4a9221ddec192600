"""The pages' element code, loaded ahead. Streamlit loads the code of each kind of element (its chunk) the first time a
page of the tab shows one, and a student's first visit to a page waited for it. The biggest is plotly's (its
PlotlyChart chunk: 4.7 MB of JavaScript): Next word, clicked from the lesson plan, drew its chart 2.6-3.4 s after the
click, then 0.5 s on every later visit. The others are smaller but come in chains: the torn script's chat box fetched
16 chunks one after another, the Scale page's table 18, the Layers page's diagram 590 kB.

The pages a lesson starts on (the lesson plan, the torn script) load these chunks once the browser is idle, one after
another, plotly's first, as Streamlit itself would import them: the later pages find them ready. Other pages, such as
the class poll a phone opens, do not: a phone on the poll needs none of them."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from streamlit import file_util

STATIC_JS = Path(file_util.get_static_dir()) / "static" / "js"  # the frontend's chunks (as gzip_static.py finds them)
BEFORE_THE_FIRST_CHART = {"", "chat"}  # url paths: the lesson plan, the torn script
# The chunks the story's pages need beyond the lesson plan's own, plotly's first: the chat box, sliders, text boxes,
# segmented buttons, tables, the residual stream's diagram (graphviz), progress bars, the file uploader, the
# Temperature page's browser-drawn chart (a component), and Markdown's maths and HTML.
AHEAD = ("PlotlyChart", "ChatInput", "Slider", "NumberInput", "TextArea", "TextInput", "ButtonGroup", "DataFrame",
         "GraphVizChart", "Progress", "FileUploader", "BidiComponent", "rehype-katex", "rehype-raw")  # fmt: skip

# Once per document: each chunk's URL beside Streamlit's own index chunk (any base path), imported in turn once the
# page has drawn and the browser is idle; the same modules Streamlit's own imports then find loaded. When all are in,
# window.explainerCodeAhead is "loaded" (the benchmarks wait for it).
_PRELOAD_JS = """<script>
(() => {
  if (window.explainerCodeAhead) return;
  window.explainerCodeAhead = "loading";
  const index = document.querySelector('script[src*="/static/js/index."]');
  if (!index) return;
  const load = async () => {
    for (const chunk of %s) await import(new URL(chunk, index.src).href).catch(() => {});
    window.explainerCodeAhead = "loaded";
  };
  setTimeout(() => (window.requestIdleCallback || ((f) => f()))(load, {timeout: 4000}), 500);
})();
</script>"""


@cache
def chunk(name: str) -> str | None:
    """The file name of Streamlit's chunk `name` ("PlotlyChart.D9Z0_fxz.js": its hash changes with Streamlit's
    version); None if there is not exactly one."""
    found = sorted(STATIC_JS.glob(f"{name}.*.js"))
    return found[0].name if len(found) == 1 else None


def plotly_chunk() -> str | None:
    return chunk("PlotlyChart")


def preload_script(url_path: str) -> str:
    """The script that loads the pages' element code ahead on a page the lesson starts on; "" elsewhere."""
    if url_path not in BEFORE_THE_FIRST_CHART:
        return ""
    chunks = [c for c in map(chunk, AHEAD) if c]
    return _PRELOAD_JS % json.dumps(chunks) if chunks else ""
