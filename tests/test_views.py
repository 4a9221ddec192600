"""Every link to a view lands on one: the glossary's terms, the lesson plan's steps and the class questions' demos
name a page and a section of it (`?view=NAME`), and some page of the app draws an anchor of that name (`section`,
`view`, or a heading's anchor). A misspelt view opens its page at the top, far from what the link promised."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from explainer.classroom.questions import QUESTIONS
from explainer.ui.shell.lesson import STEPS, VIEW_NAMES
from explainer.ui.shell.pages import BY_URL
from explainer.ui.shell.words import TERMS

ROOT = Path(__file__).resolve().parent.parent


def _anchors() -> set[str]:
    """The view names the app's code draws: section(title, "NAME"), view("NAME"), anchor="NAME"."""
    found = set()
    for path in [*ROOT.glob("app_pages/*.py"), *ROOT.glob("explainer/ui/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            args = {"section": node.args[1:2], "view": node.args[:1]}.get(name, [])
            args += [k.value for k in node.keywords if k.arg == "anchor"]
            found |= {a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    return found


def _linked() -> dict[tuple[str, int], str]:
    """The views that the code's own links name: {VIEW_KEY: "NAME"} in a page link's query (file, line) -> NAME."""
    found = {}
    for path in [*ROOT.glob("app_pages/*.py"), *ROOT.glob("explainer/ui/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict):
                for k, v in zip(node.keys, node.values):
                    if getattr(k, "id", "") == "VIEW_KEY" and isinstance(v, ast.Constant):
                        found[(path.name, node.lineno)] = v.value
    return found


ANCHORS = _anchors()
LINKS = (
    {("glossary", key): term.see for key, term in TERMS.items()}
    | {
        (f"step {step.n}", i): (link.url_path, link.view)
        for step in STEPS
        for i, link in enumerate((step.link, *step.more, *step.questions))
    }
    | {("named", i): where for i, where in enumerate(VIEW_NAMES)}
    | {("question", q.key): (q.page, q.view) for q in QUESTIONS}  # the demo each class question's answer opens
)


@pytest.mark.parametrize("where", list(LINKS), ids=[f"{a}-{b}" for a, b in LINKS])
def test_a_link_to_a_view_names_a_page_and_an_anchor_drawn(where: tuple) -> None:
    url_path, view = LINKS[where]
    assert url_path in BY_URL, f"{where}: no page {url_path!r}"
    assert view in ANCHORS, f"{where}: no view {view!r} on any page"


def test_the_collector_finds_the_views_it_should() -> None:
    assert {"scores", "context", "surprise", "head", "map", "swap"} <= ANCHORS
    assert "no-such-view" not in ANCHORS


@pytest.mark.parametrize(("where", "view"), list(_linked().items()))
def test_a_page_s_own_link_names_a_view_drawn(where: tuple, view: str) -> None:
    assert view in ANCHORS, f"{where}: no view {view!r} on any page"


def test_the_page_links_are_found() -> None:
    assert "context" in _linked().values() and "merges" in _linked().values()
