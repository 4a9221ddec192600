import json
import pickle

import pytest
import torch

from explainer.model.checkpoints import CheckpointError, load_checkpoint, save_checkpoint
from explainer.model.gpt import GPT, GPTConfig

from .helpers import tiny_checkpoint


def test_round_trip_keeps_weights_and_tokenizer(tmp_path):
    folder = tiny_checkpoint(tmp_path / "ck")
    model, tok, meta = load_checkpoint(folder)
    again = save_checkpoint(model, tok, tmp_path / "ck2", {"note": "copy"})
    model2, tok2, meta2 = load_checkpoint(again)
    for (k, a), (_, b) in zip(model.state_dict().items(), model2.state_dict().items()):
        assert torch.equal(a, b), k
    assert tok2.encode("the capital of France") == tok.encode("the capital of France")
    assert meta2 == {"note": "copy"}


def test_missing_folder_and_files_are_named(tmp_path):
    with pytest.raises(CheckpointError, match="not a folder"):
        load_checkpoint(tmp_path / "nope")
    folder = tiny_checkpoint(tmp_path / "ck")
    (folder / "model.safetensors").unlink()
    with pytest.raises(CheckpointError, match="model.safetensors: missing"):
        load_checkpoint(folder)


def test_truncated_weights_are_refused(tmp_path):
    folder = tiny_checkpoint(tmp_path / "ck")
    data = (folder / "model.safetensors").read_bytes()
    (folder / "model.safetensors").write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="model.safetensors"):
        load_checkpoint(folder)


def test_wrong_shapes_are_refused(tmp_path):
    folder = tiny_checkpoint(tmp_path / "ck")
    config = json.loads((folder / "config.json").read_text())
    config["model"]["d_model"] = 64
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(CheckpointError, match="shape"):
        load_checkpoint(folder)


def test_vocabulary_mismatch_is_refused(tmp_path):
    folder = tiny_checkpoint(tmp_path / "ck")
    config = json.loads((folder / "config.json").read_text())
    config["model"]["vocab_size"] += 1
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(CheckpointError, match="tokenizer.json"):
        load_checkpoint(folder)


def test_corrupt_config_is_named(tmp_path):
    folder = tiny_checkpoint(tmp_path / "ck")
    (folder / "config.json").write_text("{not json")
    with pytest.raises(CheckpointError, match="config.json"):
        load_checkpoint(folder)


def test_a_pickle_in_place_of_weights_is_never_run(tmp_path):
    folder = tiny_checkpoint(tmp_path / "ck")
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    (folder / "model.safetensors").write_bytes(pickle.dumps(Evil()))
    with pytest.raises(CheckpointError, match="model.safetensors"):
        load_checkpoint(folder)
    assert not marker.exists()


def test_saved_weights_are_float32_safetensors(tmp_path):
    torch.manual_seed(0)
    from explainer.model.tokenizers import train_tokenizer

    tok = train_tokenizer("char", "abc")
    m = GPT(GPTConfig(vocab_size=tok.vocab_size, context_length=8, n_layer=1, n_head=1, d_model=8))
    folder = save_checkpoint(m, tok, tmp_path / "c")
    assert (folder / "model.safetensors").read_bytes()[8:9] == b"{"  # a safetensors JSON header, not a pickle
