"""Deep links to a view inside a page: `?view=NAME` in a link scrolls the page to the section anchored NAME once it is
drawn (the lesson plan's and the glossary's links use it), instead of landing at the top of a long page."""

from __future__ import annotations

import json
import re

import streamlit as st

VIEW_KEY = "view"  # the URL's parameter

# Scrolls to the anchor once the script has finished and the layout has held still for 10 frames (charts above it
# may still grow as they draw), then lets go (and marks the page: data-landed on <body>, which the browser tests wait
# for). The student's own scrolling (wheel, touch, keys, a click) ends it at once. Gives up after 20 s.
_LAND_JS = """<script>
(() => {
  const id = %s, start = performance.now(), body = document.body;
  const inputs = ['wheel', 'touchstart', 'keydown', 'mousedown'];
  let last = null, still = 0, stopped = false;
  const stop = () => {
    stopped = true;
    body.dataset.landed = id;
    inputs.forEach((e) => document.removeEventListener(e, stop, true));
  };
  inputs.forEach((e) => document.addEventListener(e, stop, true));
  delete body.dataset.landed;
  const idle = () => document.querySelector('[data-testid=stApp]')?.dataset.testScriptState === 'notRunning';
  const tick = () => {
    if (stopped) return;
    const el = document.getElementById(id) || document.querySelector('.st-key-view-' + id);
    if (el && idle()) {
      const top = el.getBoundingClientRect().top;
      if (last !== null && Math.abs(top - last) < 1) still += 1;
      else { el.scrollIntoView({block: 'start'}); still = 0; }
      last = el.getBoundingClientRect().top;
      if (still >= 10) return stop();
    }
    if (performance.now() - start < 20000) requestAnimationFrame(tick);
    else stop();
  };
  requestAnimationFrame(tick);
})();
</script>"""
# Anchored headings stop below Streamlit's top bar, not under it.
_ANCHOR_CSS = "<style>h1[id], h2[id], h3[id], [class*=st-key-view-] { scroll-margin-top: 4.5rem; }</style>"


def section(title: str, view: str, *, level: str = "subheader", help: str | None = None) -> None:
    """A heading that `?view=<view>` lands on (`level`: "header" or "subheader")."""
    getattr(st, level)(title, anchor=view, help=help)


def view(name: str, where=st):
    """A container that `?view=<name>` lands on, for a view without a heading of its own (a chart has its title)."""
    return where.container(key=f"view-{name}")


def land_on_view() -> None:
    """If the link asked for a view, scroll to it (once: the parameter is then dropped from the address bar)."""
    if VIEW_KEY not in st.query_params:
        return
    view = str(st.query_params.get(VIEW_KEY, "")).strip()
    del st.query_params[VIEW_KEY]
    if re.fullmatch(r"[a-z0-9-]{1,40}", view):  # an anchor's name: nothing else reaches the script
        st.html(_ANCHOR_CSS + _LAND_JS % json.dumps(view), unsafe_allow_javascript=True)
