"""The lesson plan: the story's 15 points (../shared/STORY.md) as a 45-minute lesson. Each step has its minutes, the
one thing to click, the question to ask the class, and a deep link to the exact view that shows it (a page, a section
anchor and preset settings). plan.py draws it on the home page; handout.py prints it on one page.

A page opened from the plan (`?step=N` in its link) is that step of the lesson: its footer's previous / next then walk
the plan's steps, not the sidebar's pages, so a presentation clicker follows the lesson (navigation.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from explainer.classroom.questions import BY_KEY, QUESTION_KEY, QUESTIONS
from explainer.i18n import N_, _
from explainer.ui.shell.pages import BY_URL
from explainer.ui.shell.state import SessionObject
from explainer.ui.shell.views import VIEW_KEY

STEP_KEY = "step"  # a lesson link's parameter: the step it opens

# What the section a lesson link opens is called (its heading on the page where it has one), for the handout's "open
# (page → section)" column and the links' tooltips.
VIEW_NAMES: dict[tuple[str, str], str] = {
    ("chat", "ask"): N_("the question box"),
    ("next-word", "bars"): N_("the bars"),
    ("next-word", "surprise"): N_("every word, guessed in turn"),
    ("poll", "ask"): N_("Ask your class"),
    ("what-it-read", "lookup"): N_("Look it up, or ask the model?"),
    ("what-it-read", "score"): N_("Who guesses better?"),
    ("poll", "question"): N_("Ask the class a question"),
    ("sampling", "compare"): N_("the two charts"),
    ("what-else", "tree"): N_("the tree"),
    ("scale", "reading"): N_("How much reading"),
    ("scale", "computing"): N_("How much computing"),
    ("train", "live"): N_("Watch it learn"),
    ("train", "nudge"): N_("One example, one nudge"),
    ("feedback", "try"): N_("Ask, then judge the answers"),
    ("why-gpus", "race"): N_("The race"),
    ("tokens", "pieces"): N_("What the model reads"),
    ("embeddings", "map"): N_("A map of the vocabulary"),
    ("embeddings", "arithmetic"): N_("Word arithmetic: directions that carry meaning"),
    ("embeddings", "positions"): N_("Where each token stands: position vectors"),
    ("attention", "head"): N_("one head's map"),
    ("meaning", "paths"): N_("which meaning each vector is nearer to, stage by stage"),
    ("layers", "flow"): N_("the chain of steps"),
    ("layers", "neurons"): N_("Feed-forward: neurons"),
    ("layers", "lens"): N_("The guess forming, layer by layer"),
    ("layers", "switch-off"): N_("Switch a part off"),
    ("last-vector", "scores"): N_("2 · One score per word"),
    ("last-vector", "context"): N_("5 · The same last token in another text"),
    ("emergence", "rules"): N_("the top of the page"),
    ("why-word", "pushes"): N_("which words pushed it"),
    ("why-word", "swap"): N_("3 · Where the answer travels"),
}


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
        """Where it lands, in words: "Train it yourself → One example, one nudge"."""
        return f"{_(BY_URL[self.url_path].title)} → {_(VIEW_NAMES[self.url_path, self.view])}"


@dataclass(frozen=True)
class Step:  # its words are marked for the catalog (N_) and translated where they are shown
    n: int
    title: str
    minutes: int
    line: str  # the point, in one plain sentence
    click: str  # the one thing to click
    ask: str  # the question for the class
    link: Link
    more: tuple[Link, ...] = ()

    @property
    def heading(self) -> str:
        """Its number and title in the language in use, as in "5 · Parameters are dials"."""
        return f"{self.n} · {_(self.title)}"

    @property
    def view(self) -> str:
        """Its box on the lesson plan, as a view a link lands on."""
        return f"step-{self.n}"

    @property
    def questions(self) -> tuple[Link, ...]:
        """Links that open the class poll on this step's class questions (classroom/questions.py)."""
        return tuple(Link("poll", "question", {QUESTION_KEY: q.key}, q.text) for q in QUESTIONS if q.step == self.n)

    def query(self, link: Link) -> dict[str, str]:
        """The query parameters of one of its links: the view and settings, and the step."""
        return {**link.query, STEP_KEY: str(self.n)}


