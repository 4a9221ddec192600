"""Every page in the app's other languages (test_languages.py has the first ones and says what is checked): a file
of its own so that the two test processes share the languages' ten minutes."""

from __future__ import annotations

import pytest

from explainer.i18n import LANGUAGES

from .harness import Server
from .test_languages import FIRST_HALF, every_page_in

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang not in FIRST_HALF])
def test_every_page_in_every_language(browser, server: Server, lang: str) -> None:
    every_page_in(browser, server, lang)
