"""The guided tour: previous / next links in the story's order, the lesson plan on the home page,
and presenter mode (kept in the URL across page switches, advanced controls hidden, bigger charts)."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
from streamlit.testing.v1 import AppTest

from explainer.ui.shell.lesson import PARTS, STEP_KEY, STEPS, Link, Step
from explainer.ui.shell.pages import BY_URL, PAGES, STORY
from explainer.ui.shell.presenter import PRESENT_KEY, PRESENTER_CSS, _scaled

from .apptest import APP, chart_specs, no_crash, open_page


def run_app(**query: str) -> AppTest:
    """The home page with the URL's parameters `query`."""
    return open_page(query=query, errors_ok=True)


def go(at: AppTest, path: str) -> AppTest:
    """Switch page as the browser does: the navigation drops the address bar's parameters."""
    at.switch_page(path)
    at.query_params.clear()
    return no_crash(at.run())


def story() -> list[tuple[str, str, str]]:
    """(url path, title, file relative to the app) of every story page (reference pages such as the glossary are
    outside the previous / next walk), in the registry's (the navigation's) order."""
    return [(p.url_path, p.title, p.file) for p in STORY]


def footer(at: AppTest) -> dict[str, tuple[str, str]]:
    """{"Previous" / "Next": (url path, label)}: the story's links at the bottom of the page."""
    by_word = {label.split(":")[0]: (page, label) for page, label, _query in turns(at)}
    return {word: link for word, link in by_word.items() if word in ("Previous", "Next")}


def test_sidebar_lists_every_page_by_section_in_the_registrys_order() -> None:
    """The navigation is drawn as page links (Streamlit's own list fails axe): every page, once, in order, under its
    section's name, whichever page is shown."""
    for path in ("", "app_pages/layers.py"):
        at = run_app() if not path else go(run_app(), path)
        assert [el.proto.page for el in at.sidebar.get("page_link")] == [p.url_path for p in PAGES]
        names = [m.value for m in at.sidebar.markdown]
        sections = list(dict.fromkeys(p.section for p in PAGES))
        assert [n for n in names if n.strip("*") in sections] == [f"**{s}**" for s in sections]


def test_pages_link_to_their_neighbours_in_story_order() -> None:
    at = run_app()
    pages = story()
    assert pages[0][0] == "" and len(pages) >= 9, "home first, then the story's pages"
    files = [path for _, _, path in pages]
    # The first and the last page, and two that start or end a section of the navigation.
    visit = [0, files.index("app_pages/sampling.py"), files.index("app_pages/embeddings.py"), len(pages) - 1]
    for i in visit:
        if i:
            go(at, files[i])
        links = footer(at)
        if i == 0:  # the lesson plan: on to its first step
            assert turns(at) == [("chat", "Next step: 1 · The torn script", STEPS[0].query(STEPS[0].link))]
            continue
        assert links["Previous"] == (pages[i - 1][0], f"Previous: {pages[i - 1][1]}")
        if i == len(pages) - 1:
            assert "Next" not in links, "the last page has no next page"
        else:
            assert links["Next"] == (pages[i + 1][0], f"Next: {pages[i + 1][1]}")


def test_a_page_that_stops_early_still_has_the_links() -> None:
    at = go(run_app(), "app_pages/next_word.py")
    at.text_area(key="prompt").set_value("   ")
    at = no_crash(at.run())
    assert any("Type some text" in i.value for i in at.info), "the page stopped, saying why"
    assert set(footer(at)) == {"Previous", "Next"}


# ----------------------------------------------------------------------------- the lesson plan
def test_lesson_plan_links_each_point_to_a_page_of_the_app() -> None:
    at = run_app()
    pages = story()
    lesson = [el.proto for el in at.main.get("page_link") if el.proto.label.split(":")[0] not in ("Previous", "Next")]
    linked = {p.page for p in lesson}
    assert linked >= {url for url, _, _ in pages[1:]}, "every page of the story but home"
    assert linked <= set(BY_URL) - {""}, "only pages of the app (the class poll too, which the story does not count)"
    points = [p for part in PARTS.values() for p in part]
    assert [p.n for p in points] == list(range(1, 16)), "the story's 15 points, in order"
    text = [m.value for m in at.markdown]
    for point in points:
        head = f"{point.n} · {point.title}"
        first = [p for p in lesson if p.label == head]
        assert len(first) == 1 and first[0].page == point.link.url_path, f"point {point.n} links to its page once"
        query = dict(parse_qsl(first[0].query_string))
        assert query == {**point.link.query, STEP_KEY: str(point.n)}, "its view and settings, and the step it is"
        assert point.line in text


