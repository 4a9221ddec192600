"""The lesson plan on one printed page: a self-contained HTML file (no fonts, scripts or images from anywhere) with
print CSS for one landscape A4 / Letter sheet, downloaded from the home page; on the sheets after it (two, in every
language), the class questions (explainer/classroom/questions.py) with their answers, for the teacher."""

from __future__ import annotations

from explainer.classroom.questions import QUESTIONS
from explainer.format import html_escape
from explainer.i18n import _, language
from explainer.ui.shell.lesson import PARTS, Step, starts

_CSS = """
@page { size: landscape; margin: 7mm; }
body { font-family: system-ui, "Segoe UI", Helvetica, Arial, sans-serif; color: #111; margin: 0; font-size: 7.5pt; }
h1 { font-size: 14pt; margin: 0 0 1.5mm; }
p.note { margin: 0 0 2mm; color: #333; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: 0.7mm 1.4mm; vertical-align: top; text-align: left; }
th { background: #eee; }
td.part { background: #f6f6f6; font-weight: 700; }
td.time { white-space: nowrap; }
tr { break-inside: avoid; }
h2 { font-size: 12pt; margin: 0 0 1.5mm; break-before: page; }
span.right { font-weight: 700; }
table.answers { font-size: 8pt; }  /* the teacher's key: readable type, on as many sheets as the questions take */
table.answers td { padding: 0.6mm 1.4mm; }
table.answers td:first-child { width: 3%; }
table.answers td:nth-child(2) { width: 24%; }
table.answers td:nth-child(3) { width: 33%; }  /* the answers' lines set most rows' height */
"""


def _row(step: Step, start: int) -> str:
    cells = [html_escape(step.link.place()), html_escape(_(step.click)), html_escape(_(step.ask))]
    return (
        f'<tr><td class="time">{start}′–{start + step.minutes}′</td>'
        f"<td><b>{step.n} · {html_escape(_(step.title))}</b><br>{html_escape(_(step.line))}</td>"
        + "".join(f"<td>{c}</td>" for c in cells)
        + "</tr>"
    )


def handout_html(title: str | None = None) -> str:
    """The whole plan as one HTML page: a row per step (time, point, where, click, ask), a heading row per part."""
    title = title or _("How large language models work: the lesson plan")
    start, total = starts(), sum(s.minutes for part in PARTS.values() for s in part)
    rows = []
    for part, steps in PARTS.items():
        rows.append(f'<tr><td class="part" colspan="5">{html_escape(_(part))}</td></tr>')
        rows += [_row(step, start[step.n]) for step in steps]
    columns = (_("time"), _("the point"), _("open (page → section)"), _("click"), _("ask the class"))
    head = "<tr>" + "".join(f"<th>{html_escape(c)}</th>" for c in columns) + "</tr>"
    note = _(
        "Each step opens from the app's home page (the lesson plan); previous / next at the bottom of every page walk "
        "the story in this order. Presenter mode (sidebar) makes everything projector-sized."
    )
    heading = _("{title} · {total} minutes").format(title=title, total=total)
    answers = _("Class questions and their answers")
    return (
        f'<!doctype html><html lang="{language().replace("_", "-")}"><head><meta charset="utf-8">'
        f"<title>{html_escape(title)}</title><style>{_CSS}</style></head><body><h1>{html_escape(heading)}</h1>"
        f'<p class="note">{html_escape(note)}</p><table>{head}{"".join(rows)}</table>'
        f"<h2>{html_escape(answers)}</h2>{_answer_key()}</body></html>"
    )


def _answer_key() -> str:
    """A row per class question: its step, the question, its answers (the right one bold), and why."""
    columns = (_("step"), _("question"), _("answers"), _("why"))
    rows = [
        f"<tr><td>{q.step}</td><td>{html_escape(_(q.text))}</td><td>"
        + " · ".join(
            f'<span class="{"right" if k == q.right else ""}">{x} {html_escape(_(c))}{" ✓" if k == q.right else ""}'
            "</span>"
            for k, (x, c) in enumerate(zip(q.letters, q.choices))
        )
        + f"</td><td>{html_escape(_(q.why))}</td></tr>"
        for q in QUESTIONS
    ]
    head = "<thead><tr>" + "".join(f"<th>{html_escape(c)}</th>" for c in columns) + "</tr></thead>"
    return f'<table class="answers">{head}<tbody>{"".join(rows)}</tbody></table>'
