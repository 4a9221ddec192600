"""The human-feedback update (explainer/preference.py), the Backend copy it needs, and its chart."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest
import torch
from torch.nn import Embedding

from explainer.backends import base
from explainer.backends.base import Backend, BackendError
from explainer.backends.load import load_backend
from explainer.charts.feedback import answer_label, before_after_bars
from explainer.training import preference as pref

ZUBROWKA = "What is the capital of Zubrowka?"
FRANCE = "What is the capital of France?"
QUMAR = "What is the capital of Qumar?"
MADE_UP = "The capital of Zubrowka is Paris."


@pytest.fixture(scope="module")
def builtin() -> Backend:
    return load_backend("builtin", "cpu")


@pytest.fixture(scope="module")
def tiny_hf(tiny_hf_dir) -> Backend:
    return load_backend(f"hf:{tiny_hf_dir}", "cpu")


def snapshot(backend: Backend) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in backend.module.state_dict().items()}


def assert_identical(backend: Backend, snap: dict[str, torch.Tensor]) -> None:
    state = backend.module.state_dict()
    assert state.keys() == snap.keys()
    changed = [k for k in snap if not torch.equal(state[k], snap[k])]
    assert not changed, f"parameters changed: {changed[:5]}"


def per_token(backend, question: str, answers: list[str]) -> list[float]:
    return [s.per_token for s in pref.score_answers(backend, question, answers)]


# ----------------------------------------------------------------------------- the copy
@pytest.mark.parametrize("which", ["builtin", "tiny_hf"])
def test_clone_has_its_own_parameters(which: str, request: pytest.FixtureRequest) -> None:
    reference = request.getfixturevalue(which)
    student = reference.clone()
    assert type(student) is type(reference) and student.info == reference.info
    own, shared = (
        student.trainable_parameters(),
        [m.weight for m in reference.module.modules() if isinstance(m, Embedding)],
    )
    assert len(shared) >= 2 and all(any(p is t for p in student.module.parameters()) for t in shared)  # not copied
    assert not any(p is t for p in own for t in shared)
    pairs = [(a, b) for a, b in zip(student.module.parameters(), reference.module.parameters()) if a is not b]
    assert [a for a, _b in pairs] == own and len(own) > len(shared)  # the rest: copies of their own
    assert all(a.data_ptr() != b.data_ptr() and torch.equal(a, b) for a, b in pairs)
    ids = torch.tensor([reference.encode("User: hello")])
    logits = student.train_logits(ids)  # (1, T, V), differentiable
    assert logits.requires_grad and logits.shape == (1, ids.shape[1], reference.info.vocab_size)
    assert torch.allclose(logits[0].detach(), reference.logits(ids[0].tolist()), atol=1e-5)


@pytest.mark.parametrize("which", ["builtin", "tiny_hf"])
def test_logits_at_some_positions_are_those_of_the_whole_pass(which: str, request: pytest.FixtureRequest) -> None:
    student = request.getfixturevalue(which).clone()
    ids, mask = pref._batch(student, QUMAR, ["The capital of Qatar is Doha.", "I do not know."])
    where = torch.nn.functional.pad(mask, (0, 1))
    some = student.train_logits(ids, where)  # (N, V): the answer positions only
    assert some.requires_grad and some.shape == (int(mask.sum()), student.info.vocab_size)
    assert torch.allclose(some, student.train_logits(ids)[where], atol=1e-5)


def test_clone_of_a_model_too_large_is_refused(builtin, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(base.MAX_CLONE_PARAMS, "cpu", 1_000_000)
    with pytest.raises(BackendError, match=r"3 M parameters: too many .*at most 1 M"):
        builtin.clone()
    with pytest.raises(BackendError, match="too many"):  # nor an untrained copy (the Meaning page then shows none)
        builtin.untrained(0)


# ----------------------------------------------------------------------------- scoring
def test_scores_match_the_models_next_word_probabilities(builtin) -> None:
    answer = "The capital of France is Paris."
    ids, n = pref.encode_answer(builtin, FRANCE, answer)
    assert builtin.decode(ids[-n:]).strip() == answer and builtin.decode(ids[-1:]) == "\n"
    probs = builtin.logits(ids).softmax(-1)  # (T, V), the plain inference path
    expected = sum(float(probs[t - 1, ids[t]].log()) for t in range(len(ids) - n, len(ids)))
    score = pref.score_answers(builtin, FRANCE, [answer])[0]
    assert score.n_tokens == n and score.logprob == pytest.approx(expected, abs=1e-3)
    assert score.per_token == pytest.approx(torch.tensor(expected / n).exp().item(), rel=1e-4)


def test_a_batch_scores_each_answer_as_if_alone(builtin) -> None:
    answers = [
        "Paris is the capital of France.",
        "The capital of France is Paris, a big city with bridges.",
        "I do not know.",
    ]
    together = pref.score_answers(builtin, FRANCE, answers)
    alone = [pref.score_answers(builtin, FRANCE, [a])[0] for a in answers]
    assert [s.logprob for s in together] == pytest.approx([s.logprob for s in alone], abs=1e-4)
    assert together[0].per_token > together[2].per_token  # the model knows this one


def test_bad_input_is_refused(builtin) -> None:
    with pytest.raises(ValueError, match="question is empty"):
        pref.encode_answer(builtin, "  ", "Paris.")
    with pytest.raises(ValueError, match="answer is empty"):
        pref.score_answers(builtin, FRANCE, [""])
    with pytest.raises(ValueError, match="too long"):
        pref.encode_answer(builtin, FRANCE, "Paris " * 200)
    with pytest.raises(ValueError, match="nothing to prefer"):
        pref.prefer(builtin.clone(), builtin, FRANCE, "Paris.", ["Paris."])
    with pytest.raises(BackendError, match="clone it first"):
        pref.prefer(builtin, builtin, FRANCE, "Paris.", ["Rome."])


# ----------------------------------------------------------------------------- the updates
@pytest.mark.parametrize("which", ["builtin", "tiny_hf"])
def test_preferred_answer_rises_and_only_the_students_copy_changes(which: str, request) -> None:
    reference = request.getfixturevalue(which)
    student, classmate = reference.clone(), reference.clone()
    ref_snap, mate_snap = snapshot(reference), snapshot(classmate)
    answers = ["I do not know.", MADE_UP]
    before = per_token(student, ZUBROWKA, answers)
    result = pref.prefer(student, reference, ZUBROWKA, answers[0], answers[1:])
    after = per_token(student, ZUBROWKA, answers)
    assert after[0] > before[0] and after[1] < before[1], (before, after)
    assert result.kind == "prefer" and len(result.losses) == pref.STEPS and result.losses[-1] < result.losses[0]
    assert_identical(reference, ref_snap)  # the shared model: bit for bit
    assert all(p.grad is None for p in reference.module.parameters())  # nor a gradient left on a shared table
    assert_identical(classmate, mate_snap)  # another student's copy
    assert per_token(classmate, ZUBROWKA, answers) == pytest.approx(before)


@pytest.mark.parametrize("which", ["builtin", "tiny_hf"])
def test_a_flagged_answer_falls(which: str, request) -> None:
    reference = request.getfixturevalue(which)
    student, ref_snap = reference.clone(), snapshot(reference)
    before = per_token(student, ZUBROWKA, [MADE_UP])[0]
    result = pref.flag(student, reference, ZUBROWKA, MADE_UP)
    assert per_token(student, ZUBROWKA, [MADE_UP])[0] < before
    assert result.kind == "flag" and result.losses[0] == pytest.approx(4 * 0.6931, abs=1e-3)  # −(2/β)·log σ(0)
    assert_identical(reference, ref_snap)


def test_a_few_clicks_teach_the_builtin_model_to_say_it_does_not_know(builtin) -> None:
    """The page's demonstration: click "better" on "I do not know." beside the model's own answers. The shipped model
    already answers a made-up country honestly ("Sorry, I do not know a country called …"): the short answer has
    to beat that, which takes repeated feedback (15 clicks with the shipped model), never one click."""
    student = builtin.clone()
    dont_know = pref.dont_know(student)
    assert dont_know == "I do not know."
    answers = pref.candidate_answers(student, ZUBROWKA, 2, seed=0, extra=dont_know)
    assert pref.greedy_answer(builtin, ZUBROWKA).startswith("Sorry, I do not know")
    clicks = 0
    while pref.greedy_answer(student, ZUBROWKA) != dont_know and clicks < 16:
        pref.prefer(student, builtin, ZUBROWKA, dont_know, answers[:-1])
        clicks += 1
    assert 2 <= clicks <= 15, clicks
    assert pref.greedy_answer(student, FRANCE) == pref.greedy_answer(builtin, FRANCE)  # other facts stay


def test_a_few_clicks_stop_the_builtin_model_making_up_an_answer(builtin) -> None:
    """The page's first suggested question: never taught, so the shipped model makes up a capital ("The capital of
    Qatar is Doha."); a few clicks on "I do not know." as the better answer (the page says seven) and it admits it
    does not know (in its own words, "Sorry, I do not know a country called ..."), while what it was taught stays."""
    student = builtin.clone()
    dont_know = pref.dont_know(student)
    answers = pref.candidate_answers(student, QUMAR, 2, seed=0, extra=dont_know)
    assert pref.greedy_answer(builtin, QUMAR) == "The capital of Qatar is Doha."
    clicks = 0
    while not pref.greedy_answer(student, QUMAR).startswith(("Sorry, I do not know", dont_know)) and clicks < 8:
        pref.prefer(student, builtin, QUMAR, dont_know, answers[:-1])
        clicks += 1
    assert clicks == 7, clicks
    assert all(p.grad is None for p in student.module.parameters())  # kept in a session: no gradients beside it
    for question in (FRANCE, "What sound does a dog make?", "What colour is the sky?"):
        assert pref.greedy_answer(student, question) == pref.greedy_answer(builtin, question)


def test_candidate_answers_differ_and_end_with_the_fixed_one(builtin) -> None:
    answers = pref.candidate_answers(builtin, ZUBROWKA, 2, seed=0, extra="I do not know.")
    assert len(answers) == 3 and len(set(answers)) == 3 and answers[-1] == "I do not know."
    assert answers == pref.candidate_answers(builtin, ZUBROWKA, 2, seed=0, extra="I do not know.")  # seeded
    with pytest.raises(ValueError, match="question is empty"):
        pref.candidate_answers(builtin, " ")


# ----------------------------------------------------------------------------- the chart
def test_before_after_chart() -> None:
    answers = ["I do not know.", "Once upon a time there lived a bear who could not stop talking about honey."]
    fig = before_after_bars(answers, [0.1, 0.5], [0.6, 0.3], ["better", ""])
    go.Figure(fig.to_dict())  # plotly validates it
    before, after = fig.data
    assert list(before.x) == [0.1, 0.5] and list(after.x) == [0.6, 0.3]
    assert list(after.text) == ["60%", "30%"] and before.name.startswith("before")
    ticks = fig.layout.yaxis.ticktext
    assert "better" in ticks[0] and "I do not know." in ticks[0] and "better" not in ticks[1]
    assert all(len(line) <= 31 for line in ticks[1].split("<br>"))  # wrapped onto short lines
    assert min(fig.layout.font.size, after.textfont.size, fig.layout.yaxis.tickfont.size) >= 16


def test_answer_label_cuts_long_answers_and_escapes_html() -> None:
    label = answer_label("<b>" + "word " * 60, "flagged")
    assert "unhelpful" in label and "&lt;b&gt;" in label and label.endswith("…")
    assert label.count("<br>") == 3  # the mark's line + 3 lines of text