def follow(at: AppTest, step: Step, link: Link) -> AppTest:
    """Click one of `step`'s links on the lesson plan (or a footer's link to it)."""
    at.switch_page(BY_URL[link.url_path].file)
    at.query_params.clear()
    at.query_params.update(step.query(link))
    return no_crash(at.run())


def turns(at: AppTest) -> list[tuple[str, str, dict[str, str]]]:
    """The footer's links, in order: (url path, label, query parameters)."""
    links = [el.proto for el in at.main.get("page_link")]
    footer_links = [p for p in links if p.label.startswith(("Previous", "Back to the lesson plan", "Next"))]
    return [(p.page, p.label, dict(parse_qsl(p.query_string))) for p in footer_links]


def start(at: AppTest) -> tuple[str, str, dict[str, str]]:
    """The lesson plan's link at its top: (url path, label, query parameters)."""
    (link,) = [el.proto for el in at.main.get("page_link") if el.proto.label.startswith(("On your own", "Go on"))]
    return link.page, link.label, dict(parse_qsl(link.query_string))


def test_a_newcomer_starts_at_the_top_of_the_plan_where_its_footer_would_take_them() -> None:
    at = run_app()
    assert start(at) == ("chat", "On your own? Start here: 1 · The torn script", STEPS[0].query(STEPS[0].link))
    assert start(at)[2] == turns(at)[-1][2], "the same view as the footer's Next step"
    links = [el.proto.label for el in at.main.get("page_link")]
    assert links.index(start(at)[1]) == 0, "above the plan's own links"


def asked(at: AppTest) -> list[str]:
    """The lesson step's question above the footer's links."""
    return [m.value for m in at.main.markdown if "ask the class" in m.value]


def test_a_page_opened_from_the_plan_walks_the_plans_steps() -> None:
    """In the plan, Scale's reading (step 4) comes before Train it yourself (step 5); in the sidebar Human feedback
    follows Scale. A page opened from the plan turns to the plan's steps (a clicker follows the lesson), each link
    with its step's view and settings; the way back lands on the step's box. Opened from the sidebar: the story."""
    at = follow(run_app(), STEPS[3], STEPS[3].link)
    assert turns(at) == [
        ("sampling", "Previous step: 3 · Sampling", STEPS[2].query(STEPS[2].link)),
        ("", "Back to the lesson plan", {"view": "step-4"}),
        ("train", "Next step: 5 · Parameters are dials", {"view": "live", STEP_KEY: "5"}),
    ]
    assert STEP_KEY not in at.query_params, "taken out of the address bar, as the view is"
    assert asked(at) == ["**Step 4 of 15** · ask the class: How many lifetimes is that?"], "the step's question"
    at = follow(at, STEPS[4], STEPS[4].link)
    assert turns(at)[2] == ("train", "Next step: 6 · One training step", {"view": "nudge", STEP_KEY: "6"})
    story_next = [t for t in turns(go(at, "app_pages/layers.py")) if t[0] == "last-vector"]
    assert story_next == [("last-vector", "Next: The last vector", {})], "a page of another step: the sidebar's story"
    assert not asked(at)
    assert turns(go(at, "app_pages/train.py"))[0][1] == "Previous step: 4 · Training data", "back on the step's page"
    home = go(at, "app_pages/home.py")
    assert turns(home) == [("train", "Next step: 6 · One training step", STEPS[5].query(STEPS[5].link))], "goes on"
    assert start(home) == ("train", "Go on with the lesson: 6 · One training step", STEPS[5].query(STEPS[5].link))
    first = follow(at, STEPS[0], STEPS[0].link)
    assert [label for _p, label, _q in turns(first)] == ["Back to the lesson plan", "Next step: 2 · Probabilities"]
    last = follow(at, STEPS[-1], STEPS[-1].more[0])  # a step's second link (Why this word?) is that step too
    assert [label for _p, label, _q in turns(last)] == [
        "Previous step: 14 · The last vector",
        "Back to the lesson plan",
    ]


@pytest.mark.parametrize("asked", ["0", "16", "-1", "3.5", "x", ""])
def test_a_bad_step_in_the_address_is_ignored(asked: str) -> None:
    at = run_app()
    at.switch_page("app_pages/scale.py")
    at.query_params.clear()
    at.query_params[STEP_KEY] = asked
    at = no_crash(at.run())
    assert [label for _p, label, _q in turns(at)] == [
        "Previous: Train it yourself",
        "Back to the lesson plan",
        "Next: What it read",
    ], "the sidebar's story"


