"""Every word of a text, guessed in turn (the next-word page's "Every word, guessed in turn"): the probabilities read
from one forward pass are the next-word page's own, one prefix at a time; their average surprise is the training
loss; and on the shipped model the picture says what the page says."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from explainer.backends.base import MAX_CLONE_PARAMS, Guesses
from explainer.classroom.questions import SURPRISE_TEXT
from explainer.generation.script import build_script
from explainer.training.run import run_backend
from explainer.ui import surprise
from explainer.ui.surprise import band
from explainer.ui.training.session import TrainingSession

from .apptest import chart_specs, open_page, plain, train_page

TEXT = "User: What is the capital of France?\nAssistant: The capital of France is"


def test_each_guess_is_the_next_word_distribution_of_its_prefix(three_shapes) -> None:
    backend = three_shapes
    ids = backend.encode(TEXT)
    g = backend.guesses(ids, rows=4)  # several chunks of positions
    assert len(g.probs) == len(ids) - 1 and g.ids == ids
    for t in range(len(ids) - 1):
        p = backend.next_token_logits(ids[: t + 1]).double().softmax(-1)
        assert g.probs[t] == pytest.approx(float(p[ids[t + 1]]), rel=1e-4, abs=1e-7)
        assert g.favourites[t] == int(p.argmax()) and g.favourite_probs[t] == pytest.approx(float(p.max()), rel=1e-4)
        assert g.ranks[t] == 1 + int((p > p[ids[t + 1]]).sum())
    assert g.right == sum(f == c for f, c in zip(g.favourites, ids[1:]))


def test_the_average_surprise_is_the_training_loss(small) -> None:
    ids = small.encode(TEXT)
    g = small.guesses(ids)
    with torch.no_grad():
        logits = small.train_logits(torch.tensor([ids]))[0]
    assert g.loss == pytest.approx(float(F.cross_entropy(logits[:-1], torch.tensor(ids[1:]))), rel=1e-4)
    assert g.loss == pytest.approx(-sum(math.log(p) for p in g.probs) / len(g.probs))


def test_one_token_has_nothing_to_guess(small) -> None:
    g = small.guesses(small.encode("User")[:1])
    assert g.probs == [] and g.loss == 0.0 and g.right == 0


@pytest.mark.parametrize(("p", "shade"), [(1.0, "g0"), (0.5, "g0"), (0.49, "g1"), (0.1, "g1"), (0.05, "g2"),
                                          (0.01, "g2"), (0.0099, "g3"), (0.0, "g3")])  # fmt: skip
def test_bands(p: float, shade: str) -> None:
    assert band(p) == shade


def test_the_shipped_model_sees_the_answer_coming_not_the_question(builtin) -> None:
    """The page's claim on its own text: the script's framing and the answer are dark (the model saw them coming), the
    country the student asks about is a surprise, and a sentence unlike its lessons surprises it far more."""
    ids = builtin.encode(build_script([], "What is the capital of France?") + " The capital of France is Paris.")
    g = builtin.guesses(ids)
    pieces = [builtin.token_str(i) for i in ids[1:]]
    paris, asked = pieces.index(" Paris"), pieces.index(" France")  # the first France is the one in the question
    assert band(g.probs[paris]) == "g0" and g.ranks[paris] == 1
    assert g.probs[asked] < 0.1 and g.ranks[asked] > 1
    assert sum(band(p) == "g0" for p in g.probs) > 0.7 * len(g.probs)
    other = builtin.guesses(builtin.encode("The cat sat on the mat and the dog barked at the moon."))
    assert other.loss > 5 * g.loss


def test_the_page_shades_every_token_and_names_its_surprises() -> None:
    at = open_page("app_pages/next_word.py")
    shown = " ".join(plain(m.value) for m in at.markdown)
    assert "Every word, guessed in turn" in " ".join(h.value for h in at.subheader)
    chips = next(h.value for h in at.html if "surprise-key" in h.value)
    n = chips.count('class="tok-chip g')  # guessed tokens, shaded (the key's four chips included)
    right, of = (int(x) for x in shown.split("right for ")[1].split(" tokens")[0].strip("*").split(" of "))
    assert n - 4 == of and 0 < right <= of
    assert "it expected “␣hippo”" in shown  # the default text's biggest surprise: a fox, where it expected a hippo


def test_one_token_says_there_is_nothing_to_guess() -> None:
    at = open_page("app_pages/next_word.py", query={"prompt": "User"})
    assert any("nothing to guess" in m.value for m in at.info)


def test_a_trace_gives_the_same_guesses(small) -> None:
    """The training page shades its prompt from the trace it draws the bars from: the same numbers."""
    ids = small.encode(TEXT)
    a, b = Guesses.of(ids, small.trace(ids).logits), small.guesses(ids)
    assert a.ranks == b.ranks and a.favourites == b.favourites
    assert a.probs == pytest.approx(b.probs, rel=1e-4, abs=1e-7)


def test_the_training_page_shades_its_prompt() -> None:
    at = train_page()
    prompt = at.text_area(key="train_probe").value
    backend = run_backend(TrainingSession.of(at.session_state).run)
    ids = backend.fit(backend.encode(prompt))[0]
    chips = next(h.value for h in at.html if "surprise-key" in h.value)
    assert chips.count('class="tok-chip g') - 4 == len(ids) - 1


def test_before_training_every_word_is_a_blind_guess() -> None:
    """The toggle puts the same network with random dials beside the trained one: its loss on the text is about
    ln(vocabulary), a blind guess, where training brought it down to a fraction of that."""
    at = open_page("app_pages/next_word.py", query={"untrained": "true"})
    assert at.toggle(key="untrained").value
    shown = " ".join(plain(m.value) for m in at.markdown)
    blind = math.log(6144)
    assert f"ln 6,144 = **{blind:.2f}**" in shown
    loss = float(shown.split("per token, is **")[1].split("**")[0])
    trained = float(shown.split("down to **")[1].split("**")[0])
    assert abs(loss - blind) < 1.0 and trained < loss / 5
    assert "biggest surprises" not in shown


def test_a_model_too_large_to_copy_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(MAX_CLONE_PARAMS, "cpu", 1000)
    surprise._guesses.clear()  # an earlier test's random dials, kept for the class, would answer
    at = open_page("app_pages/next_word.py", query={"untrained": "true"})
    assert any("too many to give each student a copy" in m.value for m in at.info)


def test_looking_closer_shows_what_it_expected_where_it_was_surprised() -> None:
    """The view opens on the biggest surprise: the model's likeliest tokens there and the one that came (green, ✓),
    with the probability the chips gave it; a link can name another place."""
    at = open_page("app_pages/next_word.py")
    assert at.select_slider(key="look_at").value == "23: ␣fox"
    fig = next(c for c in chart_specs(at) if "what it expected" in c["layout"]["title"]["text"])
    bars = fig["data"][0]
    assert bars["y"][-1] == 7 and "␣fox ✓" in fig["layout"]["yaxis"]["ticktext"][-1]  # the eighth row: it came
    assert bars["text"][-1] == "0.954%" and bars["x"][:7] == sorted(bars["x"][:7], reverse=True)
    linked = open_page("app_pages/next_word.py", query={"look_at": "3: ␣between"})
    bars = next(c for c in chart_specs(linked) if "Before “␣between”" in c["layout"]["title"]["text"])["data"][0]
    assert bars["x"][0] > 0.99 and len(bars["x"]) == 7  # the script's framing: seen coming, the favourite itself


def test_the_maths_box_gives_perplexity_and_bits_from_the_same_guesses(builtin) -> None:
    """Perplexity is e^loss and the bits are the surprise in base 2: 0.64 nats a token on the capital question, a
    perplexity of 1.90, 17 bits for its 18 guessed tokens, where the text takes 632 bits as UTF-8."""
    at = open_page("app_pages/next_word.py", query={"prompt": SURPRISE_TEXT})
    said = next(plain(m.value) for m in at.markdown if "perplexity" in m.value)
    g = builtin.guesses(builtin.encode(SURPRISE_TEXT))
    assert f"e^L = {math.exp(g.loss):.2f}" in said and f"L = {g.loss:.2f}" in said
    assert f"**{g.loss * len(g.probs) / math.log(2):.0f} bits**" in said and f"{8 * len(SURPRISE_TEXT)} bits" in said
