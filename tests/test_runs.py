"""The run store: save/load/resume, snapshots, zips in and out (validated, never unpickled), cleanup."""

import io
import json
import os
import pickle
import time
import zipfile

import pytest
import torch

from explainer.backends.load import load_backend
from explainer.config import settings
from explainer.training.run import new_run
from explainer.training.runs import RunStore
from explainer.training.spec import RunSpec

from .helpers import current_save

TEXT = "the cat sat on the mat.\nthe dog ran to the park.\na bird sang in the tree.\n" * 40
SPEC = RunSpec(source="paste", source_name="pasted text", n_layer=1, n_head=2, d_model=32, context_length=16,
               batch_size=8, steps=30, eval_every=10)  # fmt: skip
PROBE = torch.tensor([[1, 2, 3, 4, 5]])


@pytest.fixture
def store(tmp_path):
    return RunStore(tmp_path / "runs")


def fresh_run():
    return new_run(RunSpec(**SPEC.to_dict()), TEXT, "cpu")


def logits(model):
    with torch.no_grad():
        return model(PROBE)[0]


def zip_of(files: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_ids_are_hex_only(store):
    a, b = store.new_id(), store.new_id()
    assert a != b and store.valid_id(a)
    for bad in ["../etc", "abc/def0123", "ABCDEF0123", "", "12345", None, "0123456789abcdeg"]:
        assert not store.valid_id(bad)
    with pytest.raises(ValueError):
        store.load("../../x")


def test_default_root_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LLM_EXPLAINER_RUNS", str(tmp_path / "here"))
    assert settings().runs == tmp_path / "here"
    monkeypatch.setenv("LLM_EXPLAINER_RUNS_MAX_AGE_HOURS", "2")
    assert RunStore().max_age_hours == 2 and RunStore().root == tmp_path / "here"


def test_save_load_same_logits_and_the_same_curve(store):
    whole = fresh_run()
    expected = whole.trainer.step(30)
    run = fresh_run()
    run.trainer.step(12)
    run.samples.append((12, "the cat"))
    rid = store.new_id()
    store.save(rid, run)
    assert store.exists(rid) and not store.exists(store.new_id())
    back = store.load(rid)
    assert torch.equal(logits(run.model), logits(back.model))
    assert back.samples == [(12, "the cat")] and back.spec == run.spec
    assert back.trainer.history.update_norms == run.trainer.history.update_norms  # the dials' history too
    assert back.trainer.history.train_loss == expected[:12]
    assert back.trainer.step(30) == expected[12:]  # resumes exactly where it stopped
    assert back.data.train_text == run.data.train_text


def test_repeated_saves_leave_one_loadable_run(store):
    run, rid = fresh_run(), store.new_id()
    for _ in range(4):
        run.trainer.step(3)
        store.save(rid, run)
    saves = [p for p in (store.root / rid).iterdir() if p.name.startswith("save-")]
    assert len(saves) <= 2  # the current one and the one before
    assert store.load(rid).trainer.step_count == 12
    assert load_backend(str(current_save(store, rid))).info.n_layer == 1


def test_missing_or_broken_runs_are_clear_errors(store):
    with pytest.raises(ValueError, match="No saved run"):
        store.load(store.new_id())
    run, rid = fresh_run(), store.new_id()
    store.save(rid, run)
    (current_save(store, rid) / "optimizer.safetensors").write_bytes(b"garbage")
    with pytest.raises(ValueError, match="cannot be loaded"):
        store.load(rid)


def test_snapshot_is_a_fixed_checkpoint(store):
    run, rid = fresh_run(), store.new_id()
    run.trainer.step(5)
    path = store.snapshot(rid, run)
    assert path.name == "your-model-step-5" and store.snapshot(rid, run) == path
    b = load_backend(str(path))
    assert torch.allclose(b.logits(PROBE[0].tolist()), logits(run.model))
    run.trainer.step(5)
    assert store.snapshot(rid, run) != path and load_backend(str(path)).info.n_params == b.info.n_params


def test_export_then_import_continues_from_the_weights(store):
    run, rid = fresh_run(), store.new_id()
    run.trainer.step(10)
    store.save(rid, run)
    data = store.export_zip(rid)
    assert sorted(zipfile.ZipFile(io.BytesIO(data)).namelist()) == [
        "config.json",
        "model.safetensors",
        "tokenizer.json",
    ]
    new_id, back = store.import_zip(data, text=TEXT, source="paste", source_name="my notes")
    assert new_id != rid and store.exists(new_id)
    assert (back.spec.source, back.spec.source_name) == ("paste", "my notes")
    assert store.load(new_id).data.text == TEXT  # the text is kept with the run, not the built-in corpus
    assert torch.equal(logits(back.model), logits(run.model))
    assert back.trainer.step_count == 0 and back.spec.d_model == 32
    assert back.data.tokenizer.vocab_size == run.data.tokenizer.vocab_size
    assert len(back.trainer.step(3)) == 3


def good_files(store) -> dict:
    run, rid = fresh_run(), store.new_id()
    store.save(rid, run)
    z = zipfile.ZipFile(io.BytesIO(store.export_zip(rid)))
    return {n: z.read(n) for n in z.namelist()}


class RunsCode:
    """Unpickling this would create the marker file."""

    marker = ""

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_import_rejects_bad_zips(store, tmp_path):
    files = good_files(store)
    with pytest.raises(ValueError, match="not a zip"):
        store.import_zip(b"PK\x03\x04 not really")
    with pytest.raises(ValueError, match="exactly"):
        store.import_zip(zip_of({**files, "extra.txt": b"hi"}))
    with pytest.raises(ValueError, match="exactly"):
        store.import_zip(zip_of({"sub/" + n: d for n, d in files.items()}))
    with pytest.raises(ValueError, match="exactly"):
        store.import_zip(zip_of({"../model.safetensors": files["model.safetensors"], "config.json": b"{}"}))
    truncated = files["model.safetensors"][: len(files["model.safetensors"]) // 2]
    with pytest.raises(ValueError, match="safetensors"):
        store.import_zip(zip_of({**files, "model.safetensors": truncated}))
    config = json.loads(files["config.json"])
    config["model"]["d_model"] = 64  # the weights are width 32
    with pytest.raises(ValueError, match="shape"):
        store.import_zip(zip_of({**files, "config.json": json.dumps(config)}))
    assert not [p for p in store.root.iterdir() if len(os.listdir(p)) == 0]  # nothing half-made left behind


def test_import_never_unpickles(store, tmp_path):
    files = good_files(store)
    marker = tmp_path / "pwned"
    RunsCode.marker = str(marker)
    payload = pickle.dumps(RunsCode())
    with pytest.raises(AssertionError):  # the payload really would run code if unpickled
        pickle.loads(payload)
        assert not marker.exists()
    marker.unlink()
    buf = io.BytesIO()
    torch.save({"weights": RunsCode()}, buf)  # a torch.save file (pickle in a zip) named like weights
    for bad in (payload, buf.getvalue()):
        for name in ("model.safetensors", "tokenizer.json", "config.json"):
            with pytest.raises(ValueError):
                store.import_zip(zip_of({**files, name: bad}))
            assert not marker.exists()


def test_cleanup_by_age_then_size(tmp_path):
    store = RunStore(tmp_path / "runs", max_age_hours=1, max_total_mb=1000)
    ids = []
    for _ in range(3):
        run, rid = fresh_run(), store.new_id()
        store.save(rid, run)
        ids.append(rid)
    old = time.time() - 2 * 3600
    os.utime(store.root / ids[0] / "CURRENT", (old, old))
    assert store.cleanup() == 1 and not store.exists(ids[0]) and store.exists(ids[1])
    size = sum(p.stat().st_size for p in (store.root / ids[1]).rglob("*") if p.is_file())
    os.utime(store.root / ids[1] / "CURRENT", (time.time() - 60, time.time() - 60))  # the older of the two
    store.max_total_mb = 1.5 * size / 1e6  # room for one run
    assert store.cleanup() == 1 and not store.exists(ids[1]) and store.exists(ids[2])
    assert store.cleanup() == 0
