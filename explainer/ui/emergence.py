"""Streamlit pieces of the Emergence page: the built-in model's twin (the same recipe, another random seed, in
the folder config.BUILTIN_TWIN names), its analyses, and both models' answers, each computed once per process
and shared."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from explainer import config
from explainer.analysis import switch_off
from explainer.analysis.emergence import AnswerPair, compare_answers
from explainer.analysis.precomputed import ModelAnalyses
from explainer.backends.base import Backend, Guesses
from explainer.backends.load import load_backend
from explainer.corpus.generator import builtin_corpus
from explainer.generation.chat import cut_message, reply_steps, reply_text
from explainer.i18n import _
from explainer.model.checkpoints import read_meta
from explainer.model.device import serving_threads
from explainer.model.sampling import SamplingParams
from explainer.ui.shell.models import get_backend

QUESTIONS = 60  # held-out questions both models answer, spread over every topic
MAX_QUESTION_CHARS = 300  # a question of the student's own: a longer one (pasted, or from a link) keeps its end


def twin_folder() -> Path:
    return config.BUILTIN_TWIN


def twin_problem(folder: Path) -> str | None:
    """Why the twin cannot be shown (None: it loads)."""
    if not (folder / "config.json").is_file():
        return _(
            "The built-in model's twin is not installed here (it belongs in `{folder}/` next to the built-in "
            "model). It is the same recipe trained from another random start; once it is there, this page compares "
            "the two."
        ).format(folder=folder.name)
    try:
        twin_backend(str(folder))
    except Exception as e:  # a damaged folder: say so, never a traceback
        return _("The built-in model's twin could not be loaded: {error}").format(error=f"{type(e).__name__}: {e}")
    return None


def recipe_seeds(folder: Path) -> tuple[str, str]:
    """The random seeds the built-in model and its twin were trained from, as their checkpoints record them
    ("?" where one does not say); a twin with the built-in model's own seed (a copy) is marked with a prime."""
    first, second = (str(read_meta(f).get("seed", "?")) for f in (config.BUILTIN_DIR, folder))
    return first, second + "′" if second == first else second


@st.cache_resource(show_spinner=False, max_entries=2)  # spinners: the page says it, translated
def twin_backend(folder: str) -> Backend:
    """The twin, from the app's own folder (never from a student's input), shared: read it, never change it."""
    return load_backend(folder, None, serving_threads())


@st.cache_resource(show_spinner=False, max_entries=2)
def twin_analyses(folder: str) -> ModelAnalyses:
    return ModelAnalyses(twin_backend(folder))


@st.cache_resource(show_spinner=False, max_entries=2)
def both_answers(folder: str) -> list[AnswerPair]:
    """The built-in model and its twin on QUESTIONS held-out questions (phrasings neither was trained on)."""
    items = builtin_corpus().heldout
    picked = items[:: max(1, len(items) // QUESTIONS)][:QUESTIONS]
    return compare_answers(get_backend("builtin"), twin_backend(folder), picked)


@st.cache_resource(show_spinner=False, max_entries=2)
def both_without_each_head(folder: str, text: str) -> tuple[switch_off.PartsSweep, switch_off.PartsSweep]:
    """Both models' next word after `text` with each of their parts switched off alone (explainer/analysis/
    switch_off.py): which head each one's answer needs. Read them, never change them."""
    return tuple(switch_off.sweep(b, b.encode(text)) for b in (get_backend("builtin"), twin_backend(folder)))


@st.cache_data(max_entries=256, show_spinner=False)
def both_replies(folder: str, question: str) -> tuple[str, str, bool]:
    """Both models' replies to a question of the student's own, in the chat page's script, each one's likeliest
    word every time (so the same question always gets the same replies); and whether the question's start was cut
    off to fit (the last MAX_QUESTION_CHARS letters, then the context; the two share a tokenizer)."""
    first, twin = get_backend("builtin"), twin_backend(folder)
    kept, cut = cut_message(first, question[-MAX_QUESTION_CHARS:])
    said = [reply_text(list(reply_steps(b, [], kept, SamplingParams(temperature=0.0)))) for b in (first, twin)]
    return said[0], said[1], bool(cut) or len(question) > MAX_QUESTION_CHARS


@st.cache_data(max_entries=2, show_spinner=False)
def both_guesses(folder: str, text: str) -> tuple[Guesses, Guesses]:
    """Both models' guesses at every token of `text` (the two share a tokenizer)."""
    first, twin = get_backend("builtin"), twin_backend(folder)
    return first.guesses(first.encode(text)), twin.guesses(twin.encode(text))


def warm_emergence_page() -> None:
    """What the page's first visit computes (the twin, its analyses, both models' answers), ahead of time
    (explainer/ui/warm.py): about 2.4 s on 2 cores otherwise."""
    folder = twin_folder()
    if twin_problem(folder) is None:
        twin_analyses(str(folder)).warm()
        both_answers(str(folder))
