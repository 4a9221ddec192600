"""The app's pages, one registry keyed by url path: streamlit_app.py builds st.navigation from it, in this order
(the story's), and the previous / next links, the lesson plan and every deep link find their pages here."""

from __future__ import annotations

from dataclasses import dataclass

from explainer.i18n import N_


@dataclass(frozen=True)
class PageEntry:
    file: str  # the page's script, relative to the app's root
    title: str
    icon: str
    url_path: str  # "" for the home page
    section: str  # the navigation's heading above it
    story: bool = True  # a step of the story (previous / next walk through these); False: a reference page


def _section(section: str, *pages: tuple[str, str, str, str], story: bool = True) -> tuple[PageEntry, ...]:
    """(file name in app_pages/, title, icon, url path) per page, under one heading of the navigation."""
    return tuple(
        PageEntry(f"app_pages/{file}.py", title, icon, url, section, story) for file, title, icon, url in pages
    )


PAGES: tuple[PageEntry, ...] = (
    *_section(N_("Start"), ("home", N_("Lesson plan"), ":material/home:", "")),
    *_section(N_("Start"), ("poll", N_("Class poll"), ":material/how_to_vote:", "poll"), story=False),
    *_section(
        N_("From prompt to reply"),
        ("chat", N_("The torn script"), ":material/forum:", "chat"),
        ("next_word", N_("Next word"), ":material/bar_chart:", "next-word"),
        ("sampling", N_("Temperature & sampling"), ":material/casino:", "sampling"),
        ("what_else", N_("What else could it have said?"), ":material/account_tree:", "what-else"),
    ),
    *_section(
        N_("Learning from text"),
        ("train", N_("Train it yourself"), ":material/model_training:", "train"),
        ("scale", N_("Scale"), ":material/menu_book:", "scale"),
        ("what_it_read", N_("What it read"), ":material/find_in_page:", "what-it-read"),
        ("feedback", N_("Human feedback"), ":material/thumb_up:", "feedback"),
        ("why_gpus", N_("Why GPUs"), ":material/memory:", "why-gpus"),
    ),
    *_section(
        N_("Inside the transformer"),
        ("tokens", N_("Tokens"), ":material/token:", "tokens"),
        ("embeddings", N_("Embeddings"), ":material/scatter_plot:", "embeddings"),
        ("attention", N_("Attention"), ":material/visibility:", "attention"),
        ("meaning", N_("Meaning in context"), ":material/compare_arrows:", "meaning"),
        ("layers", N_("Layers"), ":material/layers:", "layers"),
        ("last_vector", N_("The last vector"), ":material/output:", "last-vector"),
    ),
    *_section(
        N_("Emergence"),
        ("emergence", N_("Emergence"), ":material/auto_awesome:", "emergence"),
        ("why_word", N_("Why this word?"), ":material/psychology_alt:", "why-word"),
    ),
    *_section(N_("Look it up"), ("glossary", N_("Glossary"), ":material/dictionary:", "glossary"), story=False),
)
BY_URL = {p.url_path: p for p in PAGES}
STORY = tuple(p for p in PAGES if p.story)


def neighbours(url_path: str) -> tuple[PageEntry | None, PageEntry | None]:
    """The story's pages before and after `url_path` (None at either end, for an unknown path or a reference page)."""
    if url_path not in BY_URL or not BY_URL[url_path].story:
        return None, None
    i = STORY.index(BY_URL[url_path])
    return (STORY[i - 1] if i > 0 else None), (STORY[i + 1] if i + 1 < len(STORY) else None)
