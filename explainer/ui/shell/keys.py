"""The keyboard on every page. Streamlit scrolls inside its main column, which a key reaches only once something in
it has the focus: on arrival, Page Down, Space, the arrows, Home and End did nothing until a click. While nothing has
the focus they now scroll the main column. In presenter mode a presentation clicker walks the story: its Page Down
scrolls the page a screen on and, at the bottom of the page, turns to the next step, as a slide would (the footer's
next: the sidebar's next page, or the plan's next step on a page opened from the lesson plan); Page Up the way back,
whatever has the focus but a text field or a table (the switch just flipped to turn presenter mode on). Right / left
arrows (some clickers send these) do the same unless a control has the focus (a slider's arrows are the slider's)."""

from __future__ import annotations

import json

import streamlit as st

from explainer.ui.shell.presenter import presenting

BACK_ICON, NEXT_ICON = "arrow_back", "arrow_forward"  # the footer's previous / next links, as the clicker finds them

# One listener for the tab's life (a page's run draws the script again: it returns at once). Presenter mode is on
# while the page holds .st-key-clicker; a key pressed while a dialog is open (the view's QR code) is the dialog's.
_KEYS_JS = """<script>
(() => {
  if (window.explainerKeys) return;
  window.explainerKeys = true;
  const TURN = {PageDown: 1, ArrowRight: 1, PageUp: -1, ArrowLeft: -1};
  // Where the key is the focused element's: Page Up / Down in a text field or a table; the arrows in any control.
  const TYPING = 'textarea, select, [contenteditable=true], [data-testid=stDataFrame], '
    + 'input:not([type=checkbox]):not([type=radio]):not([type=range]):not([type=button])';
  const ARROWS = TYPING + ', input, [role=slider], [role=tab], [role=radio], [role=listbox]';
  // A screen on glides, unless the reader's system asks for less motion.
  const glide = () => (matchMedia('(prefers-reduced-motion: reduce)').matches ? 'instant' : 'smooth');
  const turn = (main, way) => {
    const room = way > 0 ? main.scrollHeight - main.clientHeight - main.scrollTop : main.scrollTop;
    if (room > 4) return main.scrollBy({top: way * Math.min(room, main.clientHeight * 0.85), behavior: glide()});
    const icon = way > 0 ? %(next)s : %(back)s;
    const link = [...document.querySelectorAll('.st-key-footer a')]
      .find((a) => a.querySelector('[data-testid=stIconMaterial]')?.textContent.trim() === icon);
    if (!link) return;
    link.click();
    if (!new URL(link.href, location.href).searchParams.has('view')) atTop(location.pathname);  // else it lands there
  };
  // The step turned to opens at its top, as a slide does. The main column is one element from page to page: its
  // scroll usually drops to 0 as the last page's content goes, but CI showed Next word drawn under the chat page's
  // scroll (545 px), twice. Once the address has changed and the new page is drawn, it goes to the top.
  const atTop = (from, frames = 0) => {
    const app = document.querySelector('[data-testid=stApp]');
    if (location.pathname !== from && app?.dataset.testScriptState === 'notRunning')
      return document.querySelector('.stMain')?.scrollTo({top: 0});
    if (frames < 1800) requestAnimationFrame(() => atTop(from, frames + 1));  // 30 s at most
  };
  document.addEventListener('keydown', (e) => {
    const main = document.querySelector('.stMain');  // (a chat page's: data-testid=stAppScrollToBottomContainer)
    if (!main || e.altKey || e.ctrlKey || e.metaKey || document.querySelector('[role=dialog]')) return;
    const focus = document.activeElement, loose = !focus || focus === document.body;
    const own = !loose && focus.closest(e.key.startsWith('Arrow') ? ARROWS : TYPING);
    if (TURN[e.key] && !e.shiftKey && !own && document.querySelector('.st-key-clicker')) {
      e.preventDefault();
      return turn(main, TURN[e.key]);
    }
    if (!loose) return;  // a focused element scrolls its own way
    const screen = main.clientHeight * 0.85;
    const by = {PageDown: screen, PageUp: -screen, ' ': e.shiftKey ? -screen : screen, ArrowDown: 40, ArrowUp: -40,
                Home: -main.scrollTop, End: main.scrollHeight}[e.key];
    if (by === undefined) return;
    e.preventDefault();
    main.scrollBy({top: by, behavior: e.key.startsWith('Arrow') ? 'auto' : glide()});
  }, true);
})();
</script>"""


def page_keys(more: str = "") -> None:
    """The keys' script, at the foot of every page (the footer draws it); in presenter mode inside .st-key-clicker.
    `more`: another script of the page's to draw in the same element (chart_code.py's)."""
    script = _KEYS_JS % {"next": json.dumps(NEXT_ICON), "back": json.dumps(BACK_ICON)} + more
    with st.container(key="clicker") if presenting() else st.container():
        st.html(script, unsafe_allow_javascript=True)