def test_every_lesson_link_names_its_section_in_the_class_language() -> None:
    """The handout's "open (page → section)" column and the links' tooltips name the section a link opens; a German
    handout read "Attention → head" (the anchor's id) before."""
    from explainer.i18n import speaking
    from explainer.ui.shell.lesson import VIEW_NAMES

    links = [link for part in PARTS.values() for p in part for link in (p.link, *p.more, *p.questions)]
    assert {(link.url_path, link.view) for link in links} == set(VIEW_NAMES), "a name for each, none left over"
    with speaking("de"):
        places = [link.place() for link in links]
    assert "Attention → die Karte eines Heads" in places and not any(p.endswith(("→ head", "→ ask")) for p in places)


PRESETS = [(BY_URL[link.url_path].file, link.params) for part in PARTS.values() for p in part
           for link in (p.link, *p.more) if link.params]  # fmt: skip


@pytest.mark.parametrize(("path", "params"), PRESETS, ids=[p for p, _ in PRESETS])
def test_a_preset_link_opens_that_view(path: str, params: dict[str, str]) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(path)
    at.query_params.clear()
    at.query_params.update(params)  # what clicking the lesson plan's link does
    at = no_crash(at.run())
    for key, value in params.items():
        shown = at.session_state[key]
        expected = {"true": True, "false": False}.get(value, value)
        assert shown == (float(expected) if isinstance(shown, float) else expected), key


# ----------------------------------------------------------------------------- presenter mode
def chart_font(at: AppTest) -> float:
    return chart_specs(at)[0]["layout"]["font"]["size"]


def presenter_css(at: AppTest) -> bool:
    return any(h.proto.body == PRESENTER_CSS for h in at.html)


def every_token(at: AppTest) -> bool:
    """The next-word page's table of every token (an expander; its table and download are made when opened)."""
    return any("tokens the model knows" in e.label for e in at.expander)


def test_presenter_mode_hides_advanced_controls_and_survives_a_page_switch() -> None:
    at = run_app(present="1")
    assert at.sidebar.toggle(key=PRESENT_KEY).value is True
    assert presenter_css(at), "the presenter style sheet is on the page"
    at = go(at, "app_pages/next_word.py")
    assert at.query_params.get(PRESENT_KEY) == "1", "the address bar keeps ?present=1 on the new page"
    assert at.sidebar.toggle(key=PRESENT_KEY).value is True
    assert "log" not in [t.key for t in at.toggle] and not every_token(at), "advanced controls hidden"
    big = chart_font(at)

    at.sidebar.toggle(key=PRESENT_KEY).set_value(False)
    at = no_crash(at.run())
    assert PRESENT_KEY not in at.query_params and not presenter_css(at)
    assert "log" in [t.key for t in at.toggle] and every_token(at), "advanced controls back"
    assert chart_font(at) < big, "the chart's text is bigger in presenter mode"


@pytest.mark.parametrize(
    ("path", "hidden"),
    [("app_pages/chat.py", "seed"), ("app_pages/embeddings.py", "emb_proj"), ("app_pages/sampling.py", "fixed_seed")],
)
def test_presenter_mode_hides_more_advanced_controls(path: str, hidden: str) -> None:
    for present in (False, True):
        at = go(run_app(**({"present": "1"} if present else {})), path)
        keys = [w.key for kind in ("number_input", "toggle", "button_group") for w in at.get(kind) if hasattr(w, "key")]
        assert (hidden in keys) is not present, f"{hidden} shown: {not present}"
        if path.endswith("embeddings.py"):
            assert bool(at.main.get("download_button")) is not present


def test_presenter_mode_keeps_the_projection_the_link_asks_for() -> None:
    for asked, axis in (("t-SNE", "t-SNE 1"), ("PCA", "direction 1"), ("bogus", "t-SNE 1")):
        at = open_page("app_pages/embeddings.py", query={"present": "1", "emb_proj": asked}, errors_ok=True)
        assert chart_specs(at)[0]["layout"]["xaxis"]["title"]["text"].startswith(axis), asked


def test_a_link_without_present_is_not_presenter_mode() -> None:
    at = run_app()
    assert at.sidebar.toggle(key=PRESENT_KEY).value is False and PRESENT_KEY not in at.query_params
    assert not presenter_css(at)


def test_scaling_a_figure_grows_every_font() -> None:
    spec = {
        "layout": {"font": {"size": 18}, "xaxis": {"tickfont": {"size": 16}}, "uniformtext": {"minsize": 10}},
        "data": [{"textfont": {"size": [10, 20]}, "text": "<span style='font-size:16px'>a</span>"}],
    }
    out = _scaled(spec, 1.5)
    assert out["layout"]["font"]["size"] == 27 and out["layout"]["xaxis"]["tickfont"]["size"] == 24
    assert out["layout"]["uniformtext"]["minsize"] == 15
    assert out["data"][0]["textfont"]["size"] == [15, 30]
    assert "font-size:24px" in out["data"][0]["text"]
    assert spec["layout"]["font"]["size"] == 18, "the original is left alone"
