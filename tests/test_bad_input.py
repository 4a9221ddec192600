"""Bad input, as a classroom produces it: odd prompts, impossible sampling settings, odd uploads, models that
cannot or must not be loaded. Each case gets a clear message (the app: st.error / st.warning / st.info, never a
traceback; the CLI: one line on stderr and exit code 2) and nothing the user had is lost (the text typed, the model
in use). The CLI's error cases that only a process shows run as real subprocesses (`python -m explainer ...`), all
started at once; the other refusals and the odd prompts that get a prediction call the same main() in-process (NUL
cannot travel in argv). The uploads are checked where they are read: load_text (training text) and
RunStore.import_zip."""

from __future__ import annotations

import io
import json
import os
import pickle
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import tomllib
import torch
from streamlit.testing.v1 import AppTest

from explainer.backends.load import load_backend
from explainer.backends.safety import ModelNotAllowed, allowed_model_dirs, model_path_problem
from explainer.cli import train as cli_train
from explainer.cli.main import main
from explainer.config import ASSETS, MODEL, MODEL_DIRS, RUNS
from explainer.generation.next_token import Comparison, compare
from explainer.model import checkpoints
from explainer.model.checkpoints import CONFIG, TOKENIZER, WEIGHTS
from explainer.model.sampling import SamplingParams
from explainer.training import runs as run_store
from explainer.training.text import MAX_BYTES, MIN_CHARS, load_text
from explainer.ui.sampling_view import logits_from_wire
from explainer.ui.shell import models
from explainer.ui.shell.models import FOLDER, OTHER_HF, URL_KEY, ModelInUse
from explainer.ui.training.session import READY, TrainingSession

from . import apptest
from .apptest import ROOT, chart_specs, load_typed, no_crash, plain
from .helpers import tiny_checkpoint

NEXT_WORD, SAMPLING = "app_pages/next_word.py", "app_pages/sampling.py"
NOT_ALLOWED = "only loads models from its own folders"


# ----------------------------------------------------------------------------- helpers
def open_page(page: str, spec: str = "builtin", **query: str) -> AppTest:
    """`page` on the model `spec`; the page may show errors (they are what these tests read)."""
    return apptest.open_page(page, spec=spec, query=query, errors_ok=True)


def said(at: AppTest) -> str:
    """Every message the page shows (errors, warnings, notes, captions, the tokens' expander)."""
    parts = [*at.error, *at.warning, *at.info, *at.caption, *at.sidebar.error]
    return plain(" ".join([m.value for m in parts] + [e.label for e in at.expander]))


def predicted(at: AppTest) -> bool:
    """The next-word bars are drawn (a text of two tokens or more also draws a closer look at one of them)."""
    return any("What comes after" in str(spec["layout"].get("title")) for spec in chart_specs(at))


def type_prompt(at: AppTest, text: str) -> AppTest:
    at.text_area(key="prompt").input(text)
    return no_crash(at.run())


def pick_model(at: AppTest, choice: str, text: str) -> AppTest:
    """Type a folder or a Hugging Face id in the sidebar and press Load."""
    return no_crash(load_typed(at, choice, text))


def cli_runs(cases: dict[str, tuple[list, dict]]) -> dict[str, subprocess.CompletedProcess]:
    """Run `python -m explainer ARGS` for every case at once (they mostly wait on imports)."""

    def one(args_env: tuple[list, dict]) -> subprocess.CompletedProcess:
        args, env = args_env
        return subprocess.run(
            [sys.executable, "-m", "explainer", *args],
            capture_output=True,
            env={**os.environ, **env},
            timeout=240,
            cwd=ROOT,
        )

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(cases, pool.map(one, cases.values())))


