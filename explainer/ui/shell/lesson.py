"""The lesson plan: the story's 15 points (../shared/STORY.md) as a 45-minute lesson. Each step has its minutes, the
one thing to click, the question to ask the class, and a deep link to the exact view that shows it (a page, a section
anchor and preset settings). The home page draws it; handout.py prints it on one page."""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from explainer.ui.shell.navigation import link_page
from explainer.ui.shell.pages import BY_URL
from explainer.ui.shell.views import VIEW_KEY


@dataclass(frozen=True)
class Link:
    url_path: str  # the page, as in the registry (explainer/ui/shell/pages.py)
    view: str  # the section it lands on (explainer/ui/shell/views.py)
    params: dict[str, str] = field(default_factory=dict)  # preset settings: query parameters the page reads
    label: str = ""  # for a second link; the first one's label is the step itself

    @property
    def query(self) -> dict[str, str]:
        return {**self.params, VIEW_KEY: self.view}

    def place(self) -> str:
        """Where it lands, in words: "Train it yourself → nudge"."""
        return f"{BY_URL[self.url_path].title} → {self.view.replace('-', ' ')}"


@dataclass(frozen=True)
class Step:
    n: int
    title: str
    minutes: int
    line: str  # the point, in one plain sentence
    click: str  # the one thing to click
    ask: str  # the question for the class
    link: Link
    more: tuple[Link, ...] = ()


PARTS: dict[str, list[Step]] = {
    "From prompt to reply": [
        Step(1, "The torn script", 4, "A chatbot finishes a script, one predicted word at a time.",
             "a suggested question, then “Show the script the model sees”",
             "Where does the model's reply stop, and who decided that?", Link("chat", "ask", {"script": "true"})),
        Step(2, "Probabilities", 3, "The model gives every possible next word a probability.",
             "“Add” the likeliest word, three times", "Why isn't the likeliest word at 100 %?",
             Link("next-word", "bars")),
        Step(3, "Sampling", 4, "A weighted dice roll picks the word, so the same prompt gets different replies.",
             "drag the temperature from 0 to 2", "At temperature 0, how many different stories would 20 runs "
             "write?", Link("sampling", "compare", {"temperature": "1.5"}),
             (Link("what-else", "tree", {}, "What else could it have said? Every likely reply as a tree"),)),
    ],
    "Learning from text": [
        Step(4, "Training data", 2, "A person would need over 2,600 years to read GPT-3's training text.",
             "the reading speed slider", "How many lifetimes is that?", Link("scale", "reading")),
        Step(5, "Parameters are dials", 3, "They start random, so an untrained model writes gibberish.",
             "“Start training”, and watch the samples", "When do the first real words appear?",
             Link("train", "live")),
        Step(6, "One training step", 4, "Each step nudges every parameter so the word that really came next gets "
             "likelier.", "“Nudge: one training step on this example”",
             "The true word went up: which words went down, and why must they?", Link("train", "nudge")),
        Step(7, "Scale of computation", 2, "At a billion operations a second: well over 100 million years.",
             "“Measure again”, to time this machine", "Why do the biggest models need thousands of chips?",
             Link("scale", "computing")),
        Step(8, "Human feedback", 4, "People's preferences retune the model into a helpful assistant.",
             "pick the better answer, or flag a made-up one", "What else did your feedback change?",
             Link("feedback", "try")),
        Step(9, "GPUs and parallelism", 3, "The transformer reads the whole text at once, not word by word.",
             "“Run the benchmark”", "Why can't the one-word-at-a-time reader use a thousand cores?",
             Link("why-gpus", "race")),
    ],
    "Inside the transformer": [
        Step(10, "Embeddings", 3, "Every token becomes a long list of numbers; similar words get similar lists.",
             "type your own words into “Find words”", "Which words ended up near each other, and why?",
             Link("embeddings", "map")),
        Step(11, "Attention", 4, "The vectors look at each other and take in their context.",
             "the last row of the heatmap", "Which word does the end of the question look at to find the "
             "capital?", Link("attention", "head"),
             (Link("meaning", "paths", {"mean_word": "bank"}, "“bank” by a river or for money"),)),
        Step(12, "Feed-forward networks", 2, "Neurons store patterns learned in training.",
             "a neuron in the list", "What do the words that excite this neuron have in common?",
             Link("layers", "neurons")),
        Step(13, "Many layers", 3, "Attention and feed-forward, again and again, each refining the vectors.",
             "“Follow the vector of” another word", "Which step changes the vector the most?",
             Link("layers", "flow")),
        Step(14, "The last vector", 2, "Compared with every token, it gives the probabilities of the next word.",
             "the highest scores, then the softmax below", "A score 2 higher: how much likelier?",
             Link("last-vector", "scores")),
    ],
    "Emergence": [
        Step(15, "Emergence", 3, "Nobody writes the rules: they come from how training tuned the numbers. Two copies "
             "trained from different random starts answer alike, with different insides.",
             "the two models' answers, then “The head that finds the country”",
             "If nobody wrote the rule, how can anyone say why a model answered as it did?",
             Link("emergence", "inside"),
             (Link("why-word", "pushes", {}, "Why this word? Which words and heads made the answer"),
              Link("layers", "lens", {}, "Watch the logit lens form a guess, layer by layer"))),
    ],
}  # fmt: skip
STEPS: list[Step] = [step for part in PARTS.values() for step in part]


def starts() -> dict[int, int]:
    """Each step's start, in minutes from the beginning of the lesson."""
    out, t = {}, 0
    for step in STEPS:
        out[step.n], t = t, t + step.minutes
    return out


def _link(link: Link, label: str, where=st) -> None:
    page = link_page(link.url_path)
    if page is None:  # a page script run on its own, outside the app's navigation
        where.markdown(f"**{label}**")
    else:
        where.page_link(page, label=label, query_params=link.query, help=f"Opens {link.place()}")


def lesson_plan() -> None:
    """The 15 steps in order, grouped by part: each a box with its link, minutes, what to click and what to ask."""
    start = starts()
    for part, steps in PARTS.items():
        st.subheader(part, anchor=False)
        for step in steps:
            with st.container(border=True, key=f"plan_step_{step.n}"):
                top = st.container(horizontal=True, vertical_alignment="center", gap="small")
                _link(step.link, f"{step.n} · {step.title}", top)
                top.badge(f"{step.minutes} min · from {start[step.n]}′", icon=":material/schedule:", color="gray")
                top.markdown(step.line)
                st.markdown(f"**Click:** {step.click}  \n**Ask:** {step.ask}")
                for link in step.more:
                    _link(link, f"↳ {link.label}")
