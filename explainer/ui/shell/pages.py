"""The app's pages, one registry keyed by url path: streamlit_app.py builds st.navigation from it, in this order
(the story's), and the previous / next links, the lesson plan and every deep link find their pages here."""

from __future__ import annotations

from dataclasses import dataclass


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
    *_section("Start", ("home", "Lesson plan", ":material/home:", "")),
    *_section(
        "From prompt to reply",
        ("chat", "The torn script", ":material/forum:", "chat"),
        ("next_word", "Next word", ":material/bar_chart:", "next-word"),
        ("sampling", "Temperature & sampling", ":material/casino:", "sampling"),
        ("what_else", "What else could it have said?", ":material/account_tree:", "what-else"),
    ),
    *_section(
        "Learning from text",
        ("train", "Train it yourself", ":material/model_training:", "train"),
        ("scale", "Scale", ":material/menu_book:", "scale"),
        ("feedback", "Human feedback", ":material/thumb_up:", "feedback"),
        ("why_gpus", "Why GPUs", ":material/memory:", "why-gpus"),
    ),
    *_section(
        "Inside the transformer",
        ("embeddings", "Embeddings", ":material/scatter_plot:", "embeddings"),
        ("attention", "Attention", ":material/visibility:", "attention"),
        ("meaning", "Meaning in context", ":material/compare_arrows:", "meaning"),
        ("layers", "Layers", ":material/layers:", "layers"),
        ("last_vector", "The last vector", ":material/output:", "last-vector"),
    ),
    *_section(
        "Emergence",
        ("emergence", "Emergence", ":material/auto_awesome:", "emergence"),
        ("why_word", "Why this word?", ":material/psychology_alt:", "why-word"),
    ),
    *_section("Look it up", ("glossary", "Glossary", ":material/dictionary:", "glossary"), story=False),
)
BY_URL = {p.url_path: p for p in PAGES}
STORY = tuple(p for p in PAGES if p.story)


def neighbours(url_path: str) -> tuple[PageEntry | None, PageEntry | None]:
    """The story's pages before and after `url_path` (None at either end, for an unknown path or a reference page)."""
    if url_path not in BY_URL or not BY_URL[url_path].story:
        return None, None
    i = STORY.index(BY_URL[url_path])
    return (STORY[i - 1] if i > 0 else None), (STORY[i + 1] if i + 1 < len(STORY) else None)
