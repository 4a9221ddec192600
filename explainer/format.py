"""Text for people: numbers, durations, percentages and tokens written the way a person reads them, and strings from
outside (a link, a typed name, a file name, a model's tokens, an error that quotes them) made safe to show in
Streamlit's Markdown or in HTML. Plain Python: no plotly, no torch."""

from __future__ import annotations

import html
import math
import re
from decimal import Decimal
from functools import lru_cache

from babel.lists import format_list
from babel.numbers import format_compact_decimal, format_decimal, format_percent, get_decimal_symbol, get_group_symbol

from explainer.i18n import N_, _, language

SECONDS_PER_YEAR = 365.25 * 24 * 3600  # a year of 365.25 days
MINUS = "\u2212"  # −, the sign Plotly's axes write before a negative number

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


def md_code(text: str) -> str:
    """`text` as inline code in Streamlit Markdown, shown literally: a code span whose fence is longer than any run of
    backticks inside it."""
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def html_escape(text: object, attribute: bool = False) -> str:
    """`text` shown literally in HTML (st.html, a plotly label, which reads "<unk>" as a tag): < > & escaped, and
    quotes too inside an attribute's value."""
    return html.escape(str(text), quote=attribute)


# ----------------------------------------------------------------------------- tokens
# The other control characters as their one byte's value, as byte_piece writes bytes (NUL as ⟨00⟩): a browser shows
# NUL as � and the rest as nothing or an empty box, and Unicode's pictures of them (␀) are missing from common fonts.
_CONTROLS = {c: f"⟨{c:02x}⟩" for c in [*range(0x20), 0x7F] if chr(c) not in "\n\t"}


def visible_token(token: str) -> str:
    """A token as a student can see it: line breaks as ⏎, tabs as ⇥, other control characters as their byte
    (⟨00⟩, ⟨0d⟩), edge spaces as ␣, nothing as ∅."""
    if token == "":
        return "∅"
    shown = token.replace("\r\n", "⏎").replace("\n", "⏎").replace("\t", "⇥").translate(_CONTROLS)
    core = shown.strip(" ")
    if not core:
        return "␣" * len(shown)
    lead = len(shown) - len(shown.lstrip(" "))
    trail = len(shown) - len(shown.rstrip(" "))
    return "␣" * lead + core + "␣" * trail


def byte_piece(data: bytes) -> str:
    """A token's bytes as text: whole UTF-8 characters as themselves, and the bytes of a character that the
    tokenizer cut between tokens as their hex values, b"\\xe4\\xb8" -> '⟨e4 b8⟩' (never the replacement mark �).
    Byte-level tokenizers (GPT-2's, most multilingual models') cut Chinese, Arabic or emoji characters this way."""
    out, rest = [], data
    while rest:
        try:
            out.append(rest.decode("utf-8"))
            break
        except UnicodeDecodeError as e:
            out.append(rest[: e.start].decode("utf-8"))
            out.append("⟨" + " ".join(f"{b:02x}" for b in rest[e.start : e.end]) + "⟩")
            rest = rest[e.end :]
    return "".join(out).replace("⟩⟨", " ")  # one ⟨…⟩ per run of loose bytes


def complete_text(data: bytes) -> tuple[str, bytes]:
    """Bytes written so far as (text, the bytes still waiting): a character whose last bytes have not come yet waits;
    bytes that can never make a character are shown as byte_piece shows them (⟨ad⟩)."""
    for cut in range(len(data), max(len(data) - 4, -1), -1):  # a UTF-8 character is at most 4 bytes long
        try:
            data[cut:].decode("utf-8")
        except UnicodeDecodeError as e:
            if e.reason == "unexpected end of data":  # the start of a character, cut short
                return byte_piece(data[:cut]), data[cut:]
    return byte_piece(data), b""


def token_word(text: str) -> str:
    """A token as a word in a sentence-like table: no edge spaces, line breaks as ↵, a bare space as ␣."""
    shown = text.replace("\n", "↵").strip()
    return shown or "␣"


# ----------------------------------------------------------------------------- numbers
# Written the way the language in use writes them (Babel): 97.6% in English, 97,6 % in German, 1 234 in French.
def significant(x: float, digits: int = 3) -> Decimal:
    """`x` rounded to `digits` significant figures, as a Decimal that keeps exactly those digits."""
    return Decimal(f"{x:.{digits}g}")


