"""What the headless app tests (streamlit.testing.v1.AppTest) share: open a page, check a run, read its charts.

`open_page` opens a page the way a student reaches it (the entry file first, which registers the pages with
st.navigation, then a switch to the page), or runs a page file on its own (`direct=True`). Every helper that
runs the app checks the result with `checked`: never an exception, and no st.error unless `errors_ok`
(for pages whose tests look at the error messages themselves); `warnings_ok=False` fails on any st.warning too.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from explainer.ui.shell.models import ModelInUse
from explainer.ui.shell.sidebar import CHOICE_KEY, TYPED_KEY
from explainer.ui.shell.state import SessionObject

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")


def checked(at: AppTest, *, errors_ok: bool = False, warnings_ok: bool = True) -> AppTest:
    """`at` after a run that raised nothing and (unless allowed) showed no error / warning."""
    assert not at.exception, at.exception
    assert errors_ok or not at.error, [e.value for e in at.error]
    assert warnings_ok or not at.warning, [w.value for w in at.warning]
    return at


def plain(markdown: str) -> str:
    """A message as the student reads it: the Markdown source without its backslash escapes (the app escapes
    every string that comes from outside: a link, a typed name, a file name)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u200b", "")  # a zero-width space breaks bare URLs


def no_crash(at: AppTest) -> AppTest:
    """`at` after a run that raised nothing: error messages are what the test looks at."""
    return checked(at, errors_ok=True)


def open_page(
    page: str | None = None,
    *,
    spec: str | None = None,
    query: Mapping[str, str] | None = None,
    context: Mapping[str, object] | None = None,
    state: Iterable[SessionObject] = (),
    timeout: float = 60,
    direct: bool = False,
    errors_ok: bool = False,
    warnings_ok: bool = True,
) -> AppTest:
    """A new session on `page` ("app_pages/x.py"; None: the home page), checked.

    spec: the session's model (ModelInUse), query: the URL's parameters, context: what the browser says of itself
    (st.context: "locale", "url"...), state: session objects to start with.
    Through the app (the default), only the page's run is checked; direct=True runs the page file on its own.
    """
    at = AppTest.from_file(str(ROOT / page) if direct else APP, default_timeout=timeout)
    if spec is not None:
        ModelInUse.of(at.session_state).spec = spec
    for obj in state:
        at.session_state[obj.KEY] = obj
    at.query_params.update(query or {})
    at.context.update(context or {})
    if page is not None and not direct:
        at.run()  # the entry file registers the pages with st.navigation first
        at.switch_page(page)
    return checked(at.run(), errors_ok=errors_ok, warnings_ok=warnings_ok)


def load_typed(at: AppTest, choice: str, text: str) -> AppTest:
    """Pick "another Hugging Face model" or "a checkpoint folder" in the sidebar, type, press Load (not checked:
    callers look at the errors)."""
    at.sidebar.selectbox(key=CHOICE_KEY).set_value(choice).run()
    at.sidebar.text_input(key=TYPED_KEY[choice]).input(text)
    next(b for b in at.sidebar.button if b.label == "Load").click()
    return at.run()


def train_page(**query: str) -> AppTest:
    """The training page with the URL's parameters `query`; it may show errors (some tests read them)."""
    return open_page("app_pages/train.py", query=query, timeout=120, errors_ok=True)


def click(at: AppTest, key: str, *, errors_ok: bool = False, warnings_ok: bool = True) -> AppTest:
    """Click the button with widget key `key` and check the rerun."""
    return checked(at.button(key=key).click().run(), errors_ok=errors_ok, warnings_ok=warnings_ok)


def chart_specs(at: AppTest) -> list[dict]:
    """Every Plotly chart on the page, as its figure dict ({"data": [...], "layout": {...}}), in page order."""
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def values(array) -> np.ndarray:
    """A figure dict's array as numbers: a list, or Plotly's packed form ({"dtype": "f8", "bdata": base64})."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
    return np.asarray(array)


def component_data(at: AppTest) -> list[dict]:
    """The data each `st.components.v2` component on the page was given (the sampling view's logits...)."""
    return [json.loads(c.proto.json) for c in at.get("bidi_component")]
