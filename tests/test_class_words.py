"""The class as training data: after a next-word poll, a copy of the model trains on the class's guesses (each one an
example) and moves toward the class's answers; every screen then shows the model before and after."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from explainer.backends.load import load_backend
from explainer.classroom.poll import CODE_KEY, KEY_KEY, PollError, PollStore, board
from explainer.config import POLLS
from explainer.generation.next_token import word_probability
from explainer.generation.script import build_script
from explainer.training.class_words import learn_words

from . import apptest
from .apptest import chart_specs, checked

FOX = build_script([], "Tell me a short story about a fox.") + " Once upon a time,"
CLASS = {"there": 9, "a": 6, "in": 4, "the": 3}  # 22 guesses


@pytest.fixture(scope="module")
def builtin():
    return load_backend("builtin", "cpu")


def gap(backend, counts: dict[str, int]) -> float:
    """How far the model is from the class: the cross-entropy of the class's words under the model (nats)."""
    total = sum(counts.values())
    return -sum(n / total * math.log(max(word_probability(backend, FOX, w), 1e-12)) for w, n in counts.items())


def test_training_on_the_class_moves_the_model_toward_the_class_and_leaves_the_shared_one(builtin) -> None:
    before = {w: word_probability(builtin, FOX, w) for w in CLASS}
    copy = builtin.clone()
    result = learn_words(copy, FOX, CLASS)
    assert result.losses[-1] < result.losses[0] and gap(copy, CLASS) < gap(builtin, CLASS) - 0.5
    after = {w: word_probability(copy, FOX, w) for w in CLASS}
    assert after["there"] > before["there"] + 0.1  # the class's favourite, the most
    assert word_probability(copy, FOX, "high") < word_probability(builtin, FOX, "high")  # a word nobody wrote falls
    assert {w: word_probability(builtin, FOX, w) for w in CLASS} == before  # the shared model is only copied
    with pytest.raises(ValueError, match="no answer to learn from"):
        learn_words(builtin.clone(), FOX, {"there": 0})


def test_the_board_carries_the_trained_probabilities() -> None:
    rows, _other = board(["in", "in", "far"], {"in": 0.2, "far": 0.1}, trained={"In": 0.5, "far": 0.05})
    assert [(r.word, r.model, r.trained) for r in rows] == [("in", 0.2, 0.5), ("far", 0.1, 0.05)]


def test_the_teacher_trains_the_model_on_the_guesses_and_every_screen_shows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(POLLS, str(tmp_path / "polls"))
    polls = PollStore(tmp_path / "polls")
    teacher = apptest.open_page("app_pages/poll.py")
    next(b for b in teacher.button if b.label == "Start a poll").click()
    checked(teacher.run())
    code, key = teacher.query_params[CODE_KEY], teacher.query_params[KEY_KEY]
    for guess in ["there", "there", "there", "a", "rude"]:
        student = apptest.open_page("app_pages/poll.py", query={CODE_KEY: code})
        student.text_input[0].input(guess)
        next(b for b in student.button if b.label == "Send").click()
        checked(student.run())
    with pytest.raises(PollError, match="once the answers are shown"):
        polls.learnt(code, {"there": 1.0})
    next(b for b in teacher.button if b.label == "Show the answers").click()
    checked(teacher.run())
    next(b for b in teacher.button if b.label == "rude").click()  # taken off the board: no training example either
    checked(teacher.run())
    next(b for b in teacher.button if b.label == "Train the model on the class's guesses").click()
    checked(teacher.run())
    poll = polls.get(code)
    assert poll.trained["there"] > poll.answer["there"] + 0.1
    assert "rude" not in {w.casefold() for w in poll.trained}  # hidden: not asked of the trained model either
    assert not any(b.label == "Train the model on the class's guesses" for b in teacher.button)  # once a round
    names = [t["name"] for t in chart_specs(teacher)[0]["data"]]
    assert names == ["the class", "the model", "the model, trained on the class's guesses"]
    assert any("Trained for 5 steps on the class's 5 guesses" in m.value and "**there**" in m.value
               for m in teacher.markdown)  # fmt: skip
    checked(student.run())  # the last student's screen follows by itself
    assert len(chart_specs(student)[0]["data"]) == 3
    next(b for b in teacher.button if b.label.startswith("Add “there”")).click()  # the next round starts untrained
    checked(teacher.run())
    assert not polls.get(code).trained and polls.get(code).round == 2
    assert key == teacher.query_params[KEY_KEY]
