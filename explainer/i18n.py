"""Translations: every string the app shows goes through `_()` (or `ngettext`, `pgettext`); the catalogs are gettext
`.po` files in explainer/locales/<language>/LC_MESSAGES/messages.po, read with Babel when a language is first used
(no compiled .mo file, no build step). `make messages` extracts the strings into explainer/locales/messages.pot and
updates the catalogs. Plain Python: no streamlit.

The language in use is asked of a getter that explainer/ui registers (the session's language), unless this thread
holds one (`hold_language`: the app's top, for its run; Streamlit reruns a fragment in a script thread of its own,
which asks the getter again); outside a session (the CLI, tests) it is English. A module-level constant is marked
with `N_()` and translated where it is shown (`_(CONSTANT)`)."""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"
DEFAULT = "en"
# Each language named in itself (the picker's labels), in the order the picker lists them.
LANGUAGES = {
    "en": "English",
    "es": "Español",
    "fr": "Français",
    "de": "Deutsch",
    "pt_BR": "Português (Brasil)",
    "zh_CN": "中文（简体）",
}

_getter: Callable[[], str] | None = None
_override: ContextVar[str | None] = ContextVar("language_override", default=None)


def use_language_from(getter: Callable[[], str] | None) -> None:
    """Register where the language in use comes from (explainer/ui: the session's choice); None: English."""
    global _getter
    _getter = getter


def language() -> str:
    """The language in use: a `speaking()` block's, else the registered getter's, else English."""
    lang = _override.get() or (_getter() if _getter is not None else DEFAULT)
    return lang if lang in LANGUAGES else DEFAULT


def hold_language(lang: str) -> None:
    """Use `lang` for the rest of this thread's work without asking the getter (the app's top does it on every
    run: a chart's text alternative translates hundreds of cells, and asking the session each time was 4 % of a
    class's server time). A thread that did not hold one (a fragment rerun in a thread of its own) asks the getter."""
    _override.set(lang)


class speaking:  # noqa: N801 (used like a function: `with speaking("de"): ...`)
    """A block of code in another language (tests, a screenshot): `with speaking("de"): ...`."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __enter__(self) -> str:
        self._token = _override.set(self.lang)
        return self.lang

    def __exit__(self, *exc) -> None:
        _override.reset(self._token)


def catalog_path(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The language's catalog, read once per process (fuzzy and empty entries fall back to English)."""
    path = catalog_path(lang)
    if lang == DEFAULT or not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    mo = io.BytesIO()
    write_mo(mo, catalog)  # in memory: Python's gettext reads it (and its plural rule) as it would a .mo file
    mo.seek(0)
    return gettext.GNUTranslations(mo)


def _(message: str) -> str:
    """`message` in the language in use."""
    return translations(language()).gettext(message) if message else message


def N_(message: str) -> str:  # noqa: N802 (gettext's name)
    """Marks `message` for the catalog without translating it (a module-level constant, translated where shown)."""
    return message


def pgettext(context: str, message: str) -> str:
    """`message` in the language in use, in the sense `context` names (English uses one word, e.g. "Layers", where
    another language needs two: the page's name and a count of layers)."""
    return translations(language()).pgettext(context, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of `singular` / `plural` for `n` in the language in use (`.format(n=...)` it after)."""
    return translations(language()).ngettext(singular, plural, n)


def sentences(*parts: str) -> str:
    """Translated sentences as one paragraph: a space between them, none in Chinese ("…。它…", not "…。 它…")."""
    return ("" if language() == "zh_CN" else " ").join(p for p in parts if p)
