"""The CLI as a user runs it: real subprocesses for the error paths, main() for the rest."""

import json
import subprocess
import sys

import pytest

from explainer.cli import main

from .helpers import tiny_checkpoint


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return str(tiny_checkpoint(tmp_path_factory.mktemp("cli")))


def run_json(capsys, *argv) -> dict:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_predict_json(capsys, model_dir):
    out = run_json(capsys, "predict", "The capital of France is", "--top", "5", "--model", model_dir)
    assert len(out["next"]) == 5
    probs = [r["prob"] for r in out["next"]]
    assert probs == sorted(probs, reverse=True) and 0 < sum(probs) <= 1 + 1e-6


def test_generate_is_repeatable_with_a_seed(capsys, model_dir):
    a = run_json(capsys, "generate", "The dog", "--seed", "3", "--max-new", "5", "--model", model_dir)
    b = run_json(capsys, "generate", "The dog", "--seed", "3", "--max-new", "5", "--model", model_dir)
    assert a["text"] == b["text"] and a["seed"] == 3


def test_chat_shows_the_script(capsys, model_dir):
    out = run_json(capsys, "chat", "Hello", "--temperature", "0", "--show-script", "--model", model_dir)
    assert "User: Hello\nAssistant:" in out["script"]
    assert "\n" not in out["reply"]


@pytest.mark.parametrize(
    "argv, words",
    [
        (["predict", "", "--model", "MODEL"], "empty"),
        (["predict", "hi", "--model", "no-such-model"], "unknown model"),
        (["generate", "hi", "--temperature", "-1", "--model", "MODEL"], "temperature"),
        (["generate", "hi", "--top-p", "0", "--model", "MODEL"], "top_p"),
        (["generate", "hi", "--temperature", "warm"], "invalid float"),
        (["chat", "   ", "--model", "MODEL"], "empty"),
        (["predict", "hi", "--device", "tpu"], "device"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv, words, model_dir):
    argv = [model_dir if a == "MODEL" else a for a in argv]
    r = subprocess.run([sys.executable, "-m", "explainer", *argv], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    assert words.lower() in lines[0].lower()


def test_train_preset_writes_a_loadable_checkpoint(capsys, tmp_path):
    out = run_json(capsys, "train", "--preset", "builtin", "--out", str(tmp_path / "m"), "--steps", "4")
    assert out["train"]["steps"] == 4 and 0 <= out["heldout_accuracy"] <= 1
    reply = run_json(capsys, "chat", "Hello!", "--temperature", "0", "--model", str(tmp_path / "m"))
    assert isinstance(reply["reply"], str)


def test_eval_on_the_builtin_model(capsys):
    out = run_json(capsys, "eval", "--limit", "200")
    assert out["items"] == 200 and out["accuracy"] >= 0.85
    assert sum(t["items"] for t in out["by_topic"].values()) == 200
