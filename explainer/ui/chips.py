"""Tokens drawn as chips: a piece of text each, in alternating colours so that a student sees where one ends (every
prompt's tokens, the Tokens page)."""

from __future__ import annotations

from explainer.format import html_escape, visible_token
from explainer.i18n import _

_CSS = """<style>
.tok-chips{line-height:2.3;font-size:1.125rem;margin:.2rem 0 .6rem}
.tok-chip{display:inline-block;padding:0 .45em;margin:0 .18em .25em 0;border-radius:.35em;
  font-family:ui-monospace,SFMono-Regular,Menlo,monospace;white-space:pre;line-height:1.7;
  background:rgba(31,95,191,.14);border:1px solid rgba(31,95,191,.35)}
.tok-chip:nth-child(even){background:rgba(232,89,12,.12);border-color:rgba(232,89,12,.35)}
.tok-chip.unk{background:rgba(207,34,46,.16);border:2px dashed rgb(207,34,46)}
.tok-chip.unk sup{color:rgb(207,34,46);font-size:.7em;margin-left:.25em}
.tok-cut{opacity:.7;font-style:italic;margin-right:.4em}
.tok-chip.with-id{display:inline-flex;flex-direction:column;align-items:center;line-height:1.35;padding:.15em .45em}
.tok-id{font-size:.62em;opacity:.8;font-family:ui-monospace,monospace}
.tok-chip.joined{background:rgba(232,89,12,.45);border:2px solid #e8590c;font-weight:700}
@media (hover:none){.tok-chips .tok-chip[data-tip]:focus{outline:3px solid #1f5fbf !important;outline-offset:1px}
.tok-chip[data-tip]:focus::after{content:attr(data-tip);position:fixed;left:.75rem;right:.75rem;bottom:.75rem;
  z-index:1000;padding:.55em .8em;border-radius:.45em;background:#262730;color:#fff;white-space:normal;
  font:1rem/1.4 "Source Sans",sans-serif;box-shadow:0 2px 10px rgba(0,0,0,.35)}}
</style>"""


def chip(piece: str, *, tip: str = "", classes: str = "", inner: str = "") -> str:
    """One chip: `piece` made visible (edge spaces as ␣, line breaks as ⏎) and escaped, with a hover `tip` (a touch
    screen has no hover: a tap shows the tip in a bar along the bottom; the chip is no Tab stop, as a screen reader
    already reads its `inner` text); `inner`: HTML after the piece inside the chip (its id, a mark), already escaped."""
    quoted = html_escape(tip, True)
    title = f' title="{quoted}" data-tip="{quoted}" tabindex="-1"' if tip else ""
    return f'<span class="tok-chip {classes}"{title}>{html_escape(visible_token(piece))}{inner}</span>'


def chip_row(chips: list[str], before: str = "") -> str:
    """The chips in a row that wraps, with their styles; `before`: HTML ahead of them (a note, already escaped)."""
    return f'{_CSS}<div class="tok-chips">{before}{"".join(chips)}</div>'


def chips_html(pieces: list[str], ids: list[int] | None = None, joined: list[bool] | None = None) -> str:
    """The pieces as chips, each with its id under it when `ids` are given; `joined` marks the ones a merge just
    made."""
    return chip_row(
        [
            chip(
                piece,
                tip=_("token {i} · id {id}").format(i=i + 1, id=ids[i]) if ids else "",
                classes=("with-id" if ids else "") + (" joined" if joined and joined[i] else ""),
                inner=f'<span class="tok-id">{ids[i]}</span>' if ids else "",
            )
            for i, piece in enumerate(pieces)
        ]
    )
