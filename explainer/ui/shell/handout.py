"""The lesson plan on one printed page: a self-contained HTML file (no fonts, scripts or images from anywhere) with
print CSS for one landscape A4 / Letter sheet, downloaded from the home page."""

from __future__ import annotations

from explainer.format import html_escape
from explainer.ui.shell.lesson import PARTS, Step, starts

_CSS = """
@page { size: landscape; margin: 10mm; }
body { font-family: system-ui, "Segoe UI", Helvetica, Arial, sans-serif; color: #111; margin: 0; font-size: 10.5pt; }
h1 { font-size: 15pt; margin: 0 0 2mm; }
p.note { margin: 0 0 3mm; color: #333; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: 1.2mm 1.8mm; vertical-align: top; text-align: left; }
th { background: #eee; }
td.part { background: #f6f6f6; font-weight: 700; }
td.time { white-space: nowrap; }
tr { break-inside: avoid; }
"""


def _row(step: Step, start: int) -> str:
    cells = [html_escape(step.link.place()), html_escape(step.click), html_escape(step.ask)]
    return (
        f'<tr><td class="time">{start}′–{start + step.minutes}′</td>'
        f"<td><b>{step.n} · {html_escape(step.title)}</b><br>{html_escape(step.line)}</td>"
        + "".join(f"<td>{c}</td>" for c in cells)
        + "</tr>"
    )


def handout_html(title: str = "How large language models work: the lesson plan") -> str:
    """The whole plan as one HTML page: a row per step (time, point, where, click, ask), a heading row per part."""
    start, total = starts(), sum(s.minutes for part in PARTS.values() for s in part)
    rows = []
    for part, steps in PARTS.items():
        rows.append(f'<tr><td class="part" colspan="5">{html_escape(part)}</td></tr>')
        rows += [_row(step, start[step.n]) for step in steps]
    head = "<tr><th>time</th><th>the point</th><th>open (page → section)</th><th>click</th><th>ask the class</th></tr>"
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html_escape(title)}</title>'
        f"<style>{_CSS}</style></head><body><h1>{html_escape(title)} · {total} minutes</h1>"
        '<p class="note">Each step opens from the app\'s home page (the lesson plan); previous / next at the bottom '
        "of every page walk the story in this order. Presenter mode (sidebar) makes everything projector-sized.</p>"
        f"<table>{head}{''.join(rows)}</table></body></html>"
    )
