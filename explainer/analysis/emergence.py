"""Emergence: two copies of the same model, trained the same way from different random seeds, compared.

Outside they agree: the same answers to questions neither was trained on, often word for word (`compare_answers`).
Inside they do not: the head that finds the country sits elsewhere (`EntityHead` of each, from analysis/inside.py),
and a word that has a neuron of its own in both has it at another place in each (`word_neurons`,
`shared_word_neurons`). Nobody chose any of it: the places came out of the random start and the order of the
examples.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from explainer.analysis.inside import NeuronIndex
from explainer.backends.base import Backend
from explainer.format import token_word
from explainer.training.evaluate import greedy_replies, item_verdicts, started_reply

MIN_SHARE = 6  # a neuron is a word's own when at least this many of its top 8 tokens are that word


@dataclass(frozen=True)
class AnswerPair:
    question: str
    started: str  # what the script already holds of the reply ("The plural of dish is"), or ""
    topic: str
    first: str  # what the first model writes after it, to the end of the line
    second: str  # the twin's
    first_right: bool  # by the held-out test's rule (training/evaluate.py)
    second_right: bool

    @property
    def same(self) -> bool:
        """Word for word."""
        return self.first == self.second

    @property
    def alike(self) -> bool:
        """The same reply, or both right in their own words."""
        return self.same or (self.first_right and self.second_right)


def compare_answers(first: Backend, second: Backend, items) -> list[AnswerPair]:
    """Each held-out item (corpus.HeldOutItem) answered by both models: what greedy decoding writes after the
    item's script (which may have started the reply) and whether it is right, as `llm-explainer eval` judges it."""
    items = list(items)
    right = [item_verdicts(b, items)[0] for b in (first, second)]
    replies = [greedy_replies(b, [it.prompt for it in items]) for b in (first, second)]
    return [
        AnswerPair(
            it.question,
            started_reply(it.prompt),
            it.topic,
            replies[0][i],
            replies[1][i],
            right[0][i],
            right[1][i],
        )
        for i, it in enumerate(items)
    ]


@dataclass(frozen=True)
class WordNeuron:
    word: str
    layer: int  # 0-based
    neuron: int
    share: int  # how many of its top tokens are the word


def word_neurons(index: NeuronIndex, backend: Backend, min_share: int = MIN_SHARE) -> dict[str, WordNeuron]:
    """For each word that some neuron fires for almost alone (at least `min_share` of the tokens that excite it
    most are that word), the neuron that does so most clearly (ties: the earliest layer, the lowest number)."""
    found: dict[str, WordNeuron] = {}
    L, _, F = index.top_pos.shape  # (L, k, F)
    for layer in range(L):
        for neuron in range(F):
            ids = index.ids[index.top_pos[layer, :, neuron]]
            token, share = Counter(ids.tolist()).most_common(1)[0]
            word = token_word(backend.token_str(int(token)))
            if share >= min_share and word.isalpha() and (word not in found or share > found[word].share):
                found[word] = WordNeuron(word, layer, neuron, share)
    return found


def neuron_word(index: NeuronIndex, backend: Backend, layer: int, neuron: int) -> tuple[str, int]:
    """What one neuron fires for most: the commonest of its top tokens and how many of them it is."""
    ids = index.ids[index.top_pos[layer, :, neuron]]
    token, share = Counter(ids.tolist()).most_common(1)[0]
    return token_word(backend.token_str(int(token))), share


@dataclass(frozen=True)
class SharedWord:
    word: str
    first: WordNeuron  # its neuron in the first model
    second: WordNeuron  # its neuron in the twin
    twin_there: str  # what the twin's neuron at the first model's place fires for


def shared_word_neurons(
    first: tuple[NeuronIndex, Backend], second: tuple[NeuronIndex, Backend], limit: int = 8
) -> list[SharedWord]:
    """Words with a neuron of their own in both models, clearest first (then longer words: "capital" says more
    than "a"): where each model keeps it, and what the twin does at the first model's place."""
    a, b = word_neurons(*first), word_neurons(*second)
    both = sorted(set(a) & set(b), key=lambda w: (-(a[w].share + b[w].share), -len(w), w))[:limit]
    index, backend = second
    return [SharedWord(w, a[w], b[w], neuron_word(index, backend, a[w].layer, a[w].neuron)[0]) for w in both]


@dataclass(frozen=True)
class SameGuesses:
    """How alike two models guessed the tokens of one text (the probability each gave each token before it came)."""

    factor: float  # the largest ratio between the two probabilities of one token (1: identical)
    least: int  # the token both found least likely (an index into the guesses), by the product of the two


def same_guesses(first: list[float], second: list[float]) -> SameGuesses:
    """first, second: each model's probability of every token of the same text, in order (at least one)."""
    factor = max(max(a / b, b / a) for a, b in zip(first, second, strict=True))
    return SameGuesses(factor, min(range(len(first)), key=lambda i: first[i] * second[i]))
