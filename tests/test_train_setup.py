"""Choices -> a run: presets, validation, text loading, the train/validation split, a run that learns."""

import sys

import pytest
import torch

from explainer.model.gpt import GPT
from explainer.training.data import compact_ids, prepare_data, split_point
from explainer.training.run import new_run, run_backend, sample_text
from explainer.training.spec import PRESETS, RunSpec, parameter_count
from explainer.training.text import MIN_CHARS, load_text

from .helpers import next_token_probs

# a small fixed text: a few sentences repeated (easy to learn), with line breaks to cut at
FIXED = "the cat sat on the mat.\nthe dog ran to the park.\na bird sang in the tree.\n" * 40


def tiny_spec(**kw) -> RunSpec:
    base = dict(source="paste", n_layer=1, n_head=2, d_model=32, context_length=16, batch_size=8, lr=1e-2,
                steps=200, eval_every=50)  # fmt: skip
    return RunSpec(**{**base, **kw})


def test_presets_exist_and_validate():
    assert list(PRESETS) == ["tiny", "small", "medium"]
    for name in PRESETS:
        spec = RunSpec.from_preset(name).validate()
        assert spec.n_layer == PRESETS[name].n_layer
    sizes = [parameter_count(RunSpec.from_preset(n), 80) for n in PRESETS]
    assert sizes == sorted(sizes) and sizes[0] < 200_000
    assert RunSpec.from_preset("tiny", steps=7).steps == 7
    with pytest.raises(ValueError, match="unknown preset"):
        RunSpec.from_preset("huge")


def test_parameter_count_matches_the_model():
    spec = tiny_spec()
    torch.manual_seed(0)
    assert parameter_count(spec, 50) == GPT(spec.model_config(50)).n_params()


@pytest.mark.parametrize(
    "change, words",
    [
        (dict(n_head=3), "must divide the width"),
        (dict(steps=-1), "steps"),
        (dict(lr=0.0), "learning rate"),
        (dict(tokenizer="letters"), "unknown tokenizer"),
        (dict(source="ftp"), "unknown text source"),
        (dict(tokenizer="bpe", vocab_size=100), "vocabulary size"),
        (dict(context_length=1), "context"),
    ],
)
def test_bad_specs_are_refused_with_one_line(change, words):
    with pytest.raises(ValueError, match=words) as e:
        tiny_spec(**change).validate()
    assert "\n" not in str(e.value)


def test_spec_round_trips_through_a_dict():
    spec = tiny_spec(seed=5, tokenizer="word", vocab_size=300)
    assert RunSpec.from_dict(spec.to_dict()) == spec


def test_load_text_checks_user_text():
    assert load_text("paste", FIXED) == FIXED
    assert load_text("upload", FIXED.encode()) == FIXED
    with pytest.raises(ValueError, match=f"at least {MIN_CHARS:,}"):
        load_text("paste", "too short")
    with pytest.raises(ValueError, match="binary"):
        load_text("upload", b"\x00\x01" * 2000)
    with pytest.raises(ValueError, match="UTF-8"):
        load_text("upload", "é".encode("latin-1") * 3000)
    with pytest.raises(ValueError, match="too large"):
        load_text("upload", b"a" * 5_000_001)
    assert len(load_text("builtin")) > 100_000


def test_hf_source_without_the_package_is_a_clear_message(monkeypatch):
    monkeypatch.setitem(sys.modules, "datasets", None)  # import datasets -> ImportError
    with pytest.raises(ValueError, match="hf"):
        load_text("hf", hf_id="roneneldan/TinyStories")
    with pytest.raises(ValueError, match="dataset id"):
        load_text("hf", hf_id=" ")


@pytest.mark.timeout(60)  # the Hub probe gives up within seconds (how many: bench/run_all.py, section "timings")
def test_hf_source_offline_fails_with_one_line(monkeypatch):
    pytest.importorskip("datasets")
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "ENDPOINT", "http://127.0.0.1:9")  # nothing listens: no network
    with pytest.raises(ValueError, match=r"cannot be reached \(no internet\?\)") as e:
        load_text("hf", hf_id="roneneldan/TinyStories")
    assert "\n" not in str(e.value)


def test_validation_split_is_never_trained_on():
    text = FIXED + "QUIZ XYZ\n" * 30  # letters that occur only in the last part
    data = prepare_data(text, "char", val_fraction=0.1)
    assert data.train_text + data.val_text == text and data.val_chars == len(data.val_text)
    assert data.train_text.endswith("\n")  # cut at a line boundary
    assert "Q" not in data.train_text and "Q" in data.val_text
    vocab = {data.tokenizer.id_to_token(i) for i in range(data.tokenizer.vocab_size)}
    assert not {"Q", "U", "I", "Z", "X", "Y"} & vocab  # the tokenizer never saw the validation part
    assert len(data.train_ids) == len(data.train_text)  # training ids are the training text only
    assert data.tokenizer.decode(data.train_ids.tolist()) == data.train_text


def test_split_point_prefers_a_newline():
    text = "abc def\n" * 100
    cut = split_point(text, 0.1)
    assert text[cut - 1] == "\n" and abs(cut - 720) <= 16


def test_word_and_bpe_tokenizers_fit_on_the_training_part():
    word = prepare_data(FIXED, "word", vocab_size=50)
    assert word.tokenizer.kind == "word" and word.tokenizer.vocab_size <= 50
    bpe = prepare_data(FIXED, "bpe", vocab_size=300)
    assert bpe.tokenizer.kind == "bpe" and bpe.tokenizer.decode(bpe.val_ids.tolist()) == bpe.val_text


def test_loss_falls_on_a_small_fixed_text():
    run = new_run(tiny_spec(), FIXED, "cpu")
    losses = run.trainer.step(200)
    assert sum(losses[:10]) / 10 > 2.5  # ~ln(vocabulary) at the start
    assert sum(losses[-10:]) / 10 < 0.6 * sum(losses[:10]) / 10
    assert run.trainer.history.val_loss[-1] < run.trainer.history.val_loss[0]
    text = sample_text(run, "the ", 20, seed=1)
    assert text.startswith("the ") and len(text) > len("the ")
    assert sample_text(run, "the ", 20, seed=1) == text  # repeatable for a seed
    assert isinstance(sample_text(run, "", 5), str)  # no prompt: starts from the first training token


def test_a_run_too_short_for_its_context_is_refused():
    with pytest.raises(ValueError, match="needs at least"):
        new_run(tiny_spec(context_length=2048), "x " * 1100 + "\n", "cpu")


def test_run_backend_reads_the_live_model():
    run = new_run(tiny_spec(steps=5), FIXED, "cpu")
    b = run_backend(run)
    before = next_token_probs(b, "the ")
    run.trainer.step(5)
    assert not torch.allclose(before, next_token_probs(b, "the "))  # the same model object, now trained
    assert b.info.tokenizer_kind == "char" and b.info.n_layer == 1


def test_every_warm_up_step_runs():
    """The server's warm-up (explainer/ui/warm.py) swallows a failing step (the page computes it again): a step
    that always fails would only show as a slow first visit. Each one runs here without an exception."""
    from explainer.ui import warm

    for step in warm.steps():
        step()


def test_ids_are_kept_in_the_smallest_type_that_holds_the_vocabulary() -> None:
    small, large = compact_ids([0, 5, 32_767], 32_768), compact_ids([0, 40_000, 150_000], 151_000)
    assert small.dtype == torch.int16 and small.tolist() == [0, 5, 32_767]
    assert large.dtype == torch.int32 and large.tolist() == [0, 40_000, 150_000]
