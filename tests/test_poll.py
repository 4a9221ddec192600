"""The class poll: its store (codes, guesses, rounds, the answer, old polls), the board's numbers, the model's
probability of a guessed word, and the page for the teacher and for students (AppTest sessions side by side)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import plotly.graph_objects as go
import pytest
import torch

from explainer.charts.poll import class_and_model
from explainer.classroom.poll import (
    CODE,
    CODE_KEY,
    KEY_KEY,
    MAX_GUESS_CHARS,
    POLL_FILE,
    VIEW_FILE,
    Poll,
    PollError,
    PollStore,
    board,
    clean_guess,
    draw,
    drawn_answer,
    join_address,
    model_answer,
    new_voter,
    tally,
)
from explainer.classroom.questions import QUESTION_KEY
from explainer.config import POLLS
from explainer.generation.next_token import joined, word_probability, word_tokens
from explainer.generation.script import build_script
from explainer.ui.follow import LEAD_KEY, same_view
from explainer.ui.shell.views import VIEW_KEY

from . import apptest
from .apptest import chart_specs, checked

PAGE = "app_pages/poll.py"
FOX = build_script([], "Tell me a short story about a fox.") + " Once upon a time,"


@pytest.fixture
def polls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PollStore:
    monkeypatch.setenv(POLLS, str(tmp_path / "polls"))
    return PollStore(tmp_path / "polls")


# ---------------------------------------------------------------------------- the store


def test_a_poll_counts_each_students_last_guess(polls: PollStore) -> None:
    poll = polls.open(FOX)
    assert CODE.fullmatch(poll.code) and poll.question == FOX and poll.round == 1 and poll.key
    ann, bo, cy, di = new_voter(), new_voter(), new_voter(), new_voter()
    polls.vote(poll.code, ann, "high")
    polls.vote(poll.code, ann, "  in ")  # a second guess replaces the first
    polls.vote(poll.code, bo, "In")
    polls.vote(poll.code.lower(), cy, "far")  # a code typed in lower case
    polls.vote(f" {poll.code} ", di, "in")
    assert polls.guesses(poll) == {ann: "in", bo: "In", cy: "far", di: "in"}
    assert polls.count(poll) == 4
    assert tally(list(polls.guesses(poll).values())) == [("in", 3), ("far", 1)]  # as most of the class wrote it


def test_showing_the_answer_ends_the_guessing_and_the_next_question_starts_afresh(polls: PollStore) -> None:
    poll = polls.open(FOX)
    polls.vote(poll.code, new_voter(), "in")
    shown = polls.reveal(poll.code, {"in": 0.25, "high": 0.24})
    assert shown.revealed and polls.get(poll.code).answer == {"in": 0.25, "high": 0.24}
    with pytest.raises(PollError, match="wait for the next question"):
        polls.vote(poll.code, new_voter(), "a")
    nxt = polls.ask(poll.code, joined(FOX, "in"))
    assert (nxt.round, nxt.revealed, nxt.answer, nxt.question) == (2, False, {}, FOX + " in")
    assert polls.guesses(nxt) == {}
    assert nxt.key == poll.key  # still the same teacher's poll


def test_codes_and_ids_from_outside_are_checked(polls: PollStore) -> None:
    poll = polls.open(FOX)
    for code in ["", "AB", "../" + poll.code, poll.code + "/..", "ABCDE", "IOSB"]:
        assert polls.get(code) is None
    with pytest.raises(PollError, match="ended"):
        polls.vote("QQQQ", new_voter(), "in")
    with pytest.raises(ValueError):
        polls.vote(poll.code, "../../etc", "in")
    assert not poll.hosted_by(None) and not poll.hosted_by("") and not poll.hosted_by("0" * 16)
    assert poll.hosted_by(poll.key)


@pytest.mark.parametrize(
    "typed, kept",
    [(" in ", "in"), ("once  upon", "once upon"), ("a\x00b\u200bc", "abc"), ("é", "é"), (",", ",")],
)
def test_a_guess_is_cleaned(typed: str, kept: str) -> None:
    assert clean_guess(typed) == kept


@pytest.mark.parametrize("typed, message", [("", "Type a word"), (" \n\t", "Type a word"), ("x" * 31, "at most 30")])
def test_a_bad_guess_says_what_to_fix(typed: str, message: str) -> None:
    assert MAX_GUESS_CHARS == 30
    with pytest.raises(PollError, match=message):
        clean_guess(typed)


def test_a_full_round_takes_no_new_guesser_but_lets_one_change(polls: PollStore, monkeypatch) -> None:
    monkeypatch.setattr("explainer.classroom.poll.MAX_VOTERS", 2)
    poll, ann, bo = polls.open(FOX), new_voter(), new_voter()
    polls.vote(poll.code, ann, "in")
    polls.vote(poll.code, bo, "a")
    with pytest.raises(PollError, match="full"):
        polls.vote(poll.code, new_voter(), "far")
    assert polls.vote(poll.code, ann, "high") == "high"


def test_ended_and_forgotten_polls_are_gone(polls: PollStore) -> None:
    old, new = polls.open(FOX), polls.open(FOX)
    polls.close(new.code)
    assert polls.get(new.code) is None
    hours_ago = time.time() - 13 * 3600
    os.utime(polls.root / old.code / POLL_FILE, (hours_ago, hours_ago))
    polls.open(FOX)  # opening a poll clears the old ones
    assert polls.get(old.code) is None


def test_a_folder_the_server_cannot_use_is_said_without_its_path(tmp_path: Path) -> None:
    (tmp_path / "not-a-folder").write_text("x")
    with pytest.raises(PollError, match="could not save the poll") as caught:
        PollStore(tmp_path / "not-a-folder").open(FOX)
    assert str(tmp_path) not in str(caught.value)


def test_a_teachers_click_on_a_poll_that_ended_meanwhile_is_said(polls: PollStore) -> None:
    teacher = apptest.open_page(PAGE)
    next(b for b in teacher.button if b.label == "Start a poll").click()
    checked(teacher.run())
    polls.close(teacher.query_params[CODE_KEY])  # another tab of the teacher's ended it
    next(b for b in teacher.button if b.label == "Show the answers").click()
    teacher = apptest.no_crash(teacher.run())
    assert [e.value for e in teacher.error] == ["This poll has ended."]
    assert any(b.label == "Start a poll" for b in teacher.button)


def test_ask_this_asks_what_was_just_typed(polls: PollStore) -> None:
    teacher = apptest.open_page(PAGE)
    next(b for b in teacher.button if b.label == "Start a poll").click()
    checked(teacher.run())
    teacher.text_area(key="prompt").input("User: What sound does a cow make?\nAssistant: A cow says")
    next(b for b in teacher.button if b.label == "Ask this").click()  # typing and click in one run, as in a browser
    checked(teacher.run())
    poll = polls.get(teacher.query_params[CODE_KEY])
    assert (poll.round, poll.question) == (2, "User: What sound does a cow make?\nAssistant: A cow says")


def test_a_damaged_poll_file_is_no_poll(polls: PollStore) -> None:
    poll = polls.open(FOX)
    (polls.root / poll.code / POLL_FILE).write_text("{not json", encoding="utf-8")
    assert polls.get(poll.code) is None
    (polls.root / poll.code / POLL_FILE).write_text(json.dumps({"question": "x", "surprise": 1}), encoding="utf-8")
    assert polls.get(poll.code) is None


# ---------------------------------------------------------------------------- the board


def test_the_board_shares_add_up_and_the_model_joins_once_shown() -> None:
    guesses = ["in", "In", "high", "a", "far", "far", "there", "once", "then", "x", "y"]
    rows, other = board(guesses, None, n_rows=4)
    assert [r.word for r in rows] == ["far", "in", "a", "high"]  # most given first, ties in alphabetical order
    assert all(r.model is None for r in rows)
    assert sum(r.share for r in rows) + other == pytest.approx(1.0)
    answer = {"in": 0.25, "high": 0.24, "a": 0.21, "far": 0.15, "x": 1e-6, "there": 0.14, "upon": 0.01}
    rows, other = board(guesses, answer, n_rows=4, n_favourites=2)
    words = [r.word.casefold() for r in rows]
    assert len(words) == len(set(words)) == 6  # the 4 commonest answers, then the model's 2 likeliest others
    assert [(r.word, r.model) for r in rows[4:]] == [("there", 0.14), ("upon", 0.01)]
    assert sum(r.share for r in rows) + other == pytest.approx(1.0)  # a favourite some guessed keeps its share
    fig = class_and_model(rows, other, "board")
    go.Figure(fig.to_dict())  # valid for plotly
    class_bars, model_bars = [t for t in fig.to_dict()["data"] if t["type"] == "bar"]
    assert sum(class_bars["x"]) == pytest.approx(1.0)
    assert model_bars["x"] == [answer[r.word.casefold()] for r in rows]


def test_a_hidden_answer_leaves_the_board_but_still_counts() -> None:
    guesses = ["in", "in", "rude", "Rude", "a"]
    answer = {"in": 0.25, "rude": 1e-5, "a": 0.21, "Paris": 0.01}
    rows, other = board(guesses, answer, hidden=["RUDE"])
    assert [r.word for r in rows] == ["in", "a", "Paris"]  # the model's own word keeps its capital
    assert other == pytest.approx(2 / 5)  # two of five guesses are now among the others, unnamed
    assert sum(r.share for r in rows) + other == pytest.approx(1.0)


def test_the_teacher_hides_an_answer_on_every_screen(polls: PollStore) -> None:
    poll = polls.open(FOX)
    polls.vote(poll.code, new_voter(), "rude")
    polls.reveal(poll.code, {"rude": 1e-5, "in": 0.25})
    assert polls.hide(poll.code, "Rude").hidden == ["rude"]
    assert polls.hide(poll.code, "in").hidden == ["in", "rude"]
    assert polls.get(poll.code).hidden == ["in", "rude"]
    assert polls.hide(poll.code, "RUDE", hide=False).hidden == ["in"]  # back on the board


def test_equal_counts_go_by_the_models_probability_once_it_is_known() -> None:
    assert tally(["far", "in"]) == [("far", 1), ("in", 1)]
    assert tally(["far", "in"], {"in": 0.25, "far": 0.15}) == [("in", 1), ("far", 1)]


def test_before_the_answer_the_board_shows_the_class_alone() -> None:
    rows, other = board(["in", "a"], None)
    bars = [t for t in class_and_model(rows, other).to_dict()["data"] if t["type"] == "bar"]
    assert len(bars) == 1 and bars[0]["x"] == [0.5, 0.5]


# ---------------------------------------------------------------------------- the model's probability of a word


def test_a_words_probability_is_its_tokens_chained(small) -> None:
    text = "We sat on the"
    for word in ["bank", "river", "capital of France"]:
        ids = word_tokens(small, text, word)
        assert small.decode(ids).strip() == word
        p, context = 1.0, small.encode(text)
        for i in ids:  # one token at a time, as a reply is written
            p *= float(small.next_token_logits(context).double().softmax(-1)[i])
            context = context + [i]
        assert word_probability(small, text, word) == pytest.approx(p, rel=1e-4)


def test_a_one_token_word_has_the_next_word_pages_probability(builtin) -> None:
    probs = builtin.next_token_logits(builtin.encode(FOX)).double().softmax(-1)
    (i,) = word_tokens(builtin, FOX, "in")
    assert builtin.token_str(i) == " in"
    assert word_probability(builtin, FOX, "in") == pytest.approx(float(probs[i]), rel=1e-6)
    assert torch.argmax(probs).item() == i  # the shipped model's favourite here, as the board shows


def test_the_answer_covers_every_guess_and_the_models_favourites(builtin) -> None:
    answer = model_answer(builtin, FOX, ["in", "In", "castle", "in a"])
    assert list(answer)[:3] == ["in", "castle", "in a"]  # each answer once, as the class spelled it most
    assert {"high", "far", "there"} <= set(answer)  # the model's likeliest words, which nobody may have guessed
    assert answer["in a"] == pytest.approx(word_probability(builtin, FOX, "in a"))
    assert answer["in a"] < answer["in"]  # a longer answer: one more token to get right
    assert all(0 <= p <= 1 for p in answer.values())


def test_words_join_the_text_as_a_writer_would() -> None:
    assert joined("Once upon a time,", "in") == "Once upon a time, in"
    assert joined("Once upon a time", ",") == "Once upon a time,"
    assert joined("Assistant:\n", "Hello") == "Assistant:\nHello"


def test_students_get_an_address_they_can_reach() -> None:
    assert join_address("https://class.example.org/poll", "KQXT") == "https://class.example.org/poll?code=KQXT"
    local = join_address("http://localhost:8501/poll", "KQXT")
    assert local.endswith(":8501/poll?code=KQXT") and local.startswith("http://")


# ---------------------------------------------------------------------------- a class that draws


def test_draws_come_from_the_models_distribution_at_the_temperature(builtin) -> None:
    gen = torch.Generator().manual_seed(0)
    probs = builtin.next_token_logits(builtin.encode(FOX)).softmax(-1)
    likeliest = builtin.decode([int(probs.argmax())]).strip()
    assert {draw(builtin, FOX, 0.0, gen) for _i in range(5)} == {likeliest}  # T = 0: every device the same word
    assert drawn_answer(builtin, FOX, 0.0, [likeliest]) == {likeliest: pytest.approx(1.0)}
    draws = [draw(builtin, FOX, 1.0, gen) for _i in range(400)]
    answer = drawn_answer(builtin, FOX, 1.0, draws)
    assert set(answer) >= set(draws) and sum(answer.values()) <= 1 + 1e-9
    # T = 1: the model's own probability (and a hair more: another token, " In" say, shows the same word)
    assert float(probs.max()) <= answer[likeliest] <= float(probs.max()) + 1e-3
    common = {w: p for w, p in answer.items() if p >= 0.01}  # the rest: hundreds of rare words, together
    shares = {w: draws.count(w) / len(draws) for w in common}
    shares["rare"], common["rare"] = 1 - sum(shares.values()), 1 - sum(common.values())
    for word, p in common.items():  # 400 draws: each share within 4 standard errors of its probability
        assert abs(shares[word] - p) <= 4 * (p * (1 - p) / len(draws)) ** 0.5, (word, shares[word], p)
    hot = drawn_answer(builtin, FOX, 2.0, [])
    assert max(hot.values()) < answer[likeliest]  # hotter: the likeliest word less likely


def test_a_drawing_poll_keeps_its_temperature_and_checks_it(polls: PollStore) -> None:
    poll = polls.open(FOX, 0.7, model="builtin")
    assert poll.drawing and poll.temperature == 0.7 and poll.model == "builtin"
    assert polls.ask(poll.code, FOX + " in").temperature == 0.7  # the next word, at the same temperature
    assert polls.ask(poll.code, FOX, temperature=1.5).temperature == 1.5  # the same text again, hotter
    with pytest.raises(PollError, match="from 0 to 2"):
        polls.open(FOX, 9.0)
    assert not polls.open(FOX).drawing and polls.ask(polls.open(FOX).code, FOX, temperature=1.0).temperature is None


def test_a_class_draws_at_temperature_zero_and_every_device_gets_the_same_word(polls: PollStore) -> None:
    teacher = apptest.open_page(PAGE)
    teacher.toggle(key="poll_drawing").set_value(True)
    checked(teacher.run())
    teacher.slider(key="poll_temperature").set_value(0.0)
    next(b for b in teacher.button if b.label == "Start a poll").click()
    checked(teacher.run())
    code = teacher.query_params[CODE_KEY]
    assert polls.get(code).temperature == 0.0 and any("temperature 0" in m.value for m in teacher.markdown)
    drawn = []
    for _student in range(3):
        student = apptest.open_page(PAGE, query={CODE_KEY: code})
        assert not student.text_input, "a drawing student types nothing"
        next(b for b in student.button if b.label == "Draw the next word").click()
        checked(student.run())
        drawn.append(next(s.value for s in student.success if "You drew" in s.value))
        assert not any(b.label == "Draw the next word" for b in student.button), "one draw a round"
    assert len(set(drawn)) == 1 and "**in**" in drawn[0]  # T = 0: the likeliest word on every device
    checked(teacher.run())
    assert any("3** draws so far" in m.value for m in teacher.markdown)
    next(b for b in teacher.button if b.label == "Show the answers").click()
    checked(teacher.run())
    class_bars, model_bars = [t for t in chart_specs(teacher)[0]["data"] if t["type"] == "bar"]
    assert class_bars["x"][0] == 1.0 and model_bars["x"][0] == pytest.approx(1.0)
    assert any("came up in 100%" in m.value for m in teacher.markdown)
    checked(student.run())
    assert any("You drew **in**: its probability was 100%" in m.value for m in student.markdown)
    teacher.slider(key=f"poll_next_temperature_{code}").set_value(1.5)
    checked(teacher.run())
    next(b for b in teacher.button if b.label == "Draw again at 1.5").click()
    checked(teacher.run())
    assert polls.get(code).temperature == 1.5 and polls.get(code).round == 2 and polls.get(code).question == FOX


# ---------------------------------------------------------------------------- the page


def test_a_teacher_opens_a_poll_students_guess_and_the_board_shows_both(polls: PollStore) -> None:
    teacher = apptest.open_page(PAGE)
    next(b for b in teacher.button if b.label == "Start a poll").click()
    checked(teacher.run())
    code, key = teacher.query_params[CODE_KEY], teacher.query_params[KEY_KEY]
    assert polls.get(code).hosted_by(key) and polls.get(code).question == FOX
    assert any(code in h.proto.body for h in teacher.get("html"))  # the code, big, for the board

    for guess in ["in", "In", "in", "high"]:
        student = apptest.open_page(PAGE, query={CODE_KEY: code})
        assert not any(b.label == "Show the answers" for b in student.button)  # a student cannot end the guessing
        student.text_input[0].input(guess)
        next(b for b in student.button if b.label == "Send").click()
        checked(student.run())
        assert any("Sent:" in s.value for s in student.success)

    checked(teacher.run())
    assert any("4** guesses so far" in m.value for m in teacher.markdown)
    next(b for b in teacher.button if b.label == "Show the answers").click()
    checked(teacher.run())
    (board_spec,) = chart_specs(teacher)
    class_bars, model_bars = [t for t in board_spec["data"] if t["type"] == "bar"]
    assert class_bars["x"][:2] == pytest.approx([3 / 4, 1 / 4])  # "In" and "in" are one answer
    assert model_bars["x"][0] == pytest.approx(polls.get(code).answer["in"])
    assert any("The class's favourite: **in**" in m.value for m in teacher.markdown)

    checked(student.run())  # the last student now sees the model's answer to their own guess
    assert any("You guessed **high**" in m.value for m in student.markdown)

    next(b for b in teacher.button if b.label == "high").click()  # the teacher takes "high" off the board
    checked(teacher.run())
    (board_spec,) = chart_specs(teacher)
    assert "high" not in json.dumps(board_spec["layout"]["yaxis"]["ticktext"])
    checked(student.run())
    (board_spec,) = chart_specs(student)  # the student's screen too
    assert "high" not in json.dumps(board_spec["layout"]["yaxis"]["ticktext"])
    next(b for b in teacher.button if b.label == "Show “high” again").click()  # and back
    checked(teacher.run())
    assert "high" in json.dumps(chart_specs(teacher)[0]["layout"]["yaxis"]["ticktext"])
    next(b for b in teacher.button if b.label == "high").click()
    checked(teacher.run())

    next(b for b in teacher.button if b.label.startswith("Add “in”")).click()
    checked(teacher.run())
    assert polls.get(code).question == FOX + " in" and polls.get(code).round == 2


def test_a_wrong_code_or_an_empty_guess_gets_a_message(polls: PollStore) -> None:
    at = apptest.open_page(PAGE, query={CODE_KEY: "QQQQ"})
    assert any("No poll with the code “QQQQ”" in w.value for w in at.warning)
    poll = polls.open(FOX)
    at = apptest.open_page(PAGE, query={CODE_KEY: poll.code})
    next(b for b in at.button if b.label == "Send").click()
    at = apptest.no_crash(at.run())
    assert [e.value for e in at.error] == ["Type a word first."]
    at.text_input[0].input("in")
    next(b for b in at.button if b.label == "Send").click()
    checked(at.run())
    polls.close(poll.code)  # the teacher ends it
    checked(at.run())
    assert any("has ended" in w.value for w in at.warning)


def test_poll_dataclass_reads_what_it_wrote(polls: PollStore) -> None:
    poll = polls.open(FOX)
    assert polls.get(poll.code) == Poll(poll.code, FOX, key=poll.key)


# ---------------------------------------------------------------------------- following the teacher


def test_the_teachers_view_is_kept_apart_from_the_poll_and_read_back_with_care(polls: PollStore) -> None:
    poll = polls.open(FOX)
    assert polls.teacher_at(poll) is None  # the teacher has not moved yet
    polls.lead(poll.code, "attention", {"prompt": "The capital of France is", "view": "heads"})
    assert polls.teacher_at(poll) == ("attention", {"prompt": "The capital of France is", "view": "heads"})
    assert polls.get(poll.code) == poll  # the poll itself is untouched: another tab of the teacher may change it
    polls.lead(poll.code, "tokens", {"tok_text": "x" * 3000})  # too long for an address: the page alone
    assert polls.teacher_at(poll) == ("tokens", {})
    polls.lead(poll.code, "", {})  # the teacher stops leading
    assert polls.teacher_at(poll) is None
    for damaged in ("{not json", "[1, 2]", '{"page": 3, "params": {}}', '{"page": "tokens", "params": "x"}'):
        (polls.root / poll.code / VIEW_FILE).write_text(damaged, encoding="utf-8")
        assert polls.teacher_at(poll) is None
    polls.close(poll.code)
    with pytest.raises(PollError, match="has ended"):
        polls.lead(poll.code, "tokens", {})


def test_a_student_who_joined_sees_where_the_teacher_is_and_that_the_class_votes(polls: PollStore) -> None:
    teacher = apptest.open_page(PAGE)
    next(b for b in teacher.button if b.label == "Start a poll").click()
    checked(teacher.run())
    code = teacher.query_params[CODE_KEY]
    student = apptest.open_page(PAGE, query={CODE_KEY: code})
    student.switch_page("app_pages/next_word.py")
    checked(student.run())
    assert any("Your class is voting" in m.value for m in student.markdown)  # no guess sent yet
    assert not any("The teacher is showing" in m.value for m in student.markdown)  # the teacher is on the poll

    teacher.switch_page("app_pages/tokens.py")
    teacher.query_params["tok_text"] = "My name is Ana."
    checked(teacher.run())
    assert polls.teacher_at(polls.get(code)) == ("tokens", {"tok_text": "My name is Ana."})
    assert any(f"Back to your class poll ({code})" in link.proto.label for link in teacher.get("page_link"))
    checked(student.run())
    assert any("The teacher is showing **Tokens**." in m.value for m in student.markdown)
    (go,) = [link.proto for link in student.get("page_link") if link.proto.label == "Go there"]
    assert go.page.endswith("tokens") and "tok_text=My+name+is+Ana." in go.query_string

    student.switch_page("app_pages/tokens.py")  # the same page, the student's own text
    student.query_params.clear()  # as a browser's page switch does
    checked(student.run())
    assert any("The teacher shows this page with other settings." in m.value for m in student.markdown)
    assert [link.proto.label for link in student.get("page_link") if "tok_text" in link.proto.query_string] == [
        "Take them"
    ]
    teacher.toggle(key=LEAD_KEY).set_value(False)  # the teacher stops leading
    checked(teacher.run())
    checked(student.run())
    assert not any("The teacher is showing" in m.value for m in student.markdown)
    next(b for b in student.button if b.label == "Stop following").click()
    checked(student.run())
    assert not any("Your class is voting" in m.value for m in student.markdown)


def test_the_lessons_next_question_goes_to_the_open_poll_so_the_class_keeps_its_code(polls: PollStore) -> None:
    teacher = apptest.open_page(PAGE)
    next(b for b in teacher.button if b.label == "Start a poll").click()
    checked(teacher.run())
    code = teacher.query_params[CODE_KEY]
    teacher.switch_page("app_pages/sampling.py")
    checked(teacher.run())
    teacher.switch_page(PAGE)  # the lesson plan's link to the next class question (a page switch clears the address)
    teacher.query_params.clear()
    teacher.query_params[QUESTION_KEY] = "temperature-zero"
    checked(teacher.run())
    next(b for b in teacher.button if b.label == f"Ask this question in your poll ({code})").click()
    checked(teacher.run())
    assert teacher.query_params[CODE_KEY] == code
    poll = polls.get(code)
    assert (poll.quiz, poll.round) == ("temperature-zero", 2)


def test_the_same_view_is_the_same_page_and_settings_wherever_it_is_scrolled_to() -> None:
    tokens = ("tokens", {"tok_text": "My name is Ana."})
    assert same_view(tokens, ("tokens", {"tok_text": "My name is Ana.", VIEW_KEY: "merges"}))
    assert not same_view(tokens, ("tokens", {}))  # the default text: other settings
    assert not same_view(tokens, ("next-word", {"tok_text": "My name is Ana."}))


def test_a_teacher_who_opens_another_poll_stops_leading_the_first(polls: PollStore) -> None:
    teacher = apptest.open_page(PAGE)
    next(b for b in teacher.button if b.label == "Start a poll").click()
    checked(teacher.run())
    first = polls.get(teacher.query_params[CODE_KEY])
    teacher.switch_page("app_pages/tokens.py")
    teacher.query_params.clear()
    checked(teacher.run())
    assert polls.teacher_at(first) == ("tokens", {})
    teacher.switch_page(PAGE)
    teacher.query_params.clear()
    checked(teacher.run())
    teacher.toggle(key="poll_drawing").set_value(True)  # a drawing class: not the first poll's kind, a new poll
    checked(teacher.run())
    next(b for b in teacher.button if b.label == "Start a poll").click()
    checked(teacher.run())
    assert teacher.query_params[CODE_KEY] != first.code
    assert polls.teacher_at(first) is None  # its students no longer point at a page the teacher left
