"""The lesson plan: the story's 15 points (../shared/STORY.md), each in one line, linked to the page
and preset view that shows it. A point whose page the app does not have (yet) is said in words."""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from explainer.ui.shell.navigation import link_page


@dataclass(frozen=True)
class Link:
    url_path: str  # the page, as in the registry (explainer/ui/shell/pages.py)
    params: dict[str, str] = field(default_factory=dict)  # a preset view: query parameters the page reads
    label: str = ""  # for a second link; the first one's label is the point itself


@dataclass(frozen=True)
class Point:
    n: int
    title: str
    line: str
    links: tuple[Link, ...]


PARTS: dict[str, list[Point]] = {
    "From prompt to reply": [
        Point(1, "The torn script", "a chatbot finishes a script, one predicted word at a time",
              (Link("chat", {"script": "true"}),)),
        Point(2, "Probabilities", "the model gives every possible next word a probability",
              (Link("next-word"),)),
        Point(3, "Sampling", "a weighted dice roll picks the word, so the same prompt gets different replies",
              (Link("sampling", {"temperature": "1.5"}),)),
    ],
    "Learning from text": [
        Point(4, "Training data", "a person would need over 2,600 years to read GPT-3's training text",
              (Link("scale"),)),
        Point(5, "Parameters are dials", "they start random, so an untrained model writes gibberish",
              (Link("train"),)),
        Point(6, "One training step", "nudge every parameter so the word that really came next gets likelier",
              (Link("train"),)),
        Point(7, "Scale of computation", "at a billion operations a second: well over 100 million years",
              (Link("scale"),)),
        Point(8, "Human feedback", "people's preferences retune the model into a helpful assistant",
              (Link("feedback"),)),
        Point(9, "GPUs and parallelism", "the transformer reads the whole text at once, not word by word",
              (Link("why-gpus"),)),
    ],
    "Inside the transformer": [
        Point(10, "Embeddings", "every token becomes a long list of numbers; similar words, similar lists",
              (Link("embeddings"),)),
        Point(11, "Attention", "the vectors look at each other and take in their context",
              (Link("attention"),
               Link("meaning", {"mean_word": "bank"}, "“bank” by a river or for money"))),
        Point(12, "Feed-forward networks", "neurons that store patterns learned in training",
              (Link("layers"),)),
        Point(13, "Many layers", "attention and feed-forward, again and again, each refining the vectors",
              (Link("layers"),)),
        Point(14, "The last vector", "compared with every token, it gives the probabilities of the next word",
              (Link("last-vector"),)),
    ],
    "Emergence": [
        Point(15, "Emergence", "nobody writes the rules: they come from how training tuned the numbers, which is why "
              "it is so hard to say why a model predicts what it does: two copies trained from different random starts "
              "answer alike with different insides", (Link("emergence"),)),
    ],
}  # fmt: skip


def lesson_overview() -> None:
    """The 15 points in order, grouped by part: a link where the app has the page, else the point in words."""
    for part, points in PARTS.items():
        st.subheader(part, anchor=False)
        for point in points:
            head = f"**{point.n} · {point.title}**"
            first, *more = point.links
            page = link_page(first.url_path)
            if page is None:
                st.markdown(f"{head}: {point.line} *(no page for this yet)*")
                continue
            # A link's label never wraps: the title is the link, the line beside it wraps on a narrow screen.
            with st.container(horizontal=True, wrap=False, vertical_alignment="center", gap="small"):
                st.page_link(page, label=head, query_params=first.params or None, help="")
                st.markdown(point.line)
            for link in more:
                if (other := link_page(link.url_path)) is not None:
                    st.page_link(other, label=f"↳ {link.label}", query_params=link.params or None, help="")
