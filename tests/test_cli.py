"""The CLI as a user runs it: real subprocesses for the error paths, main() for the rest."""

import json
import subprocess
import sys
from functools import partial

import pytest

from explainer.cli import train as train_cli
from explainer.cli.main import main
from explainer.generation.script import ChatScript
from explainer.model.gpt import GPTConfig
from explainer.training import builtin as recipe

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


def test_predict_looks_the_text_up_in_the_training_text(capsys):
    text = ChatScript().started("Tell me what a sheep eats.", "A")
    out = run_json(capsys, "predict", text, "--top", "3", "--lookup")
    assert out["next"][0]["token"] == " sheep" and out["next"][0]["prob"] > 0.99
    found = out["lookup"]
    assert found["end"] == " eats.\nAssistant: A" and found["tokens"] == 6 and not found["whole_text"]
    assert [r["count"] for r in found["next"]] == [4, 4, 4] and found["times"] == 49
    assert " sheep" not in {r["token"] for r in found["next"]}
    assert main(["predict", text, "--lookup"]) == 0
    assert "in the training text: its last 6 tokens, ' eats.\\nAssistant: A', 49 times" in capsys.readouterr().out


def test_generate_is_repeatable_with_a_seed(capsys, model_dir):
    a = run_json(capsys, "generate", "The dog", "--seed", "3", "--max-new", "5", "--model", model_dir)
    b = run_json(capsys, "generate", "The dog", "--seed", "3", "--max-new", "5", "--model", model_dir)
    assert a["text"] == b["text"] and a["seed"] == 3


def test_chat_shows_the_script(capsys, model_dir):
    out = run_json(capsys, "chat", "Hello", "--temperature", "0", "--show-script", "--model", model_dir)
    assert "User: Hello\nAssistant:" in out["script"]
    assert "\n" not in out["reply"]
    begun = run_json(capsys, "chat", "Hello", "--temperature", "0", "--begin", "Hi,", "--show-script",
                     "--model", model_dir)  # fmt: skip
    assert begun["reply"].startswith("Hi,") and begun["script"].endswith("Assistant: " + begun["reply"])
    assert 0 < begun["begin_probability"] < 1 and "begin_probability" not in out  # its own odds of those words


