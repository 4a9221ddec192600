"""What every page needs to meet WCAG 2.1 AA where Streamlit's own styles fall short, and to be read on a touch screen,
as one style sheet (the sidebar's page links are drawn in navigation.py, the charts' text alternatives in chart.py)."""

from __future__ import annotations

import streamlit as st

# 7.9:1 on white (AA asks 4.5:1): Streamlit draws captions at 60 % opacity, 3.9:1 (streamlit/streamlit#8863)
CAPTION_INK = "#4a5059"
PILL_INK = "#a3202e"  # a chosen pill's text, 6.4:1 on its pink: Streamlit's primary red is 4.47:1 there
TOOLS_PX = 30  # a plotly tool button's height (on a touch screen, the strip over a chart that holds them)
SR_ONLY = "sr-only"  # a class for what only screen readers read (a chart's data as a table)

# - Captions dark enough everywhere (presenter mode darkens them further, presenter.py).
# - Chosen pills and segments in a darker red.
# - The visually hidden class: kept in the page for screen readers, 1 px and clipped.
# - Section names of the sidebar's page links, quieter than the links.
# - Page links wrap instead of ending in "…" (Streamlit keeps a link on one line): with the sidebar open on a 1024 px
#   projector the lesson plan's links lost their second half (German lost five), and presenter mode's bigger text
#   cut the sidebar's own ("Temperature & sampli"). Toggle, checkbox and button labels in the main column wrap too
#   (the chat page's script toggle beside its slider, the training page's "Use this model on every page").
# - A metric's label wraps (French on a 1024 px laptop: "Nombres dans la t…", "Après la couche 4, avant l'entraîne…").
# - A row of pills wraps: Streamlit scrolls it sideways behind a fade, and on a phone the scale page's last model
#   ("Built-in model") was out of sight.
# - On a touch screen (a phone, a tablet: no hover) plotly shows every chart's tool buttons all the time, over the
#   chart's top right, where a long title, a flat colour bar or a key ends: there they stand in a strip of their own
#   over the chart.
ACCESSIBLE_CSS = f"""<style>
[data-testid="stCaptionContainer"] {{ opacity: 1 !important; }}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] * {{ color: {CAPTION_INK} !important; }}
button[data-variant][data-selected="true"] p {{ color: {PILL_INK} !important; }}
.{SR_ONLY} {{ position: absolute !important; width: 1px !important; height: 1px !important; overflow: hidden !important;
  clip-path: inset(50%) !important; white-space: nowrap !important; margin: -1px !important; padding: 0 !important;
  border: 0 !important; }}
.st-key-nav p strong {{ display: block; margin-top: 0.6rem; color: {CAPTION_INK}; font-size: 0.9rem; }}
[data-testid="stPageLink-NavLink"] *,
[data-testid="stMainBlockContainer"] :is([data-testid="stCheckbox"], button) .stMarkdownEllipsis,
[data-testid="stMainBlockContainer"] :is([data-testid="stCheckbox"], button) .stMarkdownEllipsis *,
[data-testid="stMetricLabel"] > div, [data-testid="stMetricLabel"] p {{
  white-space: normal !important; text-overflow: clip !important; overflow: visible !important; }}
[data-testid="stButtonGroup"] div:has(> button) {{ flex-wrap: wrap !important; overflow: visible !important;
  mask-image: none !important; -webkit-mask-image: none !important; }}
[data-testid="stPageLink-NavLink"] {{ min-height: 2rem; align-items: center; }}
[data-testid="stPageLink-NavLink"] span {{ line-height: 1.35 !important; padding: 0.3rem 0; }}
/* A phone: a table of short answers fits its width (Emergence's stuck out at 360 px), a wider one scrolls by itself. */
@media (max-width: 480px) {{
  [data-testid="stMarkdownContainer"] :is(th, td) {{ padding: 0.35rem 0.2rem !important; }}
  [data-testid="stMarkdownContainer"] table {{ display: block !important; max-width: 100%; overflow-x: auto; }}
}}
@media (max-width: 400px) {{  /* a small phone: titles wrapped for ~400 px, and the axes, in a smaller type */
  .js-plotly-plot .gtitle {{ font-size: 16px !important; }}
  .js-plotly-plot :is(.xtitle, .ytitle, .xtick text, .ytick text) {{ font-size: 14px !important; }}
}}
@media (hover: none) {{
  [data-testid="stElementContainer"]:has(.js-plotly-plot) {{ margin-top: {TOOLS_PX}px; overflow: visible !important; }}
  .js-plotly-plot {{ overflow: visible !important; }}
  .js-plotly-plot .plotly .modebar {{ top: -{TOOLS_PX}px !important; }}
}}
</style>"""


# Streamlit's scrolling boxes (the sidebar when its links are taller than the screen, a container of fixed height, a
# display formula: streamlit/streamlit#10071 made it scroll sideways) take no keyboard focus (tabindex -1 or none): a
# keyboard user cannot scroll them (axe "scrollable-region-focusable", The last vector; streamlit/streamlit#8399).
# Installed once per browser tab: whenever the page changes (at most every 250 ms), each such box that overflows gets
# tabindex 0, so that Tab reaches it and the arrow keys scroll it.
SCROLLABLE_JS = """<script>
(() => {
  if (window.__llmScrollFocus) return;
  window.__llmScrollFocus = true;
  const BOXES = '[data-testid=stSidebarContent], [data-testid=stVerticalBlock], .katex-display, '
    + '[data-testid=stMarkdownContainer] table';  // (a table wider than a phone scrolls by itself)
  const scrolls = (e, s) => (['auto', 'scroll'].includes(s.overflowY) && e.scrollHeight > e.clientHeight + 1)
    || (['auto', 'scroll'].includes(s.overflowX) && e.scrollWidth > e.clientWidth + 1);
  const mark = () => {
    for (const e of document.querySelectorAll(BOXES))
      if (e.tabIndex < 0 && scrolls(e, getComputedStyle(e))) e.tabIndex = 0;
  };
  let queued = false;
  new MutationObserver(() => {
    if (!queued) { queued = true; setTimeout(() => { queued = false; mark(); }, 250); }
  }).observe(document.body, {childList: true, subtree: true});
  mark();
})();
</script>"""


def accessible_page(*scripts: str) -> None:
    """The style sheet and the script above, and the page's other `scripts`, on the page being drawn (once per run,
    from streamlit_app.py): one element, since each takes a gap at the top of the page."""
    st.html(ACCESSIBLE_CSS + SCROLLABLE_JS + "".join(scripts), unsafe_allow_javascript=True)
