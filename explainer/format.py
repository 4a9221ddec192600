"""Text for people: numbers, durations, percentages and tokens written the way a person reads them, and strings from
outside (a link, a typed name, a file name, a model's tokens, an error that quotes them) made safe to show in
Streamlit's Markdown or in HTML. Plain Python: no plotly, no torch."""

from __future__ import annotations

import html
import re

SECONDS_PER_YEAR = 365.25 * 24 * 3600  # a year of 365.25 days

# ----------------------------------------------------------------------------- strings from outside
# What Streamlit's Markdown could turn into something other than the text itself: links and images ([ ]),
# autolinks (<), raw HTML (<) and entities (&), emphasis and code (* _ ~ `), LaTeX ($), emoji / icons / colours
# (:name:), headings and tables (# |), and the escape character itself.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~$:&])")
# GFM also links bare addresses (http://, https://, www., name@host), found in the text after escapes are read:
# a zero-width space breaks each pattern without changing what the student sees.
_BARE_LINK = re.compile(r"(?i)(\bhttps?:|\bwww(?=\.)|(?=@))")
ZWSP = "\u200b"


def md_escape(text: object) -> str:
    """`text` shown literally inside Streamlit Markdown (st.markdown, st.error, st.caption, ...): no link,
    image, formatting or autolink can come out of it. Ordinary punctuation (. - ( ) ' ") is left alone."""
    return _MD_SPECIAL.sub(r"\\\1", _BARE_LINK.sub(lambda m: m.group(1) + ZWSP, str(text)))


def html_escape(text: object, attribute: bool = False) -> str:
    """`text` shown literally in HTML (st.html, a plotly label, which reads "<unk>" as a tag): < > & escaped, and
    quotes too inside an attribute's value."""
    return html.escape(str(text), quote=attribute)


# ----------------------------------------------------------------------------- tokens
def visible_token(token: str) -> str:
    """A token as a student can see it: newlines as ⏎, tabs as ⇥, edge spaces as ␣, nothing as ∅."""
    if token == "":
        return "∅"
    shown = token.replace("\r", "").replace("\n", "⏎").replace("\t", "⇥")
    core = shown.strip(" ")
    if not core:
        return "␣" * len(shown)
    lead = len(shown) - len(shown.lstrip(" "))
    trail = len(shown) - len(shown.rstrip(" "))
    return "␣" * lead + core + "␣" * trail


def token_word(text: str) -> str:
    """A token as a word in a sentence-like table: no edge spaces, line breaks as ↵, a bare space as ␣."""
    shown = text.replace("\n", "↵").strip()
    return shown or "␣"


# ----------------------------------------------------------------------------- numbers
def percent(p: float) -> str:
    """0.976 -> '97.6%', 0.0421 -> '4.21%', 0.00012 -> '0.012%', 3e-9 -> '<0.001%'."""
    if p <= 0:
        return "0%"
    if p < 1e-5:
        return "<0.001%"
    return f"{100 * p:.3g}%"


def rough_percent(p: float) -> str:
    """0.976 -> '98%', 0.004 -> '<1%': a probability at a glance."""
    return f"{p:.0%}" if p >= 0.005 else "<1%"


def points(delta: float) -> str:
    """A change of probability in percentage points: +1.2 pts, −0.03 pts, ±0."""
    pts = 100 * delta
    if abs(pts) < 0.0005:
        return "±0"
    sign = "+" if pts > 0 else "−"
    return f"{sign}{abs(pts):.3g} pts"


def factor(x: float) -> str:
    """How many times as much, as a person writes it: 312.4 -> '312×', 1234 -> '1,234×', 12.3 -> '12×',
    3.46 -> '3.5×', 0.62 -> '0.62×' (never '3e+02×')."""
    if x >= 9.95:
        return f"{x:,.0f}×"
    if x >= 0.995:
        return f"{x:.1f}×"
    return f"{x:.2g}×"


def milliseconds(ms: float) -> str:
    """A timing: 0.4213 -> '0.42 ms', 24.3 -> '24 ms', 5445 -> '5.4 s', 12_345 -> '12 s'."""
    if ms >= 999.5:
        return f"{ms / 1000:.2g} s" if ms < 9950 else f"{ms / 1000:,.0f} s"
    return f"{ms:.2g} ms" if ms < 10 else f"{ms:.0f} ms"


def human_count(n: int) -> str:
    """2_412_345 -> '2.4 M', 124_439_808 -> '124 M', 85_000 -> '85 K', 999 -> '999'."""
    for div, unit in ((10**12, "T"), (10**9, "B"), (10**6, "M"), (10**3, "K")):
        if abs(n) >= div:
            x = n / div
            text = f"{x:.1f}" if round(x, 1) < 10 else f"{x:.0f}"
            return f"{text} {unit}"
    return str(n)


def weights_size(n_params: int) -> str:
    """Memory the parameters take as 32-bit floats: 2_174_208 -> '8.7 MB'."""
    mb = n_params * 4 / 1e6
    return f"{mb / 1000:.1f} GB" if mb >= 1000 else f"{mb:.1f} MB" if mb < 100 else f"{mb:.0f} MB"


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
_LARGE = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


def sci(x: float, digits: int = 2) -> str:
    """3.15e23 -> '3.2 × 10²³' (digits significant figures)."""
    if x == 0:
        return "0"
    mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
    return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def big_number(x: float) -> str:
    """175e9 -> '175 billion', 1.4e12 -> '1.4 trillion', 293_977 -> '293,977'."""
    for size, word in _LARGE:
        if abs(x) >= size:
            return f"{x / size:.3g} {word}"
    return f"{x:,.0f}"


# ----------------------------------------------------------------------------- durations
def duration_from_seconds(seconds: float) -> str:
    """A clock's reading: 95 -> '1 min 35 s', 4000 -> '1 h 6 min', 12 -> '12 s'."""
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {(s % 3600) // 60} min"


def duration_from_years(years: float) -> str:
    """A duration in the unit a person would use: '0.07 seconds', '23.5 hours', '2,852 years', '1.2 billion years'."""
    seconds = years * SECONDS_PER_YEAR
    for size, unit in ((60, "seconds"), (3600, "minutes"), (86400, "hours"), (SECONDS_PER_YEAR, "days")):
        if seconds < size:
            per = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}[unit]
            return f"{seconds / per:.3g} {unit}"
    if years < 1e6:
        return f"{years:,.0f} years" if years >= 100 else f"{years:.3g} years"
    return f"{big_number(years)} years"
