"""Class questions: the catalog (one right answer, a step of the lesson, a demo that exists), the right answers
checked on the shipped model where the app can check them, the poll that asks them (vote, vote again, the answer),
and the page for the teacher and for students (AppTest sessions side by side)."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from explainer.classroom.poll import CODE_KEY, KEY_KEY, PollError, PollStore, outcomes
from explainer.classroom.questions import BY_KEY, LETTERS, QUESTIONS, SURPRISE_TEXT, next_move
from explainer.config import POLLS
from explainer.corpus.generator import PROBE_SENTENCES
from explainer.model.sampling import SamplingParams, make_generator
from explainer.training.nudge import one_example_nudge
from explainer.ui.shell.lesson import PARTS, VIEW_NAMES
from explainer.ui.shell.pages import BY_URL

from . import apptest
from .apptest import chart_specs, checked

PAGE = "app_pages/poll.py"


@pytest.fixture
def polls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PollStore:
    monkeypatch.setenv(POLLS, str(tmp_path / "polls"))
    return PollStore(tmp_path / "polls")


def right(key: str) -> str:
    q = BY_KEY[key]
    return q.choices[q.right]


# ---------------------------------------------------------------------------- the catalog


def test_every_question_has_one_right_answer_a_lesson_step_and_a_demo() -> None:
    steps = {s.n for steps in PARTS.values() for s in steps}
    assert len(BY_KEY) == len(QUESTIONS)  # keys are unique
    for q in QUESTIONS:
        assert 3 <= len(q.choices) <= len(LETTERS) and 0 <= q.right < len(q.choices), q.key
        assert len(set(q.choices)) == len(q.choices), q.key
        assert q.step in steps, q.key
        assert q.page in BY_URL and (q.page, q.view) in VIEW_NAMES, q.key  # the demo's page and its section
    assert len({q.step for q in QUESTIONS}) >= 10  # most of the lesson's steps have one
    assert len({q.right for q in QUESTIONS}) == 3  # the right answer is not always the same letter


# ---------------------------------------------------------------------------- the right answers, on the model


def test_at_temperature_zero_every_run_writes_the_same(builtin) -> None:
    assert right("temperature-zero") == "the same reply twenty times"
    ids = builtin.encode("Once upon a time,")
    runs = {
        tuple(s.token_id for s in builtin.generate(ids, 12, SamplingParams(temperature=0.0), make_generator(seed)[0]))
        for seed in range(5)
    }
    assert len(runs) == 1
    hot = {
        tuple(s.token_id for s in builtin.generate(ids, 12, SamplingParams(temperature=1.5), make_generator(seed)[0]))
        for seed in range(5)
    }
    assert len(hot) > 1  # the test would see a sampler that ignores its dice


def test_words_put_in_its_mouth_are_continued_as_its_own(builtin) -> None:
    from explainer.generation.chat import reply_steps, reply_text

    assert right("words-in-its-mouth") == "It goes on from those words as if it had written them"
    q, greedy = BY_KEY["words-in-its-mouth"], SamplingParams(temperature=0.0)
    question = "What is the capital of France?"
    assert "Paris" in reply_text(list(reply_steps(builtin, [], question, greedy)))  # it knows
    begun = q.params["opening"]
    said = reply_text(list(reply_steps(builtin, [], question, greedy, opening=begun)), begun)
    assert said == "I do not know the answer to that." and said in q.why  # and goes on from the words it was given


def test_past_its_reply_the_model_writes_the_persons_next_question(builtin) -> None:
    from explainer.generation.chat import reply_steps, reply_text, run_on

    assert right("past-its-reply") == "The person's next question, then an answer to it"
    question, greedy = "What is two plus three?", SamplingParams(temperature=0.0)
    reply = reply_text(list(reply_steps(builtin, [], question, greedy)))
    found = run_on(builtin, [(question, reply)], greedy)
    assert reply in BY_KEY["past-its-reply"].text and found.exchange == (
        "What about seven plus ten?",
        "Seven plus ten is seventeen.",
    )
    assert f"User: {found.exchange[0]}" in BY_KEY["past-its-reply"].why


def test_the_model_gives_every_word_a_probability(builtin) -> None:
    assert right("a-probability-for-every-word") == "A probability for every word it knows"
    probs = builtin.next_token_logits(builtin.encode("The capital of France is")).double().softmax(-1)
    assert probs.numel() == builtin.info.vocab_size and bool((probs > 0).all())
    assert float(probs.sum()) == pytest.approx(1.0)


def test_the_word_it_least_expected_is_the_one_the_question_brings(builtin) -> None:
    assert right("the-surprising-word") == "“France”, in the question"
    ids = builtin.encode(SURPRISE_TEXT)
    g = builtin.guesses(ids)
    pieces = [builtin.token_str(i) for i in ids[1:]]
    asked, answer = pieces.index(" France"), pieces.index(" Paris")
    capital = len(pieces) - 1 - pieces[::-1].index(" capital")  # the answer's
    assert g.probs[asked] < 0.01 < 0.95 < min(g.probs[answer], g.probs[capital])
    assert g.probs[asked] == min(g.probs)  # the least expected word of the whole text


def test_one_step_nudges_almost_every_parameter(builtin) -> None:
    assert right("one-step-nudges-all").startswith("Almost every parameter")
    model = builtin.module
    ids = builtin.encode("The capital of France is Paris")
    grads = _gradients(model, ids)
    moved = sum(int((g != 0).sum()) for g in grads)
    total = sum(p.numel() for p in model.parameters())
    assert moved / total > 0.9  # the rows of positions past the example, say, get no gradient: "almost"
    assert one_example_nudge(model, ids).gain > 0  # and the step makes the true word likelier


def _gradients(model: torch.nn.Module, ids: list[int]) -> list[torch.Tensor]:
    copy_ = copy.deepcopy(model).float().eval()
    logits, _cache = copy_(torch.tensor([ids[:-1]]))
    F.cross_entropy(logits[0, -1:], torch.tensor([ids[-1]])).backward()
    return [p.grad for p in copy_.parameters() if p.grad is not None]


def test_a_rare_word_is_read_in_pieces_of_the_vocabulary(builtin) -> None:
    assert right("rare-word-in-pieces") == "in smaller pieces that are in its vocabulary"
    assert builtin.tokenizer.token_to_id(" hippopotamus") is None  # not one token
    pieces = builtin.tokenize(" hippopotamus")
    assert len(pieces) > 2 and not any(t.unknown for t in pieces)
    assert builtin.decode([t.id for t in pieces]) == " hippopotamus"  # every letter of it reaches the model


def test_bank_starts_from_one_vector_in_every_sentence(builtin) -> None:
    from explainer.analysis.sense_probe import sense_vectors

    assert right("one-vector-per-token") == "exactly the same"
    sv = sense_vectors(builtin, "bank", PROBE_SENTENCES["bank"])
    assert len(set(sv.senses.tolist())) == 2
    first = sv.vectors[:, 0]  # (N, D) at the token embedding
    assert (first == first[0]).all()
    assert not (sv.vectors[:, -1] == sv.vectors[0, -1]).all()  # after the layers they differ


def test_a_token_takes_information_only_from_itself_and_the_tokens_before(builtin) -> None:
    assert right("attention-looks-back") == "“The”, “capital” and itself"
    ids = builtin.encode("The capital of France is")
    of = [builtin.decode([i]).strip() for i in ids].index("of")  # ("The" may be two tokens)
    assert builtin.decode(ids[of + 1 :]).split() == ["France", "is"]
    for att in builtin.trace(ids).attentions:  # (H, T, T) per layer
        assert float(att[:, of, of + 1 :].abs().max()) == 0.0  # "of" never reads "France" or "is"
        assert float(att[:, of, : of + 1].sum(-1).min()) == pytest.approx(1.0, abs=1e-5)


def test_a_feed_forward_network_works_on_each_vector_alone_attention_does_not(builtin) -> None:
    assert right("feed-forward-one-vector") == "each token's vector on its own, the same way for every token"
    block = builtin.module.blocks[0]
    middle = builtin.trace(builtin.encode("The capital of France is")).resid_mid[0]  # (T, D)
    with torch.inference_mode():
        h = block.ln2(middle).unsqueeze(0)  # (1, T, D) what the feed-forward network reads
        together = block.mlp(h)[0]  # (T, D)
        alone = torch.cat([block.mlp(h[:, i : i + 1])[0] for i in range(h.shape[1])])
        changed = h.clone()
        changed[0, 0] += 1.0  # another first token
        mixed_mlp, mixed_attn = block.mlp(changed)[0], block.attn(changed)[0]
        plain_attn = block.attn(h)[0]
    assert torch.allclose(together, alone, atol=1e-5)
    assert torch.allclose(mixed_mlp[1:], together[1:], atol=1e-6)  # the other tokens' results do not move
    assert not torch.allclose(mixed_attn[1:], plain_attn[1:], atol=1e-4)  # attention's do: it mixes the tokens


def test_a_neuron_adds_its_vector_and_none_decides_alone(builtin) -> None:
    from explainer.analysis.inside import neuron_writers

    assert right("neuron-writes") == "It adds its own vector to the token's, raising some words' scores a little"
    ids = builtin.encode("User: What is the capital of France?\nAssistant: The capital of France is")
    trace, writes = builtin.trace(ids), builtin.neuron_writes(ids)
    for layer, w in enumerate(writes):  # what the network adds is its neurons' vectors, each times its value
        added = trace.resid_post[layer] - trace.resid_mid[layer]
        assert torch.allclose(w.values @ w.out.T + builtin.module.blocks[layer].mlp.proj.bias, added, atol=1e-4)
    found = neuron_writers(builtin, writes, trace, len(ids) - 1)
    assert builtin.token_str(found.target) == " Paris" and found.added[0] < found.score / 10


def test_each_layer_adds_to_the_vector(builtin) -> None:
    assert right("layers-add") == "It adds to it: the vector keeps what it had and gains more"
    trace = builtin.trace(builtin.encode("The capital of France is"))
    for block, before, middle, after in zip(builtin.module.blocks, trace.resid_pre, trace.resid_mid, trace.resid_post):
        with torch.inference_mode():
            attention = block.attn(block.ln1(before).unsqueeze(0))[0]
            feed_forward = block.mlp(block.ln2(middle).unsqueeze(0))[0]
        assert torch.allclose(before + attention + feed_forward, after, atol=1e-4)


def test_the_last_tokens_vector_after_the_last_layer_gives_the_next_word(builtin) -> None:
    assert right("last-vector-predicts") == "The vector of the last token, after the last layer"
    ids = builtin.encode("The capital of France is")
    after_last_layer = builtin.trace(ids).resid_post[-1]  # (T, D)
    logits = builtin.next_token_logits(ids)  # (V,)
    assert torch.allclose(builtin.unembed(after_last_layer[-1]), logits, atol=1e-4)
    assert builtin.decode([int(logits.argmax())]).strip() == "Paris"
    average = builtin.unembed(after_last_layer.mean(0))  # the wrong choice A gives another word
    assert builtin.decode([int(average.argmax())]).strip() != "Paris"


def test_gpt3s_training_text_takes_over_2600_years_at_the_pace_of_speech() -> None:
    from explainer.analysis.scale import GPT3, SPEECH_WPM, preset_words, reading_years

    assert right("years-of-reading") == "over 2,600 years"
    words = preset_words(GPT3)
    assert 2_600 < reading_years(words, SPEECH_WPM) < 3_000 and 200e9 < words < 250e9  # the answer's "some 2,800"


def test_the_largest_models_take_over_a_hundred_million_years_at_a_billion_a_second() -> None:
    from explainer.analysis.scale import BILLION_PER_SECOND, LLAMA31_405B, training_ops, years_at

    assert right("hundred-million-years") == "well over 100 million years"
    years = years_at(training_ops(LLAMA31_405B.params, LLAMA31_405B.tokens), BILLION_PER_SECOND)
    assert years > 100e6  # the Scale page's largest model, at its own count of operations (6 · N · D)


def test_a_score_two_higher_is_about_seven_times_as_likely() -> None:
    assert right("score-two-higher") == "about 7 times as likely"
    p = torch.tensor([3.0, 1.0, -0.5]).softmax(-1)
    assert float(p[0] / p[1]) == pytest.approx(math.e**2) and 7 <= math.e**2 < 7.5


def test_the_teacher_is_told_what_to_do_next_without_the_answer() -> None:
    assert next_move(0.1).startswith("Few have it right") and next_move(0.9).startswith("Most have it right")
    assert next_move(0.5).startswith("The class is split")
    assert next_move(0.29) != next_move(0.3) and next_move(0.7) != next_move(0.71)  # peer instruction's thresholds


# ---------------------------------------------------------------------------- the poll


def test_a_class_votes_talks_votes_again_and_sees_both_votes(polls: PollStore) -> None:
    poll = polls.open("Once upon a time,", quiz="temperature-zero")
    assert poll.asked is BY_KEY["temperature-zero"]
    voters = [f"{k:016x}" for k in range(5)]
    for voter, letter in zip(voters, "BBBAC"):
        polls.vote(poll.code, voter, letter)
    polls.vote(poll.code, voters[0], "A")  # a student changes their mind: the last answer counts
    with pytest.raises(PollError, match="Choose one of the answers, A, B, C"):
        polls.vote(poll.code, voters[1], "D")
    again = polls.vote_again(poll.code)
    assert again.round == 2 and again.before == {"A": 2, "B": 2, "C": 1}
    assert polls.guesses(again) == {}  # everyone answers afresh
    polls.vote(poll.code, voters[0], "A")
    shown = polls.reveal(poll.code, {})
    assert shown.revealed and shown.before == again.before
    with pytest.raises(PollError, match="already on the board"):
        polls.vote(poll.code, voters[1], "A")
    with pytest.raises(PollError, match="not shown yet"):
        polls.vote_again(poll.code)


def test_the_poll_keeps_how_the_class_did_on_each_question(polls: PollStore) -> None:
    poll = polls.open("Once upon a time,", quiz="temperature-zero")  # right: A
    for k, letter in enumerate("ABBC"):
        polls.vote(poll.code, f"{k:016x}", letter)
    polls.vote_again(poll.code)
    for k, letter in enumerate("AAAB"):
        polls.vote(poll.code, f"{k:016x}", letter)
    polls.reveal(poll.code, {})
    polls.reveal(poll.code, {})  # a second click records nothing twice
    polls.ask_question(poll.code, "all-at-once")  # right: A, voted once
    polls.vote(poll.code, "0" * 16, "B")
    polls.vote(poll.code, "1" * 16, "A")
    polls.reveal(polls.get(poll.code).code, {})
    polls.ask(poll.code, "a text between the questions")
    polls.reveal(poll.code, {"in": 0.5})  # a next word: not a class question
    (zero, together) = outcomes(polls.get(poll.code))
    assert (zero.question.key, zero.voters, zero.first, zero.second) == ("temperature-zero", 4, 0.25, 0.75)
    assert (together.question.key, together.voters, together.first, together.second) == ("all-at-once", 2, 0.5, None)


def test_a_poll_moves_between_next_words_and_questions(polls: PollStore) -> None:
    poll = polls.open("Once upon a time,")
    assert poll.asked is None
    with pytest.raises(PollError, match="Only a class question"):
        polls.vote_again(poll.code)
    with pytest.raises(PollError, match="no class question"):
        polls.ask_question(poll.code, "no-such-question")
    asked = polls.ask_question(poll.code, "random-dials")
    assert asked.asked.key == "random-dials" and asked.round == 2 and asked.question == "Once upon a time,"
    polls.vote(poll.code, "0" * 16, "B")
    back = polls.ask(poll.code, "Once upon a time, a fox")
    assert back.asked is None and back.before == {} and polls.guesses(back) == {}
    polls.vote(poll.code, "0" * 16, "a free word again")
    with pytest.raises(PollError, match="no class question"):
        polls.open("text", quiz="../etc")


# ---------------------------------------------------------------------------- the page


def test_a_teacher_asks_a_question_students_tap_an_answer_and_the_board_shows_the_right_one(polls: PollStore) -> None:
    teacher = apptest.open_page(PAGE, query={"question": "temperature-zero"})
    assert teacher.selectbox[0].value == "temperature-zero"  # the lesson's link chose it
    next(b for b in teacher.button if b.label == "Start the vote on this question").click()
    checked(teacher.run())
    code, key = teacher.query_params[CODE_KEY], teacher.query_params[KEY_KEY]
    assert polls.get(code).hosted_by(key) and polls.get(code).quiz == "temperature-zero"

    students = []
    for letter in "ABB":
        student = apptest.open_page(PAGE, query={CODE_KEY: code})
        assert not any(b.label == "Show the answer" for b in student.button)
        next(b for b in student.button if b.label.startswith(f"{letter} · ")).click()
        checked(student.run())
        assert any(f"Sent: {letter}" in c.value for c in student.caption)
        students.append(student)

    checked(teacher.run())
    assert any("3** answers so far" in m.value for m in teacher.markdown)
    assert any("The class is split" in c.value for c in teacher.caption)  # 1 of 3 right: talk, then vote again
    checked(students[0].run())
    assert not any("split" in c.value for c in students[0].caption)  # the suggestion is the teacher's
    next(b for b in teacher.button if b.label == "Talk to a neighbour, then vote again").click()
    checked(teacher.run())
    for student in students:
        checked(student.run())
        assert any("Vote again" in m.value for m in student.markdown)
        next(b for b in student.button if b.label.startswith("A · ")).click()
        checked(student.run())
    next(b for b in teacher.button if b.label == "Show the answer").click()
    checked(teacher.run())
    (board,) = chart_specs(teacher)
    first, second = (t for t in board["data"] if t["type"] == "bar")
    assert first["x"] == pytest.approx([1 / 3, 2 / 3, 0]) and second["x"] == pytest.approx([1, 0, 0])
    assert "✓" in board["layout"]["yaxis"]["ticktext"][0]  # A is right
    assert any("no dice roll" in s.value for s in teacher.success)  # why

    checked(students[1].run())
    assert any("You answered **A**: right!" in m.value for m in students[1].markdown)
    (record,) = teacher.dataframe  # how the class did, for the teacher
    assert record.value.iloc[0].tolist() == [
        3,
        "33%",
        "100%",
        "3",
        "At temperature 0, twenty runs of the same prompt write…",
    ]
    next(b for b in teacher.button if b.label == "Ask it").click()  # the next question, in the same poll
    checked(teacher.run())
    assert polls.get(code).quiz == QUESTIONS[[q.key for q in QUESTIONS].index("temperature-zero") + 1].key


def test_a_student_answer_after_the_reveal_is_said_not_raised(polls: PollStore) -> None:
    poll = polls.open("Once upon a time,", quiz="all-at-once")
    student = apptest.open_page(PAGE, query={CODE_KEY: poll.code})
    polls.reveal(poll.code, {})  # the teacher shows the answer while the student's page is still open
    next(b for b in student.button if b.label.startswith("A · ")).click()
    checked(student.run(), errors_ok=True)
    assert [e.value for e in student.error] == ["The answer is already on the board: wait for the next question."]


def test_a_student_alone_checks_themselves_at_the_foot_of_the_demos_page() -> None:
    at = apptest.open_page("app_pages/last_vector.py")
    checks = [r for r in at.radio if r.key and r.key.startswith("check_")]
    assert [r.key for r in checks] == ["check_last-vector-predicts", "check_score-two-higher"]
    assert checks[1].value is None and not at.success  # nothing picked, nothing said
    checks[1].set_value(1)  # "twice as likely"
    checked(at.run())
    assert [w.value for w in at.warning][-1].startswith("Not quite: the answer is C. The softmax")
    next(r for r in at.radio if r.key == "check_score-two-higher").set_value(2)
    checked(at.run())
    assert at.success[-1].value.startswith("Right. The softmax turns a score")
    assert at.get("page_link") and not any(
        p.proto.label == "Ask the class on their phones" for p in at.get("page_link")
    )


def test_the_chat_keeps_its_foot_for_the_conversation() -> None:
    at = apptest.open_page("app_pages/chat.py")
    assert not [r for r in at.radio if r.key and r.key.startswith("check_")]


def test_a_teacher_presenting_can_ask_the_class_the_same_question() -> None:
    at = apptest.open_page("app_pages/sampling.py", query={"present": "1"})
    links = [p for p in at.get("page_link") if p.proto.label == "Ask the class on their phones"]
    assert len(links) == 1 and "question=temperature-zero" in links[0].proto.page + links[0].proto.query_string