def one_line_exit_2(r: subprocess.CompletedProcess, words: str) -> None:
    err = r.stderr.decode("utf-8", "replace")
    lines = err.strip().splitlines()
    assert r.returncode == 2, (r.returncode, err[-2000:])
    assert len(lines) == 1 and "Traceback" not in err, err[-2000:]
    assert words.lower() in lines[0].lower(), lines[0]


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_checkpoint(tmp_path_factory.mktemp("bad-input") / "tiny-model")


# ============================================================================= prompts in the app
PROMPTS = {  # what a student types -> what the next-word page says about it
    "empty": ("", "Type some text"),
    "spaces-only": ("   \t \n  ", "Type some text"),
    "one-character": ("a", "reads **1 tokens**"),
    "100k-characters": ("word " * 20_000, "cut off (from the left)"),
    "emoji": ("🙂👍🏽🇫🇷", "reads English only"),  # byte-level BPE: nothing is unknown, other scripts are pieces
    "right-to-left": ("مرحبا بالعالم שלום", "read in pieces"),
    "combining-marks": ("the cafe\u0301 by the bank", "read in pieces"),
    "control-characters": ("\x07\x1b[31mthe dog\x7f", "read in pieces"),
    "nul": ("the\x00dog", "read in pieces"),
    "only-nul": ("\x00", "reads **1 tokens**"),
    "only-unknown-words": ("Zorblax quuxified flibbertigibbets", "read in pieces"),
}


@pytest.fixture(scope="module")
def next_word_page() -> AppTest:
    """One student's next-word page, reused: each case types its own text into the same box."""
    return open_page(NEXT_WORD)


@pytest.mark.parametrize("case", PROMPTS)
def test_app_prompt(next_word_page: AppTest, case: str) -> None:
    text, message = PROMPTS[case]
    at = type_prompt(next_word_page, text)
    assert not at.error, [e.value for e in at.error]
    assert message in said(at), said(at)
    assert at.text_area(key="prompt").value == text, "the text typed stays in the box"
    assert predicted(at) == bool(text.strip()), "a prediction whenever there is a token to read"
    assert ModelInUse.of(at.session_state).spec == "builtin"


