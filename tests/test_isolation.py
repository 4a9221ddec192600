"""Two students train different texts in two sessions of one server: each session's model is exactly what
its own training makes (as if it had trained alone), each session's pages predict with its own model, and
the shared built-in model stays bit-identical to the shipped weights."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file
from streamlit.testing.v1 import AppTest

from explainer.config import RUNS
from explainer.generation.next_token import top_tokens
from explainer.training.run import Run, new_run, run_backend
from explainer.ui.shell.models import get_backend
from explainer.ui.training.session import TrainingSession, bounded_threads, training_slots

from .apptest import ROOT, chart_specs, checked, click, open_page

SHIPPED = ROOT / "assets" / "builtin" / "model.safetensors"
# Two texts with no letter or digit in common, so even the two models' vocabularies tell them apart.
TEXT_A = "the cat sat on the mat and the dog ran to the log; a fox hid in a box by the pond.\n" * 30
TEXT_B = "ROOM 12 HAS 34 CHAIRS, ROOM 56 HAS 78 DESKS! FLOOR 9 HAS 10 LAMPS.\n" * 36
PROMPT_A, PROMPT_B = "the cat sat on the", "ROOM 12 HAS"


@pytest.fixture(autouse=True)
def run_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(RUNS, str(tmp_path / "runs"))
    return tmp_path / "runs"


def student_with_text(text: str) -> AppTest:
    """A new session on the training page, training on pasted `text` (character tokens, tiny model)."""
    at = open_page(timeout=120)  # the home page, checked too
    at.switch_page("app_pages/train.py")
    checked(at.run())
    at.radio(key="train_src").set_value("paste")
    checked(at.run())
    at.text_area(key="train_paste").set_value(text)
    return checked(at.run())


def session_run(at: AppTest) -> Run:
    return TrainingSession.of(at.session_state).run


def letters(run: Run) -> set[str]:
    """The letters and digits in a run's (character) vocabulary: the text it was given, and no other."""
    tok = run.data.tokenizer
    return {t for i in range(tok.vocab_size) if (t := tok.id_to_token(i)).isalnum()}


def trained_alone(text: str, at: AppTest) -> Run:
    """The same settings trained the same number of steps in this test, with no other session around."""
    run = session_run(at)
    alone = new_run(run.spec, text)
    with bounded_threads():  # the thread count the page trains with: the same float sums
        alone.trainer.step(run.trainer.step_count)
    return alone


def next_word_bars(at: AppTest, prompt: str) -> list[float]:
    """Open Next word with `prompt`; the probabilities its bar chart shows (the grey "everything else" left out)."""
    at.switch_page("app_pages/next_word.py")
    checked(at.run())
    at.text_area(key="prompt").set_value(prompt)
    checked(at.run())
    return chart_specs(at)[0]["data"][0]["x"][:-1]


def predicted(run_or_backend, prompt: str, n: int) -> list[float]:
    backend = run_backend(run_or_backend) if isinstance(run_or_backend, Run) else run_or_backend
    probs = backend.next_token_logits(backend.encode(prompt)).softmax(-1)  # (V,)
    return top_tokens(probs, n, backend.token_str).probs


def digest(tensors: dict[str, torch.Tensor]) -> str:
    h = hashlib.sha256()
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        h.update(name.encode() + str(t.dtype).encode() + t.view(torch.uint8).numpy().tobytes())
    return h.hexdigest()


def test_two_students_train_apart_and_the_shared_model_stays_as_shipped() -> None:
    training_slots.clear()  # an earlier test's runs in this process keep their places for 30 s: b would wait its turn
    a, b = student_with_text(TEXT_A), student_with_text(TEXT_B)
    # Interleaved, as on a server: single steps, then a slice of the live training each, then pause.
    for _ in range(2):
        click(a, "train_step")
        click(b, "train_step")
    click(a, "train_run")
    click(b, "train_run")
    checked(a.run())  # the training fragment's next slice
    click(a, "train_run")
    click(b, "train_run")
    run_a, run_b = session_run(a), session_run(b)
    assert run_a is not run_b and run_a.model is not run_b.model
    assert run_a.trainer.step_count > 2 and run_b.trainer.step_count > 2
    assert letters(run_a) == set(TEXT_A) - set(" .;\n") and letters(run_b) == set(TEXT_B) - set(" ,.!\n")

    for at, text in ((a, TEXT_A), (b, TEXT_B)):  # each model: exactly its own training, untouched by the other
        alone, mine = trained_alone(text, at), session_run(at)
        for name, tensor in alone.model.state_dict().items():
            assert torch.equal(tensor, mine.model.state_dict()[name]), f"{name} differs from training alone"

    # B still predicts with the built-in model while A switches every page to its own model.
    builtin = get_backend("builtin")
    shown_b = next_word_bars(b, PROMPT_A)
    assert shown_b == pytest.approx(predicted(builtin, PROMPT_A, len(shown_b)), abs=1e-6)
    click(a, "train_use_everywhere")
    shown_a = next_word_bars(a, PROMPT_A)
    assert shown_a == pytest.approx(predicted(run_a, PROMPT_A, len(shown_a)), abs=1e-6)
    assert shown_a != pytest.approx(shown_b, abs=1e-3)
    b.switch_page("app_pages/train.py")
    checked(b.run())
    click(b, "train_use_everywhere")
    shown_b = next_word_bars(b, PROMPT_B)
    assert shown_b == pytest.approx(predicted(run_b, PROMPT_B, len(shown_b)), abs=1e-6)

    # The one built-in model every session shares (cached per process) is bit-identical to the shipped file.
    shipped = load_file(SHIPPED)
    served = builtin.model.state_dict()
    assert digest({k: served[k] for k in shipped}) == digest(shipped)
    assert set(served) <= set(shipped) | {"lm_head.weight"}, "every served tensor comes from the shipped file"