PARTS: dict[str, list[Step]] = {
    N_("From prompt to reply"): [
        Step(
            1,
            N_("The torn script"),
            4,
            N_("A chatbot finishes a script, one predicted word at a time."),
            N_("a suggested question, then “Show the script the model sees”"),
            N_("Where does the model's reply stop, and who decided that?"),
            Link("chat", "ask", {"script": "true"}),
            (
                Link(
                    "chat",
                    "ask",
                    BY_KEY["words-in-its-mouth"].params,  # the class question's demo
                    N_(
                        "Put words in its mouth: its reply starts “I do not know”; "
                        "then click “What is the capital of France?”"
                    ),
                ),
                Link(
                    "chat",
                    "ask",
                    {"run_on": "true", "temperature": "0"},
                    N_(
                        "Let it write past its reply: it writes your next question too; click “What is two plus three?”"
                    ),
                ),
            ),
        ),
        Step(
            2,
            N_("Probabilities"),
            3,
            N_("The model gives every possible next word a probability."),
            N_("“Add” the likeliest word, three times"),
            N_("Why isn't the likeliest word at 100 %?"),
            Link("next-word", "bars"),
            (
                Link("poll", "ask", {}, N_("Class poll: every student guesses the next word, then the model answers")),
                Link("next-word", "bars", {"guess_first": "true"}, N_("Guess first, alone: type a guess, then see it")),
            ),
        ),
        Step(
            3,
            N_("Sampling"),
            4,
            N_("A weighted dice roll picks the word, so the same prompt gets different replies."),
            N_("drag the temperature from 0 to 2"),
            N_("At temperature 0, how many different stories would 20 runs write?"),
            Link("sampling", "compare", {"temperature": "1.5"}),
            (
                Link("what-else", "tree", {}, N_("What else could it have said? Every likely reply as a tree")),
                Link(
                    "poll",
                    "ask",
                    {"poll_drawing": "true"},
                    N_("Class poll: every phone draws the next word, as a chatbot does"),
                ),
            ),
        ),
    ],
    N_("Learning from text"): [
        Step(
            4,
            N_("Training data"),
            2,
            N_("A person would need over 2,600 years to read GPT-3's training text."),
            N_("the reading speed slider"),
            N_("How many lifetimes is that?"),
            Link("scale", "reading"),
            (
                Link(
                    "what-it-read", "lookup", {}, N_("what the built-in model read: does it just look its answers up?")
                ),
            ),
        ),
        Step(
            5,
            N_("Parameters are dials"),
            3,
            N_("They start random, so an untrained model writes gibberish."),
            N_("“Start training”, and watch the samples"),
            N_("When do the first real words appear?"),
            Link("train", "live"),
        ),
        Step(
            6,
            N_("One training step"),
            4,
            N_("Each step nudges every parameter so the word that really came next gets likelier."),
            N_("“Nudge: one training step on this example”"),
            N_("The true word went up: which words went down, and why must they?"),
            Link("train", "nudge"),
            (
                Link("next-word", "surprise", {}, N_("the loss, word by word: how surprised the model was by each")),
                Link("poll", "ask", {}, N_("the class as training data: after a poll, train the model on its guesses")),
                Link("what-it-read", "score", {}, N_("text it never read: who guesses better, a lookup or the model?")),
                Link("train", "live", {}, N_("memorising: after a run, “Again, on just 3,000 characters of its text”")),
            ),
        ),
        Step(
            7,
            N_("Scale of computation"),
            2,
            N_("At a billion operations a second: well over 100 million years."),
            N_("“Measure again”, to time this machine"),
            N_("Why do the biggest models need thousands of chips?"),
            Link("scale", "computing"),
        ),
        Step(
            8,
            N_("Human feedback"),
            4,
            N_("People's preferences retune the model into a helpful assistant."),
            N_("pick the better answer, or let the whole class vote for it"),
            N_("What else did your feedback change?"),
            Link("feedback", "try"),
        ),
        Step(
            9,
            N_("GPUs and parallelism"),
            3,
            N_("The transformer reads the whole text at once, not word by word."),
            N_("“Run the benchmark”"),
            N_("Why can't the one-word-at-a-time reader use a thousand cores?"),
            Link("why-gpus", "race"),
        ),
    ],
    N_("Inside the transformer"): [
        Step(
            10,
            N_("Embeddings"),
            3,
            N_("Every token becomes a long list of numbers; similar words get similar lists."),
            N_("type your own words into “Find words”"),
            N_("Which words ended up near each other, and why?"),
            Link("embeddings", "map"),
            (
                Link("tokens", "pieces", {}, N_("first, the pieces it reads: tokens, learnt by merging letters")),
                Link("embeddings", "arithmetic", {}, N_("word arithmetic: Europe − Sweden + Kenya")),
                Link("embeddings", "positions", {}, N_("where each word stands: position vectors")),
            ),
        ),
        Step(
            11,
            N_("Attention"),
            4,
            N_("The vectors look at each other and take in their context."),
            N_("the last row of the heatmap"),
            N_("Which word does the end of the question look at to find the capital?"),
            Link("attention", "head"),
            (Link("meaning", "paths", {"mean_word": "bank"}, N_("“bank” by a river or for money")),),
        ),
        Step(
            12,
            N_("Feed-forward networks"),
            2,
            N_("Neurons store patterns learned in training."),
            N_("the neurons that write “Paris”, and under each the words it writes"),
            N_("What makes this neuron fire, and which words does it write?"),
            Link("layers", "neurons"),
            (Link("layers", "switch-off", {}, N_("switch a feed-forward network off: what does the answer lose?")),),
        ),
        Step(
            13,
            N_("Many layers"),
            3,
            N_("Attention and feed-forward, again and again, each refining the vectors."),
            N_("“Follow the vector of” another word"),
            N_("Which step changes the vector the most?"),
            Link("layers", "flow"),
            (Link("why-word", "swap", {}, N_("France → Japan: which vector carries the answer, layer by layer?")),),
        ),
        Step(
            14,
            N_("The last vector"),
            2,
            N_("Compared with every token, it gives the probabilities of the next word."),
            N_("the highest scores, then the softmax below"),
            N_("A score 2 higher: how much likelier?"),
            Link("last-vector", "scores"),
            (Link("last-vector", "context", {}, N_("France → Germany: the same last token, another vector")),),
        ),
    ],
    N_("Emergence"): [
        Step(
            15,
            N_("Emergence"),
            2,
            N_(
                "Nobody writes the rules: they come from how training tuned the numbers. Two copies trained from "
                "different random starts answer alike, with different insides."
            ),
            N_("the two models' answers, your own question to both, then what differs inside"),
            N_("If nobody wrote the rule, how can anyone say why a model answered as it did?"),
            Link("emergence", "rules"),
            (
                Link("why-word", "pushes", {}, N_("Why this word? Which words and heads made the answer")),
                Link("layers", "lens", {}, N_("Watch the logit lens form a guess, layer by layer")),
            ),
        ),
    ],
}
STEPS: list[Step] = [step for part in PARTS.values() for step in part]


