"""Guess first, on the Next word page: the bars wait for the student's guess, then the page says how likely the
model finds it (one token: how many tokens are likelier; several: their probabilities chained) and colours its bar;
a new text asks again; a bad guess gets a message."""

from __future__ import annotations

from explainer.charts.style import CHOSEN
from explainer.generation.next_token import word_probability
from explainer.ui.guess_first import verdict

from . import apptest
from .apptest import chart_specs, checked

PAGE = "app_pages/next_word.py"


def _guess(at, word: str):
    box = next(t for t in at.text_input if t.label == "Your guess for the next word")
    box.input(word)
    next(b for b in at.button if b.label == "Show the model's answer").click()
    return at.run()


def test_the_bars_wait_for_the_guess_then_colour_it() -> None:
    at = apptest.open_page(PAGE, query={"guess_first": "true"})
    assert not chart_specs(at) and not any(b.label.startswith("Add “") for b in at.button)  # nothing gives it away
    checked(_guess(at, "in"))
    bars = chart_specs(at)[0]  # (then the closer look at the text's own tokens)
    bar = bars["data"][0]
    coloured = [name for name, colour in zip(bar["y"], bar["marker"]["color"]) if colour == CHOSEN]
    assert len(coloured) == 1  # "in", as the bars name it
    said = next(m.value for m in at.markdown if m.value.startswith("You guessed **in**"))
    assert "token is likelier" in said or "tokens are likelier" in said or "favourite too" in said

    next(b for b in at.button if b.label.startswith("Add “")).click()  # a word added: a new guess for the new text
    checked(at.run())
    assert not chart_specs(at) and any(t.label == "Your guess for the next word" for t in at.text_input)


def test_an_empty_guess_or_a_sentence_gets_a_message() -> None:
    at = apptest.open_page(PAGE, query={"guess_first": "true"})
    checked(_guess(at, "   "), errors_ok=True)
    assert [e.value for e in at.error] == ["Type a word first."] and not chart_specs(at)


def test_the_verdict_counts_likelier_tokens_and_chains_a_long_word(builtin) -> None:
    text = "The capital of France is"
    probs = builtin.next_token_logits(builtin.encode(text)).double().softmax(-1)
    top = verdict(builtin, text, "Paris", probs)
    assert top.sentence.startswith("You guessed **Paris**: the model's favourite too") and top.token == " Paris"
    second = builtin.decode([int(probs.argsort(descending=True)[1])]).strip()
    assert "; 1 token is likelier." in verdict(builtin, text, second, probs).sentence
    long = verdict(builtin, text, "Ouagadougou", probs)
    assert long.token is None and "tokens, so its probability is theirs multiplied" in long.sentence
    p = word_probability(builtin, text, "Ouagadougou")
    assert 0 < p < float(probs.max())
