"""The class judges the model's answers (human feedback from a whole class): the poll's judging rounds, the update
that learns from every vote at once, and the Human feedback page and the poll page doing it together."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from explainer.backends.load import load_backend
from explainer.classroom.poll import CODE_KEY, KEY_KEY, PollError, PollStore, clean_answers, new_voter
from explainer.config import POLLS
from explainer.training import preference as pref
from explainer.ui import feedback as ui

from . import apptest
from .apptest import chart_specs, checked

QUMAR = "What is the capital of Qumar?"
ANSWERS = ["The capital of Qatar is Doha.", "I do not know.", "Paris."]


@pytest.fixture
def polls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PollStore:
    monkeypatch.setenv(POLLS, str(tmp_path / "polls"))
    return PollStore(tmp_path / "polls")


@pytest.fixture(scope="module")
def builtin():
    return load_backend("builtin", "cpu")


# ---------------------------------------------------------------------------- the poll's judging rounds


def test_a_judging_round_takes_a_letter_per_answer_and_the_next_question_ends_it(polls: PollStore) -> None:
    poll = polls.open(QUMAR, judge=ANSWERS)
    assert poll.judging and poll.letters == "ABC" and poll.judged == QUMAR and poll.judge == ANSWERS
    student = new_voter()
    assert polls.vote(poll.code, student, "B") == "B"
    with pytest.raises(PollError, match="Choose one of the answers, A, B, C"):
        polls.vote(poll.code, student, "Doha")
    polls.reveal(poll.code, {})
    with pytest.raises(PollError, match="already on the board"):
        polls.vote(poll.code, student, "A")
    after = polls.ask(poll.code, "Once upon a time,")  # a next word again: no letters
    assert not after.judging and after.letters == "" and polls.vote(poll.code, student, "Doha") == "Doha"
    again = polls.ask_judgement(poll.code, QUMAR, ANSWERS[:2])
    assert again.judging and again.letters == "AB" and again.question == "Once upon a time,"  # the text stays
    assert not polls.ask_question(poll.code, "temperature-zero").judging


def test_answers_to_judge_are_cleaned_and_two_at_least(polls: PollStore) -> None:
    assert clean_answers([" Yes.\n", "Yes.", "", "No\x00."] + ["x"] * 3) == ["Yes.", "No.", "x"]
    assert clean_answers([f"{i}" for i in range(9)]) == ["0", "1", "2", "3", "4"]  # a letter each, A to E
    for few in (["Only one."], ["Same.", "Same. "], []):
        with pytest.raises(PollError, match="at least two different answers"):
            polls.open(QUMAR, judge=few)
    poll = polls.open("Once upon a time,")
    with pytest.raises(PollError, match="at least two different answers"):
        polls.ask_judgement(poll.code, QUMAR, ["Only one."])


# ---------------------------------------------------------------------------- learning from every vote at once


def test_one_vote_is_one_students_better_click(builtin) -> None:
    a, b = builtin.clone(), builtin.clone()
    one = pref.prefer(a, builtin, QUMAR, ANSWERS[1], [ANSWERS[0], ANSWERS[2]])
    votes = pref.prefer_votes(b, builtin, QUMAR, [ANSWERS[1], ANSWERS[0], ANSWERS[2]], [1, 0, 0])
    assert votes.losses == pytest.approx(one.losses, rel=1e-5)
    for p, q in zip(a.trainable_parameters(), b.trainable_parameters()):
        assert torch.allclose(p, q, atol=1e-7)


def test_a_split_class_pulls_the_answers_apart_by_nothing(builtin, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pref, "SFT_WEIGHT", 0.0)  # the comparisons alone
    split = builtin.clone()
    before = [p.detach().clone() for p in split.trainable_parameters()]
    pref.prefer_votes(split, builtin, QUMAR, ANSWERS[:2], [5, 5])
    assert all(torch.equal(p, q) for p, q in zip(split.trainable_parameters(), before))  # the votes cancel


def gap(backend, reference) -> float:
    """How far "I do not know." moved above the made-up answer, against the reference (log-probability)."""
    lp = [s.logprob for s in pref.score_answers(backend, QUMAR, ANSWERS[:2])]
    ref = [s.logprob for s in pref.score_answers(reference, QUMAR, ANSWERS[:2])]
    return (lp[1] - ref[1]) - (lp[0] - ref[0])


def test_the_more_the_class_agrees_the_further_its_choice_moves(builtin) -> None:
    moved = {}
    for votes in ([0, 10], [2, 8], [8, 2]):
        copy = builtin.clone()
        pref.prefer_votes(copy, builtin, QUMAR, ANSWERS[:2], votes)
        moved[tuple(votes)] = gap(copy, builtin)
    assert moved[(0, 10)] > moved[(2, 8)] > 0 > moved[(8, 2)]
    with pytest.raises(ValueError, match="no vote to learn from"):
        pref.prefer_votes(builtin.clone(), builtin, QUMAR, ANSWERS[:2], [0, 0])


# ---------------------------------------------------------------------------- the two pages together


def test_the_class_votes_on_phones_and_the_votes_teach_the_teachers_copy(polls: PollStore) -> None:
    teacher = apptest.open_page("app_pages/feedback.py", timeout=120)
    next(b for b in teacher.button if b.label == QUMAR).click()
    checked(teacher.run())
    answers = ui.FeedbackState.of(teacher.session_state).round.answers
    next(b for b in teacher.button if b.key == "feedback_class").click()  # no poll yet: one opens
    checked(teacher.run())
    (code,) = [p.name for p in polls.root.iterdir()]
    poll = polls.get(code)
    assert poll.judge == answers and poll.judged == QUMAR
    assert any(f"the code {code}" in e.label for e in teacher.expander)  # how the students join

    picks = ["B", "B", "A"]
    for letter in picks:  # three phones
        student = apptest.open_page("app_pages/poll.py", query={CODE_KEY: code})
        assert not any(b.label == "Show the votes" for b in student.button)
        next(b for b in student.button if b.label.startswith(f"{letter} · ")).click()
        checked(student.run())
        assert any(c.value.startswith(f"Sent: {letter}.") for c in student.caption)

    checked(teacher.run())
    assert any("**3** votes so far: **A** 1 · **B** 2" in m.value for m in teacher.markdown)
    next(b for b in teacher.button if b.label == "Teach your copy the class's votes").click()
    checked(teacher.run())
    state = ui.FeedbackState.of(teacher.session_state)
    assert state.copy is not None and state.taught == (code, poll.round) and polls.get(code).revealed
    before, after = (trace["x"] for trace in chart_specs(teacher)[0]["data"])
    assert after[1] > before[1]  # the class's choice, "I do not know.", rose in the teacher's copy
    table = teacher.dataframe[0].value
    assert table["feedback"][0] == "the class's votes: A 1 · B 2 · C 0" and table["answer"][0] == answers[1]
    assert any("The class chose **B** (2 of 3 votes)" in m.value for m in teacher.markdown)

    checked(student.run())  # the last phone now shows the votes
    assert any("You voted for **A**" in m.value for m in student.markdown)
    assert any("The class chose **B**" in m.value for m in student.markdown) and chart_specs(student)

    board = apptest.open_page("app_pages/poll.py", query={CODE_KEY: code, KEY_KEY: poll.key})  # the teacher's board
    assert any("The class chose **B**" in m.value for m in board.markdown)


def test_a_poll_ended_meanwhile_or_no_vote_yet_is_said_not_raised(polls: PollStore) -> None:
    teacher = apptest.open_page("app_pages/feedback.py", timeout=120)
    next(b for b in teacher.button if b.label == QUMAR).click()
    checked(teacher.run())
    next(b for b in teacher.button if b.key == "feedback_class").click()
    checked(teacher.run())
    next(b for b in teacher.button if b.label == "Teach your copy the class's votes").click()
    checked(teacher.run(), warnings_ok=True)
    assert any("No student has voted yet" in w.value for w in teacher.warning)
    (code,) = [p.name for p in polls.root.iterdir()]
    polls.close(code)  # ended from another tab
    checked(teacher.run(), warnings_ok=True)
    assert not any(b.label == "Teach your copy the class's votes" for b in teacher.button)
    assert any(b.key == "feedback_class" for b in teacher.button)  # a new poll can be opened
    assert ui.FeedbackState.of(teacher.session_state).copy is None  # nothing was learnt