def starts() -> dict[int, int]:
    """Each step's start, in minutes from the beginning of the lesson."""
    out, t = {}, 0
    for step in STEPS:
        out[step.n], t = t, t + step.minutes
    return out


@dataclass
class Lesson(SessionObject):
    KEY = "lesson"
    step: int | None = None  # the step last opened from the plan


def lesson_step(current: str) -> Step | None:
    """The lesson's step when the page at `current` is one of its views: the step a lesson link (?step=N) just opened,
    or the one opened last if this page is one of its own; else None. Takes the parameter out of the address bar."""
    lesson = Lesson.of()
    if STEP_KEY in st.query_params:
        asked = str(st.query_params.get(STEP_KEY, ""))
        del st.query_params[STEP_KEY]
        if asked.isdecimal() and 1 <= int(asked) <= len(STEPS):
            lesson.step = int(asked)
    if lesson.step is None:
        return None
    step = STEPS[lesson.step - 1]
    return step if current in {link.url_path for link in (step.link, *step.more)} else None


def next_in_lesson() -> Step:
    """The step the lesson plan's own page leads to: the one after the step last opened from it, else the first."""
    n = Lesson.of().step
    return STEPS[n] if n is not None and n < len(STEPS) else STEPS[0]


def around(step: Step) -> tuple[Step | None, Step | None]:
    """The steps before and after `step` (None at either end)."""
    i = step.n - 1
    return (STEPS[i - 1] if i > 0 else None), (STEPS[i + 1] if i + 1 < len(STEPS) else None)