@lru_cache(maxsize=16)
def _digit_marks(lang: str) -> dict[int, str]:
    return str.maketrans({".": get_decimal_symbol(lang), ",": get_group_symbol(lang)})


def local_digits(written: str) -> str:
    """A number Python wrote ("1,234.5", "-0.52", "1.5e-09") with the language's decimal point and thousands
    separator ("1.234,5" in German) and a minus sign ("−0,52"): for numbers a format string writes faster or other
    than babel does."""
    return _minus(written.translate(_digit_marks(language())))


def _minus(written: str) -> str:
    """A number written with a leading hyphen, with a minus sign instead."""
    return MINUS + written[1:] if written.startswith("-") else written


def number(x: float, decimals: int | None = None) -> str:
    """1234567 -> '1,234,567' (en), '1.234.567' (de); -0.58 -> '−0.58' (a minus sign, as the charts' axes write it:
    a hyphen is easy to miss on a projector); `decimals`: that many digits after the point (else as given, to
    12 significant digits, without a float's noise: 0.03 / 10 -> '0.003'; beyond 1e15 or below 1e-6, or not finite,
    as '{:g}' writes it: '1e+30')."""
    if decimals is not None:
        x = round(x, decimals) + 0.0  # -0.0004 -> 0.0, never "-0.00"
        written = format_decimal(x, format="#,##0" + ("." + "0" * decimals if decimals else ""), locale=language())
    elif isinstance(x, float) and (not math.isfinite(x) or (x and not 1e-6 <= abs(x) < 1e15)):
        written = local_digits(f"{x:g}")
    else:
        x = float(f"{x:.12g}") if isinstance(x, float) else x
        written = format_decimal(x, locale=language(), decimal_quantization=False)
    return _minus(written)


def listing(items: list[str]) -> str:
    """['CPU (1 thread)', 'CPU (2 threads)'] -> 'CPU (1 thread) and CPU (2 threads)', in the class's language
    ('… und …', '…、…和…')."""
    return format_list(list(items), locale=language()) if items else ""


def signed(x: float, decimals: int = 1) -> str:
    """A change with its sign: 0.8 -> '+0.8', -0.12 -> '−0.1', and 0 (or what rounds to it) -> '0.0', never '-0.0'."""
    written = number(x, decimals)
    return written if written.startswith(MINUS) or round(x, decimals) == 0 else "+" + written


def percent(p: float) -> str:
    """0.976 -> '97.6%', 0.0421 -> '4.21%', 0.00012 -> '0.012%', 3e-9 -> '<0.001%' (German: '97,6 %')."""
    if p <= 0:
        return format_percent(0, locale=language())
    if p < 1e-5:
        return "<" + format_percent(Decimal("0.00001"), locale=language(), decimal_quantization=False)
    return _percent_text(f"{100 * p:.3g}", language())


@lru_cache(maxsize=8192)
def _percent_text(digits: str, lang: str) -> str:
    """Babel's text for `digits` % (a chart's text alternative asks for hundreds at once: 25 µs each uncached)."""
    return format_percent(Decimal(digits) / 100, locale=lang, decimal_quantization=False)


def fixed_percent(p: float, decimals: int = 0) -> str:
    """0.25 -> '25%' (German '25 %'), rounded to `decimals` digits after the point: fixed_percent(0.1234, 1) -> '12.3%'
    (a trailing 0 is dropped)."""
    rounded = round(Decimal(str(p)) * 100, decimals) / 100
    return format_percent(rounded, locale=language(), decimal_quantization=False)


def rough_percent(p: float) -> str:
    """0.976 -> '98%', 0.004 -> '<1%': a probability at a glance."""
    if p < 0.005:
        return "<" + format_percent(0.01, locale=language())
    return format_percent(p, locale=language())


def points(delta: float) -> str:
    """A change of probability in percentage points: +1.2 pts, −0.03 pts, ±0."""
    pts = 100 * delta
    if abs(pts) < 0.0005:
        return "±0"
    sign = "+" if pts > 0 else MINUS
    return _("{value} pts").format(value=sign + number(significant(abs(pts))))


def factor(x: float) -> str:
    """How many times as much, as a person writes it: 312.4 -> '312×', 1234 -> '1,234×', 12.3 -> '12×',
    3.46 -> '3.5×', 0.62 -> '0.62×' (never '3e+02×'); in the class's language ('1,9×' in German)."""
    if x >= 9.95:
        return f"{number(x, 0)}×"
    if x >= 0.995:
        return f"{number(x, 1)}×"
    return f"{_two_figures(x)}×"