# ============================================================================= prompts on the command line
@pytest.mark.parametrize("case", [c for c in PROMPTS if PROMPTS[c][0].strip()])
def test_cli_prompt_gets_a_prediction(capsys: pytest.CaptureFixture, case: str) -> None:
    """Any text with a token gets a prediction (exit 0). (NUL cannot travel in argv: main() is called here.)"""
    text = PROMPTS[case][0]
    assert main(["predict", text, "--top", "3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["next"]) == 3 and 0 < sum(r["prob"] for r in out["next"]) <= 1 + 1e-6
    assert out["tokens"] and (out["cut_from_left"] > 0) == case.startswith("100k")


# ============================================================================= sampling settings in the app
def drawn(at: AppTest) -> Comparison:
    """What the sampling page's browser-drawn view shows: computed, as the browser does, from the logits and
    settings the page sent it."""
    (view,) = apptest.component_data(at)
    p = view["params"]
    return compare(
        torch.tensor(logits_from_wire(view["logits"])),
        SamplingParams(p["temperature"], p["top_k"], p["top_p"]),
        10,
        str,
    )


def test_sampling_t0_in_a_link_is_greedy() -> None:
    at = open_page(SAMPLING, temperature="0")
    c = drawn(at)
    assert c.chosen[0] == 1.0 and c.chosen_bits == 0 and c.n_kept == 1 and not at.warning


def test_sampling_t0_with_the_slider_is_greedy_and_keeps_the_text() -> None:
    at = type_prompt(open_page(SAMPLING), "User: What sound does a dog make?\nAssistant: A dog says")
    at.slider(key="temperature").set_value(0.0).run()
    assert drawn(no_crash(at)).chosen_bits == 0
    assert at.text_area(key="prompt").value.endswith("A dog says")


def test_sampling_t1000_is_clamped_with_a_message() -> None:
    at = open_page(SAMPLING, temperature="1000", prompt="The dog")
    assert at.slider(key="temperature").value == 5.0 and "goes from 0 to 5: using 5" in said(at)
    assert at.text_area(key="prompt").value == "The dog", "the rest of the link still applies"


@pytest.mark.parametrize("query", [{"top_k": "0"}, {"top_p": "1"}], ids=["top-k-0", "top-p-1"])
def test_sampling_off_settings_keep_every_word(query: dict) -> None:
    at = open_page(SAMPLING, **query)
    assert drawn(at).n_kept == load_backend("builtin").info.vocab_size and not at.warning


def test_sampling_top_k_above_the_vocabulary_is_clamped(tiny_dir: Path) -> None:
    vocab = load_backend(str(tiny_dir)).info.vocab_size
    at = open_page(SAMPLING, str(tiny_dir), top_k=str(vocab + 1000))
    assert at.slider(key="top_k").value == vocab
    assert f"goes from 0 to {vocab}: using {vocab}" in said(at) and drawn(at).n_kept == vocab


def test_sampling_top_p_0_is_clamped_with_a_message() -> None:
    at = open_page(SAMPLING, top_p="0")
    assert at.slider(key="top_p").value == 0.01 and "Top-p = 0 would leave no word to draw" in said(at)
    assert drawn(at).n_kept >= 1


# ============================================================================= sampling settings on the command line
@pytest.fixture(scope="module")
def pickled_hf(tiny_hf_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Hugging Face model folder (in an allowed folder) whose weights are a pickle that would run code."""
    folder = tmp_path_factory.mktemp("pickled") / "hf-model"
    shutil.copytree(tiny_hf_dir, folder)
    (folder / "model.safetensors").unlink()
    (folder / "pytorch_model.bin").write_bytes(pickle.dumps({"w": RunsCode(folder.parent / "MARKER")}))
    return folder


@pytest.fixture(scope="module")
def cli_errors(
    tiny_dir: Path, pickled_hf: Path, bad_checkpoints: dict[str, Path]
) -> dict[str, subprocess.CompletedProcess]:
    """The CLI cases that must end in one stderr line and exit 2, run once, in parallel: one of each kind (a
    subprocess pays for its imports, torch's included)."""
    offline = {"HF_HUB_OFFLINE": "1"}
    no_network = {"HF_ENDPOINT": "http://127.0.0.1:9"}  # nothing listens there: as if offline
    m = ["--model", str(tiny_dir)]
    return cli_runs(
        {
            "not-utf8": (["predict", b"the \xff\xfe dog", *m], {}),
            "t-not-a-number": (["generate", "hi", "--temperature", "warm"], {}),
            "unknown-hf-id": (["predict", "hi", "--model", "hf:no-such-user/no-such-model"], offline),
            "hf-no-network": (["predict", "hi", "--model", "hf:no-such-user/no-such-model"], no_network),
            "pickled-hf-model": (["predict", "hi", "--model", f"hf:{pickled_hf}"], {}),
            "checkpoint-layers-as-text": (["predict", "hi", "--model", str(bad_checkpoints["layers-as-text"])], {}),
        }
    )


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (["--top-p", "1.5"], "top_p must be in (0, 1]"),
        (["--top-k", "-1"], "top_k must be a whole number >= 0"),
        (["--temperature", "-0.5"], "temperature must be a finite number >= 0"),
        (["--temperature", "inf"], "temperature must be a finite number >= 0"),
        (["--temperature", "nan"], "temperature must be a finite number >= 0"),
    ],
    ids=["top-p-above-1", "top-k-negative", "t-negative", "t-infinite", "t-nan"],
)
def test_cli_impossible_setting(capsys: pytest.CaptureFixture, tiny_dir: Path, flags: list, words: str) -> None:
    """The same main() as `python -m explainer`, called in-process (a subprocess adds only its start-up)."""
    assert main(["generate", "hi", "--model", str(tiny_dir), *flags]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words in err[0], err


BAD_CONFIGS = {  # a checkpoint's (or a zip's) model settings -> what the refusal says
    "no-heads": ({"n_head": 0}, "n_head must be between 1 and"),
    "heads-dont-divide-width": ({"n_head": 5}, "n_head (5) must divide d_model (32)"),
    "layers-as-text": ({"n_layer": "x"}, "n_layer must be a whole number"),
    "layers-as-a-number-in-text": ({"n_layer": "4"}, "n_layer must be a whole number"),
    "layers-null": ({"n_layer": None}, "n_layer must be a whole number"),
    "fractional-width": ({"d_model": 1.5}, "d_model must be a whole number"),
    "huge-context": ({"context_length": 1_000_000_000}, "context_length must be between 1 and"),
    "a-million-layers": ({"n_layer": 1_000_000}, "n_layer must be between 1 and"),
    "too-many-parameters": ({"n_layer": 100, "d_model": 4096, "n_head": 32}, "parameters is more than"),
}


@pytest.fixture(scope="module")
def bad_checkpoints(tiny_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The tiny checkpoint with each bad setting written into its config.json."""
    out = {}
    for name, (change, _) in BAD_CONFIGS.items():
        folder = tmp_path_factory.mktemp("bad-config") / name
        shutil.copytree(tiny_dir, folder)
        config = json.loads((folder / CONFIG).read_text())
        config["model"].update(change)
        (folder / CONFIG).write_text(json.dumps(config))
        out[name] = folder
    return out


CLI_ERRORS = {  # what only a process shows: bytes in argv, argparse's own exit, the environment, a pickle
    "not-utf8": "not valid UTF-8",
    "t-not-a-number": "invalid float value: 'warm'",
    "unknown-hf-id": "cannot load Hugging Face model 'no-such-user/no-such-model'",
    "hf-no-network": "cannot be reached (no internet?)",  # the fast probe, not a minute of retries
    "pickled-hf-model": "no file named model.safetensors",
    "checkpoint-layers-as-text": BAD_CONFIGS["layers-as-text"][1],  # the others in-process, below
}


@pytest.mark.parametrize("case", CLI_ERRORS)
def test_cli_error_is_one_line_and_exit_2(cli_errors: dict, case: str) -> None:
    one_line_exit_2(cli_errors[case], CLI_ERRORS[case])


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["predict", ""], "the text is empty"),
        (["chat", "  \t "], "the text is empty"),
        (["generate", "hi", "--top-p", "0"], "top_p must be in (0, 1]"),
        (["predict", "hi", "--model", str(ASSETS)], "config.json: missing"),  # a folder that holds no model
        (
            ["train", "--corpus", "builtin", "--steps", "1", "--out", "/etc/passwd/x"],
            "--out /etc/passwd/x: cannot write",
        ),
        (["eval", "--limit", "-1"], "--limit: must be at least 1"),
    ],
    ids=["empty", "spaces-only", "top-p-0", "not-a-model-folder", "train-out-under-a-file", "eval-limit-negative"],
)
def test_cli_refusal_in_process(
    capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch, tiny_dir: Path, args: list, words: str
) -> None:
    """The other refusals, through the same main() as `python -m explainer` (a process adds only its imports); a
    refused training never writes the built-in corpus first (seconds of waiting for a mistyped --out)."""
    monkeypatch.setattr(cli_train, "load_text", lambda *a: pytest.fail("the text was read before the refusal"))
    model = [] if "--model" in args or args[0] == "train" else ["--model", str(tiny_dir)]
    assert main([*args, *model]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words in err[0], err


@pytest.mark.parametrize("name", [name for name in BAD_CONFIGS if name != "layers-as-text"])
def test_cli_bad_checkpoint_setting(capsys: pytest.CaptureFixture, bad_checkpoints: dict, name: str) -> None:
    """Every other bad setting takes the path that the subprocess above shows prints one line: main() in-process."""
    assert main(["predict", "hi", "--model", str(bad_checkpoints[name])]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and BAD_CONFIGS[name][1] in err[0], err


def test_a_pickled_model_never_runs(cli_errors: dict, pickled_hf: Path, tiny_dir: Path, tmp_path: Path) -> None:
    """Neither the CLI nor the app opens a pickled .bin (transformers reads safetensors only here)."""
    marker = pickled_hf.parent / "MARKER"
    assert cli_errors["pickled-hf-model"].returncode == 2 and not marker.exists(), "the pickle's code ran (CLI)"
    at = pick_model(type_prompt(open_page(NEXT_WORD, str(tiny_dir)), "the dog"), FOLDER, str(pickled_hf))
    assert "no file named model.safetensors" in plain(at.sidebar.error[0].value)
    assert not marker.exists(), "the pickle's code ran (app)"
    assert ModelInUse.of(at.session_state).spec == str(tiny_dir) and at.text_area(key="prompt").value == "the dog"
    pickle.loads((pickled_hf / "pytorch_model.bin").read_bytes())  # control: unpickling it DOES run the code
    assert marker.exists()
    marker.unlink()


def generate(capsys: pytest.CaptureFixture, model: str, *flags: str) -> str:
    assert main(["generate", "The dog", "--max-new", "6", "--model", model, "--json", *flags]) == 0
    return json.loads(capsys.readouterr().out)["text"]


@pytest.mark.parametrize(
    ("flags", "same_as"),
    [
        (["--temperature", "0"], ["--temperature", "0", "--seed", "99"]),  # greedy: the seed does not matter
        (["--top-k", "100000", "--seed", "5"], ["--seed", "5"]),  # k above the vocabulary keeps every word
        (["--top-k", "0", "--seed", "5"], ["--seed", "5"]),  # 0 = off
        (["--top-p", "1", "--seed", "5"], ["--seed", "5"]),  # 1 = off
        (["--temperature", "1000", "--seed", "5"], ["--temperature", "1000", "--seed", "5"]),  # near-uniform, valid
    ],
    ids=["t-0", "top-k-above-vocab", "top-k-0", "top-p-1", "t-1000"],
)
def test_cli_edge_settings_are_valid(capsys, tiny_dir: Path, flags: list, same_as: list) -> None:
    text = generate(capsys, str(tiny_dir), *flags)
    assert text and text == generate(capsys, str(tiny_dir), *same_as)


# ============================================================================= models
def test_a_link_to_etc_is_refused_and_the_model_stays() -> None:
    at = apptest.open_page(query={URL_KEY: "/etc"}, errors_ok=True)
    assert "The link asks for the model **/etc**" in said(at) and NOT_ALLOWED in said(at)
    assert MODEL_DIRS in said(at), "the message says how to allow another folder"
    assert ModelInUse.of(at.session_state).spec == "builtin" and URL_KEY not in at.query_params
    with pytest.raises(ModelNotAllowed):
        models.get_backend("/etc")  # the one gate every page's model goes through


@pytest.mark.parametrize(
    ("choice", "text"),
    [
        (FOLDER, "/etc"),
        (FOLDER, str(ASSETS / ".." / ".." / ".." / "etc")),  # ".." out of an allowed folder
        (OTHER_HF, "/etc"),  # hf: + a local path
        (OTHER_HF, "~"),
    ],
    ids=["folder", "dot-dot", "hf-path", "hf-home"],
)
def test_a_folder_outside_the_allowed_ones_is_refused(tiny_dir: Path, choice: str, text: str) -> None:
    at = type_prompt(open_page(NEXT_WORD, str(tiny_dir)), "the dog")
    at = pick_model(at, choice, text)
    why = plain(at.sidebar.error[0].value).split("could not be loaded:")[1]  # after the name the student typed
    assert NOT_ALLOWED in why and str(ASSETS) not in why, "the server's paths stay private"
    assert ModelInUse.of(at.session_state).spec == str(tiny_dir), "the model in use stays"
    assert at.text_area(key="prompt").value == "the dog" and predicted(at), "the text and its prediction stay"


def test_a_symlink_out_of_an_allowed_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    allowed, outside = tmp_path / "allowed", tmp_path / "outside"
    tiny_checkpoint(allowed / "inside-model")
    tiny_checkpoint(outside / "secret-model")
    (allowed / "link").symlink_to(outside / "secret-model", target_is_directory=True)
    monkeypatch.setenv(MODEL_DIRS, str(allowed))
    at = type_prompt(open_page(NEXT_WORD), "the dog")
    at = pick_model(at, FOLDER, str(allowed / "link"))
    why = plain(at.sidebar.error[0].value).split("could not be loaded:")[1]
    assert NOT_ALLOWED in why and str(allowed) not in why
    assert ModelInUse.of(at.session_state).spec == "builtin" and at.text_area(key="prompt").value == "the dog"
    at = pick_model(at, FOLDER, str(allowed / "inside-model"))  # the same kind of folder, really inside: loads
    assert not at.sidebar.error and ModelInUse.of(at.session_state).spec == str(allowed / "inside-model")


@pytest.mark.parametrize("how", ["unknown-id", "no-network"])
def test_a_hugging_face_id_that_cannot_load_fails_fast(
    tiny_dir: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    import huggingface_hub.constants

    if how == "unknown-id":  # the Hub is not asked (offline mode): the id is simply not there
        monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    else:  # nothing listens at the Hub's address: the probe says so in a few seconds
        monkeypatch.setattr(huggingface_hub.constants, "ENDPOINT", "http://127.0.0.1:9")
    at = type_prompt(open_page(NEXT_WORD, str(tiny_dir)), "the dog")
    at = pick_model(at, OTHER_HF, "no-such-user/no-such-model")
    why = "cannot load Hugging Face model" if how == "unknown-id" else "cannot be reached (no internet?)"
    assert why in plain(at.sidebar.error[0].value) and "The model in use stays the same" in plain(
        at.sidebar.error[0].value
    )
    assert ModelInUse.of(at.session_state).spec == str(tiny_dir) and at.text_area(key="prompt").value == "the dog"
    assert ModelInUse.of(at.session_state).error


def test_the_allow_list_rules(tmp_path: Path) -> None:
    extra = tmp_path / "class-models"
    env = {MODEL_DIRS: f"{extra}{os.pathsep}{tmp_path / 'more'}", MODEL: str(tmp_path / "m")}
    env[RUNS] = str(tmp_path / "runs")
    allowed = allowed_model_dirs(env)
    assert allowed[:2] == [ASSETS.resolve(), (tmp_path / "runs").resolve()]
    assert set(allowed[2:]) == {(tmp_path / "m").resolve(), extra.resolve(), (tmp_path / "more").resolve()}
    for ok in ["builtin", "hf:gpt2", "hf:EleutherAI/pythia-70m", str(ASSETS / "builtin"), str(extra / "a" / "b")]:
        assert model_path_problem(ok, allowed) is None, ok
    for bad in ["/etc", "hf:/etc", str(extra) + "-sibling", str(extra / ".." / "x"), "hf:a/b/c", "x\x00y"]:
        assert NOT_ALLOWED in (model_path_problem(bad, allowed) or ""), bad


# ============================================================================= uploads
def test_streamlit_caps_uploads_and_our_caps_fit_inside() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == 20  # MB
    assert MAX_BYTES <= 20 * 1e6, "a text at our own limit can get through Streamlit's"


UPLOADS = {  # bytes a student uploads as training text -> what load_text says
    "empty": (b"", "The file is empty"),
    "whitespace-only": (b" \n\t " * 100, "The file is empty"),
    "binary": (bytes(range(256)) * 20, "looks binary"),
    "non-utf8": ("café au lait, s'il vous plaît. ".encode("latin-1") * 200, "not valid UTF-8"),
    "over-the-cap": (b"a" * (MAX_BYTES + 1), f"the limit is {MAX_BYTES:,} bytes"),
    "too-short": (b"A short text.", f"at least {MIN_CHARS:,} are needed"),
}


@pytest.mark.parametrize("case", UPLOADS)
def test_uploaded_text(case: str) -> None:
    data, message = UPLOADS[case]
    with pytest.raises(ValueError) as e:
        load_text("upload", data)
    assert message in str(e.value) and "\n" not in str(e.value)


def test_pasted_text_too_short_says_text_not_file() -> None:
    with pytest.raises(ValueError, match="The text is too short"):
        load_text("paste", "only a few words")


def zip_of(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def checkpoint_files(folder: Path) -> dict[str, bytes]:
    return {n: (folder / n).read_bytes() for n in (WEIGHTS, CONFIG, TOKENIZER)}


class RunsCode:
    """Unpickling this creates the marker file: proof, if it exists, that a pickle was loaded."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def bad_zips(tiny_dir: Path, tmp_path: Path) -> dict[str, tuple[bytes, str]]:
    good = checkpoint_files(tiny_dir)
    config = json.loads(good[CONFIG])
    config["model"]["d_model"] = 64  # the weights were saved at width 32
    return {
        "empty": (b"", "not a zip"),
        "binary": (os.urandom(4096), "not a zip"),
        "not-a-checkpoint": (zip_of({"notes.txt": b"hello", "photo.jpg": b"\xff\xd8"}), "must hold exactly"),
        "path-tricks": (zip_of({f"../{n}": d for n, d in good.items()}), "must hold exactly"),
        "wrong-shapes": (zip_of({**good, CONFIG: json.dumps(config).encode(), WEIGHTS: good[WEIGHTS]}), "shape"),
        "truncated-safetensors": (zip_of({**good, WEIGHTS: good[WEIGHTS][: len(good[WEIGHTS]) // 2]}), "safetensors"),
        "pickle-as-weights": (zip_of({**good, WEIGHTS: pickle.dumps(RunsCode(tmp_path / "MARKER"))}), "safetensors"),
        **{f"config-{name}": (with_config(good, model=change), words) for name, (change, words) in BAD_CONFIGS.items()},
        # the page's own limits come first for a zip: 100 layers is over its 12
        "config-too-many-parameters": (with_config(good, model=BAD_CONFIGS["too-many-parameters"][0]), "and 12"),
        "config-3000-layers": (with_config(good, model={"n_layer": 3000}), "n_layer must be between 1 and 12"),
        "config-wider-than-the-page": (with_config(good, model={"d_model": 1024}), "d_model must be between 1 and 768"),
        "config-meta-not-an-object": (with_config(good, meta=[1, 2]), "'meta' must be a JSON object"),
        "spec-batch-1024": (
            with_config(good, meta={"spec": {"batch_size": 1024}}),
            "batch size must be between 1 and 256",
        ),
        "spec-lr-1": (with_config(good, meta={"spec": {"lr": 1.0}}), "learning rate must be between"),
        "spec-seed-text": (with_config(good, meta={"spec": {"seed": "x"}}), "seed must be a whole number"),
    }


def with_config(files: dict[str, bytes], model: dict | None = None, meta=None) -> bytes:
    """A zip of the checkpoint `files` with its config.json changed."""
    config = json.loads(files[CONFIG])
    config["model"].update(model or {})
    if meta is not None:
        config["meta"] = meta
    return zip_of({**files, CONFIG: json.dumps(config).encode()})


ZIP_CASES = [
    "empty",
    "binary",
    "not-a-checkpoint",
    "path-tricks",
    "wrong-shapes",
    "truncated-safetensors",
    "pickle-as-weights",
    *[f"config-{name}" for name in BAD_CONFIGS],
    "config-3000-layers",
    "config-wider-than-the-page",
    "config-meta-not-an-object",
    "spec-batch-1024",
    "spec-lr-1",
    "spec-seed-text",
]


@pytest.mark.parametrize("case", ZIP_CASES)
def test_imported_model_zip(tiny_dir: Path, tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    data, message = bad_zips(tiny_dir, tmp_path)[case]
    store = run_store.RunStore(tmp_path / "runs")
    if case.startswith("config-"):  # refused from the settings alone: no model is built, not even its shapes
        monkeypatch.setattr(checkpoints, "GPT", lambda cfg: pytest.fail(f"a model was built for {cfg}"))
    with pytest.raises(ValueError) as e:
        store.import_zip(data)
    assert message in str(e.value) and "\n" not in str(e.value), str(e.value)
    assert not (tmp_path / "MARKER").exists(), "the pickle's code ran"
    assert not any((tmp_path / "runs").glob("*/*")), "nothing half-imported is left in the run store"


def test_imported_zip_over_the_cap(tiny_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = zip_of(checkpoint_files(tiny_dir))
    monkeypatch.setattr(run_store, "MAX_ZIP_BYTES", len(data) - 1)
    with pytest.raises(ValueError, match="too large"):
        run_store.RunStore(tmp_path / "runs").import_zip(data)


def test_a_checkpoint_folder_with_pickled_weights_never_runs(tmp_path: Path) -> None:
    """Our loader reads safetensors only: a pickle in place of the weights is refused, never run."""
    folder = tiny_checkpoint(tmp_path / "m")
    (folder / WEIGHTS).write_bytes(pickle.dumps(RunsCode(tmp_path / "MARKER")))
    with pytest.raises(ValueError, match="not a valid safetensors file"):
        load_backend(str(folder))
    assert not (tmp_path / "MARKER").exists()


# ============================================================================= uploads in the app (the training page)
@pytest.fixture(scope="module")
def train_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppTest]:
    """One student's training page (its run store in a temporary folder), reused by the upload cases."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(RUNS, str(tmp_path_factory.mktemp("runs")))
        yield apptest.open_page("app_pages/train.py", timeout=120, errors_ok=True)


@pytest.mark.parametrize("case", UPLOADS)
def test_app_text_upload(train_page: AppTest, case: str) -> None:
    at = train_page
    no_crash(at.radio(key="train_src").set_value("upload").run())
    data, message = UPLOADS[case]
    at.file_uploader(key="train_upload").set_value((f"{case}.txt", data, "text/plain"))
    no_crash(at.run())
    assert any(message in e.value for e in at.error), [e.value for e in at.error]
    assert at.radio(key="train_src").value == "upload"
    assert TrainingSession.of(at.session_state).status == READY, "nothing trains"


@pytest.mark.parametrize("case", ["not-a-checkpoint", "wrong-shapes", "truncated-safetensors", "pickle-as-weights"])
def test_app_model_zip(train_page: AppTest, tiny_dir: Path, tmp_path: Path, case: str) -> None:
    at = train_page
    no_crash(at.radio(key="train_src").set_value("builtin").run())
    run_before = TrainingSession.of(at.session_state).run
    data, message = bad_zips(tiny_dir, tmp_path)[case]
    at.file_uploader(key="train_zip").set_value((f"{case}.zip", data, "application/zip"))
    no_crash(at.run())
    apptest.click(at, "train_import", errors_ok=True)
    assert any("That zip cannot be used" in e.value and message in e.value for e in at.error), [
        e.value for e in at.error
    ]
    assert not (tmp_path / "MARKER").exists(), "the pickle's code ran"
    assert TrainingSession.of(at.session_state).run is run_before, "the student's run stays"