def test_chat_runs_on_past_its_reply(capsys):
    """--run-on: what the model writes past its reply's end, the person's next line included (the shipped model)."""
    out = run_json(capsys, "chat", "What sound does a cow make?", "--temperature", "0", "--run-on")
    assert out["reply"] == "A cow says moo." and out["run_on"] == {
        "text": "User: What does it eat?\nAssistant: A cow eats grass.\n",
        "message": "What does it eat?",
        "reply": "A cow eats grass.",
        "new_conversation": False,
    }
    assert main(["chat", "What sound does a cow make?", "--temperature", "0", "--run-on"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [
        "--- past the end of its reply, where a chatbot stops reading ---",
        "User: What does it eat?",
        "Assistant: A cow eats grass.",
    ]


@pytest.mark.parametrize(
    "argv, words",
    [
        (["predict", "", "--model", "MODEL"], "empty"),
        (["predict", "hi", "--model", "no-such-model"], "unknown model"),
        (["generate", "hi", "--temperature", "-1", "--model", "MODEL"], "temperature"),
        (["generate", "hi", "--top-p", "0", "--model", "MODEL"], "top_p"),
        (["generate", "hi", "--temperature", "warm"], "invalid float"),
        (["chat", "   ", "--model", "MODEL"], "empty"),
        (["chat", "Hi", "--begin", " ", "--model", "MODEL"], "empty"),
        (["predict", "hi", "--device", "tpu"], "device"),
        (["predict", "hi", "--lookup", "--model", "MODEL"], "trained on is not here"),
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


BAD_ARGUMENTS = [
    ["predict", "  "],
    ["chat", ""],
    ["generate", "hi", "--top-p", "2"],
    ["generate", "hi", "--temperature", "nan"],
    ["predict", "hi", "--top", "0"],
    ["eval", "--limit", "x"],
    ["generate", "hi", "--seed", "-1"],
    ["predict", "hi", "--device", "tpu"],
    ["predict", "hi", "--model", "no-such-folder"],
]
REFUSE_ALL = """import json, sys
from explainer.cli.main import main
codes = [main(argv) for argv in json.loads(sys.argv[1])]
print(json.dumps({"codes": codes, "torch": "torch" in sys.modules}))"""


def test_a_bad_argument_is_refused_before_torch_loads():
    """Checked as it is parsed: a user does not wait for torch and the model (~3 s) to hear that the text is empty."""
    r = subprocess.run(
        [sys.executable, "-c", REFUSE_ALL, json.dumps(BAD_ARGUMENTS)], capture_output=True, text=True, timeout=60
    )
    out = json.loads(r.stdout)
    assert out["codes"] == [2] * len(BAD_ARGUMENTS), r.stderr
    assert not out["torch"], "torch was imported to refuse a bad argument"
    errors = r.stderr.strip().splitlines()
    assert len(errors) == len(BAD_ARGUMENTS) and all(e.startswith("llm-explainer ") for e in errors), errors


def test_train_preset_writes_a_loadable_checkpoint(capsys, tmp_path, monkeypatch):
    """The recipe's plumbing on a small model: the full evaluation (2,700 held-out items, 480 probe sentences) would
    take minutes on 2 cores, so a slice of it is asked."""
    monkeypatch.setattr(recipe, "MODEL", GPTConfig(context_length=128, n_layer=1, n_head=2, d_model=32))
    monkeypatch.setattr(recipe, "heldout_accuracy", partial(recipe.heldout_accuracy, limit=40))
    monkeypatch.setattr(train_cli, "PROBE_SENTENCES", {"bank": train_cli.PROBE_SENTENCES["bank"]})
    out = run_json(capsys, "train", "--preset", "builtin", "--out", str(tmp_path / "m"), "--steps", "4", "--seed", "1")
    assert out["train"]["steps"] == 4 and out["seed"] == 1 and 0 <= out["heldout_accuracy"] <= 1
    assert out["heldout_items"] == 40 and len(out["sense_probe"]["bank"]) == 1 + 2  # embedding, + position, layer 1
    words, whole = out["tokenizer"]["corpus_words"], out["tokenizer"]["corpus_words_one_token"]
    assert out["tokenizer"]["kind"] == "bpe" and words - whole <= whole // 500  # as the shipped model (2 of 2,095)
    reply = run_json(capsys, "chat", "Hello!", "--temperature", "0", "--model", str(tmp_path / "m"))
    assert isinstance(reply["reply"], str)


def test_eval_on_the_builtin_model(capsys):
    out = run_json(capsys, "eval", "--limit", "200")
    assert out["items"] == 200 and out["accuracy"] >= 0.85
    assert sum(t["items"] for t in out["by_topic"].values()) == 200


TRAIN_TEXT = "the cat sat on the mat.\nthe dog ran to the park.\na bird sang in the tree.\n" * 40
TINY = ["--layers", "1", "--heads", "2", "--width", "32", "--context", "16", "--batch", "8"]


def test_train_on_a_text_file_end_to_end(tmp_path, capsys):
    """A real subprocess: progress on stderr, a JSON summary on stdout, a checkpoint `predict` can load."""
    (tmp_path / "t.txt").write_text(TRAIN_TEXT, encoding="utf-8")
    out = tmp_path / "model"
    argv = ["train", "--text", str(tmp_path / "t.txt"), *TINY, "--steps", "40", "--eval-every", "20"]
    r = subprocess.run([sys.executable, "-m", "explainer", *argv, "--out", str(out), "--json"],
                       capture_output=True, text=True, timeout=180)  # fmt: skip
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["steps"] == 40 and summary["parameters"] > 10_000
    assert summary["final_train_loss"] < 3.0 and summary["final_val_loss"] is not None
    assert summary["memorising"] is None  # 40 steps: still learning
    assert summary["tokens_per_s"] > 0 and summary["wall_seconds"] >= summary["train_seconds"] > 0
    assert "step 40/40" in r.stderr and "tok/s" in r.stderr  # plain progress lines when not a terminal
    assert "Traceback" not in r.stderr
    pred = run_json(capsys, "predict", "the ca", "--model", str(out), "--top", "3")
    assert len(pred["next"]) == 3


def test_the_summary_says_when_a_run_memorised() -> None:
    seen = {"best_step": 160, "best_val_loss": 1.86}
    out = {"out": "m", "parameters": 108_000, "steps": 600, "final_train_loss": 0.19, "final_val_loss": 2.48,
           "tokens_per_s": 90_000, "wall_seconds": 8.1, "memorising": seen}  # fmt: skip
    said = train_cli.show_train(out).splitlines()
    assert said[1].startswith("memorising: the validation loss was lowest at step 160 (1.860)")
    assert len(train_cli.show_train({**out, "memorising": None}).splitlines()) == 1


def test_train_human_summary_and_word_tokenizer(tmp_path, capsys):
    (tmp_path / "t.md").write_text(TRAIN_TEXT, encoding="utf-8")
    argv = ["train", "--text", str(tmp_path / "t.md"), "--tokenizer", "word", *TINY, "--steps", "5"]
    assert main([*argv, "--out", str(tmp_path / "m")]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("saved to") and "parameters" in captured.out
    assert json.loads((tmp_path / "m" / "config.json").read_text())["meta"]["tokenizer"] == "word"


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--text", "NOFILE"], "no such file"),
        (["--text", "FOLDER"], "not a file (a folder or a device)"),
        (["--text", "BINARY"], "binary"),
        (["--text", "SHORT"], "too short"),
        (["--corpus", "builtin", "--heads", "3", "--width", "32"], "divide"),
        (["--corpus", "builtin", "--steps", "-5"], "steps"),
        (["--corpus", "builtin", "--lr", "-1"], "learning rate"),
        (["--corpus", "builtin", "--lr", "1e30"], "learning rate must be between 0.000001 and 1 (got 1e+30)"),
        (["--corpus", "builtin", "--lr", "nan"], "learning rate must be between 0.000001 and 1 (got nan)"),
        (["--corpus", "builtin", "--tokenizer", "bpe", "--vocab-size", "10"], "vocabulary size"),
        ([], "--text FILE or --corpus builtin"),
        (["--preset", "builtin", "--corpus", "builtin"], "preset builtin"),
        (["--corpus", "builtin", "--text", "x.txt"], "not allowed with"),
    ],
)
def test_train_bad_input_is_one_line_and_exit_2(argv, words, tmp_path, capsys):
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02" * 1000)
    (tmp_path / "short.txt").write_text("too short", encoding="utf-8")
    names = {"NOFILE": tmp_path / "missing.txt", "FOLDER": tmp_path, "BINARY": tmp_path / "binary.txt"}
    names["SHORT"] = tmp_path / "short.txt"
    argv = [str(names.get(a, a)) for a in argv]
    assert main(["train", *argv, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words.lower() in err[0].lower(), err
    assert not (tmp_path / "out").exists()


def test_train_bad_input_in_a_subprocess(tmp_path):
    argv = ["train", "--corpus", "builtin", "--heads", "5", "--width", "64", "--out", str(tmp_path / "o")]
    r = subprocess.run([sys.executable, "-m", "explainer", *argv], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "divide" in r.stderr


def test_precompute_writes_the_analyses_the_app_reads(capsys, tmp_path):
    from explainer.analysis.precomputed import FILE, ModelAnalyses
    from explainer.backends.load import load_backend

    folder = tiny_checkpoint(tmp_path / "m")
    out = run_json(capsys, "precompute", "--model", str(folder))
    assert out["file"] == str(folder / FILE) and out["bytes"] > 0
    assert ModelAnalyses(load_backend(str(folder), "cpu")).loaded_from == folder / FILE


def test_precompute_needs_a_checkpoint_folder(capsys, tiny_hf_spec):
    assert main(["precompute", "--model", tiny_hf_spec]) == 2
    assert "no checkpoint folder" in capsys.readouterr().err
