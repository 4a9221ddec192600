"""A text the student wrote goes with them to the other pages that read one (explainer/ui/text_elsewhere.py)."""

from __future__ import annotations

import ast
from urllib.parse import parse_qs

import pytest

from explainer.ui import prediction
from explainer.ui.shell.models import get_backend
from explainer.ui.shell.navigation import CARRY_KEY
from explainer.ui.shell.pages import BY_URL
from explainer.ui.text_elsewhere import PROMPT_PAGES

from .apptest import ROOT, checked, open_page

NEXT_WORD, ATTENTION, TOKENS = "app_pages/next_word.py", "app_pages/attention.py", "app_pages/tokens.py"
OWN = "The boat came slowly to the bank of the river and"


def _carried(at) -> dict[str, str]:
    """The row's links: url path -> the text each carries (the poll's own link carries the text too)."""
    links = [(p.proto.page, parse_qs(p.proto.query_string)) for p in at.get("page_link")]
    return {page: query["prompt"][0] for page, query in links if page in PROMPT_PAGES and "prompt" in query}


def test_the_pages_example_offers_no_links_and_a_typed_text_offers_every_other_prompt_page() -> None:
    at = open_page(NEXT_WORD)
    assert _carried(at) == {} and "Your text on another page:" not in [c.value for c in at.caption]
    at.text_area(key="prompt").set_value(OWN)
    carried = _carried(checked(at.run()))
    assert set(carried) == set(PROMPT_PAGES) - {"next-word"} and set(carried.values()) == {OWN}
    assert "Your text on another page:" in [c.value for c in at.caption]


def test_a_link_opens_the_other_page_on_the_same_text() -> None:
    at = open_page(ATTENTION, query={"prompt": OWN, CARRY_KEY: "1"})
    assert at.text_area(key="prompt").value == OWN
    assert CARRY_KEY not in at.query_params and at.query_params["prompt"] == OWN  # the mark goes once read
    assert set(_carried(at)) == set(PROMPT_PAGES) - {"attention"}  # and on from there


def test_a_text_longer_than_the_context_carries_the_part_the_model_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    backend = get_backend("builtin")
    text = " ".join(f"A cow says moo and a dog says woof, number {i}." for i in range(60))
    read = backend.tokenize(text)[-backend.info.context_length :]
    at = open_page(NEXT_WORD)
    at.text_area(key="prompt").set_value(text)
    carried = set(_carried(checked(at.run())).values())
    assert len(carried) == 1 and len(part := carried.pop()) < len(text) and text.endswith(part)
    assert [t.id for t in backend.tokenize(part)] == [t.id for t in read]  # the other page reads the same tokens
    monkeypatch.setattr(prediction, "MAX_LINK_CHARS", len(part) - 1)  # too long for an address: no links
    assert _carried(checked(at.run())) == {}


def test_the_list_names_every_page_with_the_shared_text_box() -> None:
    """A page that calls prompt_section is in PROMPT_PAGES, and only those: a new one is not left out."""
    calling = set()
    for entry in BY_URL.values():
        tree = ast.parse((ROOT / entry.file).read_text())
        names = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
        if "prompt_section" in names:
            calling.add(entry.url_path)
    assert calling == set(PROMPT_PAGES)


def test_a_text_typed_on_the_tokens_page_goes_to_every_prompt_page() -> None:
    at = open_page(TOKENS)
    assert _carried(at) == {}  # its example
    at.text_area(key="tok_text").set_value(OWN)
    assert _carried(checked(at.run())) == dict.fromkeys(PROMPT_PAGES, OWN)