def _two_figures(x: float) -> str:
    """x to two significant figures, in the class's language: 0.4213 -> '0.42', 5.0 -> '5'."""
    return number(float(f"{x:.2g}"))


def milliseconds(ms: float) -> str:
    """A timing: 0.4213 -> '0.42 ms', 24.3 -> '24 ms', 5445 -> '5.4 s', 12_345 -> '12 s' ('5,4 s' in German)."""
    if ms >= 999.5:
        return f"{_two_figures(ms / 1000)} s" if ms < 9950 else f"{number(ms / 1000, 0)} s"
    return f"{_two_figures(ms)} ms" if ms < 10 else f"{number(ms, 0)} ms"


def human_count(n: int) -> str:
    """A count at a glance, as the language writes it short (CLDR, through Babel): 2_412_345 -> '2.4M' (German
    '2,4 Mio.', Chinese '241万'), 124_439_808 -> '124M', 85_000 -> '85K', 999 -> '999'. Two digits at most before
    the point, one after it below ten; a size the language has no short word for is written out ('85.000')."""
    if abs(n) < 1000:
        return number(n)
    short = _compact(n, 2)
    return short if re.search(r"[^\d\s.,]", short) else number(round(n))  # no word for this size: German 85.000


def weights_size(n_params: int) -> str:
    """Memory the parameters take as 32-bit floats: 2_174_208 -> '8.7 MB'."""
    mb = n_params * 4 / 1e6
    if mb >= 1000:
        return _("{n} GB").format(n=number(mb / 1000, 1))
    return _("{n} MB").format(n=number(mb, 1 if mb < 100 else 0))


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def sci(x: float, digits: int = 2) -> str:
    """3.15e23 -> '3.2 × 10²³' (digits significant figures)."""
    if x == 0:
        return "0"
    mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
    return f"{number(float(mantissa), digits - 1)} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def big_number(x: float) -> str:
    """175e9 -> '175 billion' (German '175 Milliarden', Chinese '1750亿'), 1.4e12 -> '1.4 trillion', 293_977 ->
    '293,977': three significant figures and the language's own words for large numbers (CLDR, through Babel)."""
    return number(x, 0) if abs(x) < 1e6 else _compact(x, 3, "long")


def _compact(x: float, figures: int, kind: str = "short") -> str:
    """`x` in the language's unit for its size ("2.4M", "241万", long: "2.4 million"), with decimals up to `figures`
    significant figures, none past the point once the digits before it reach them ("124M")."""
    rough = format_compact_decimal(x, locale=language(), format_type=kind, fraction_digits=figures - 1)
    whole = len(re.match(r"-?(\d*)", rough).group(1))  # digits before the point, in that unit
    return format_compact_decimal(x, locale=language(), format_type=kind, fraction_digits=max(0, figures - whole))


# ----------------------------------------------------------------------------- durations
def duration_from_seconds(seconds: float) -> str:
    """A clock's reading: 95 -> '1 min 35 s', 4000 -> '1 h 6 min', 12 -> '12 s'."""
    s = int(round(seconds))
    if s < 60:
        return _("{s} s").format(s=s)
    if s < 3600:
        return _("{m} min {s} s").format(m=s // 60, s=f"{s % 60:02d}")
    return _("{h} h {m} min").format(h=s // 3600, m=(s % 3600) // 60)


_UNITS = (
    (60, 1, N_("{n} seconds")),
    (3600, 60, N_("{n} minutes")),
    (86400, 3600, N_("{n} hours")),
    (SECONDS_PER_YEAR, 86400, N_("{n} days")),
)


def duration_from_years(years: float) -> str:
    """A duration in the unit a person would use: '0.07 seconds', '23.5 hours', '2,852 years', '1.2 billion years'."""
    seconds = years * SECONDS_PER_YEAR
    for size, per, unit in _UNITS:
        if seconds < size:
            return _(unit).format(n=number(significant(seconds / per)))
    if years < 1e6:
        return _("{n} years").format(n=number(years, 0) if years >= 100 else number(significant(years)))
    return _("{large} years").format(large=big_number(years))  # "1.2 billion years": French "… d'années"
