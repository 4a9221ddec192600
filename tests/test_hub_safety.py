"""Hugging Face names from untrusted students on a shared server (explainer/backends/hub.py): a dataset or model name
that is not a Hub id is refused without looking at the disk, one message for all; a Hub id is read from the Hub only,
even when a local folder of that name exists; a Hub model's size is checked from the Hub's metadata before any
download. No test here reaches the network: the Hub's answers and the downloads are stand-ins (monkeypatched)."""

from __future__ import annotations

import builtins
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import datasets
import huggingface_hub
import pytest
from huggingface_hub.errors import LocalEntryNotFoundError
from huggingface_hub.hf_api import RepoSibling

from explainer.backends import hub
from explainer.backends.load import load_backend
from explainer.backends.safety import local_folder
from explainer.config import ASSETS, MAX_HUB_MB, MODEL_DIRS
from explainer.training.text import MAX_BYTES, MIN_CHARS, load_text
from explainer.ui.shell import models

from . import apptest

NOT_IDS = {
    "abs-path": "/srv/exams",
    "dot": "./x",
    "dot-dot": "../x",
    "home": "~/x",
    "three-parts": "a/b/c",
    "windows": "C:\\x",
    "empty": "",
    "whitespace": " \t ",
    "10k-chars": "a" * 10_000,
    "nul": "a\x00b",
    "trailing-slash": "owner/",
    "url": "https://example.com/x",
    "non-ascii": "café/x",
    "dot-start": ".hidden",
    "double-dash": "a--b",
}
SHA = "0123456789abcdef0123456789abcdef01234567"
NOT_FOUND = SimpleNamespace(headers={}, request=None, status_code=404)  # what the Hub's errors carry


# ----------------------------------------------------------------------------- helpers
@pytest.fixture
def spies(monkeypatch: pytest.MonkeyPatch) -> list:
    """Every file-system call and every call to datasets.load_dataset or the Hub, recorded (and passed through)."""
    calls: list = []

    def spy(owner, name: str) -> None:
        real = getattr(owner, name)
        monkeypatch.setattr(owner, name, lambda *a, **k: calls.append((name, a)) or real(*a, **k))

    for name in ("stat", "lstat", "listdir", "scandir", "open"):
        spy(os, name)
    spy(builtins, "open")
    spy(datasets, "load_dataset")
    spy(huggingface_hub.HfApi, "repo_info")
    spy(huggingface_hub, "snapshot_download")
    return calls


def hub_listing(monkeypatch: pytest.MonkeyPatch, files: dict[str | None, list[str]]) -> list:
    """The Hub answers dataset_info with `files` per revision; returns the calls it got."""
    calls: list = []

    def dataset_info(self, repo_id, revision=None, **kw):
        calls.append((repo_id, revision, kw))
        if revision not in files:
            raise huggingface_hub.errors.RevisionNotFoundError("no such revision", response=NOT_FOUND)
        return SimpleNamespace(sha=SHA, siblings=[RepoSibling(rfilename=f) for f in files[revision]])

    monkeypatch.setattr(huggingface_hub.HfApi, "dataset_info", dataset_info)
    return calls


def loader(monkeypatch: pytest.MonkeyPatch, rows) -> list:
    """datasets.load_dataset that yields `rows`; returns the calls it got."""
    calls: list = []
    monkeypatch.setattr(datasets, "load_dataset", lambda *a, **k: calls.append((a, k)) or iter(rows))
    return calls


def model_on_hub(monkeypatch: pytest.MonkeyPatch, files: dict[str, int | None], params: dict | None = None) -> list:
    """The Hub answers model_info with these files (name -> size); returns the calls it got."""
    calls: list = []

    def model_info(self, repo_id, **kw):
        calls.append((repo_id, kw))
        st = SimpleNamespace(parameters=params, total=sum(params.values())) if params else None
        return SimpleNamespace(sha=SHA, safetensors=st, siblings=[RepoSibling(f, size=s) for f, s in files.items()])

    monkeypatch.setattr(huggingface_hub.HfApi, "model_info", model_info)
    return calls


def downloads(monkeypatch: pytest.MonkeyPatch, folder: Path, cached: Path | None = None) -> list:
    """snapshot_download that finds `cached` in the cache (None: nothing there) and downloads into `folder`."""
    calls: list = []

    def snapshot_download(repo_id, local_files_only=False, **kw):
        if local_files_only:
            if cached is None:
                raise LocalEntryNotFoundError("not in the cache")
            return str(cached)
        calls.append((repo_id, kw))
        return str(folder)

    monkeypatch.setattr(huggingface_hub, "snapshot_download", snapshot_download)
    return calls


def refusal(fn, *args) -> str:
    with pytest.raises(ValueError) as e:
        fn(*args)
    assert "\n" not in str(e.value), str(e.value)
    return str(e.value)


# ============================================================================= names
@pytest.mark.parametrize("s", ["gpt2", "roneneldan/TinyStories", "Qwen/Qwen2.5-0.5B", "a_b.c-d/e", "x" * 96, "tests"])
def test_hub_ids(s: str) -> None:
    assert hub.is_hub_id(s)


@pytest.mark.parametrize("case", NOT_IDS)
def test_not_hub_ids(case: str) -> None:
    assert not hub.is_hub_id(NOT_IDS[case])


# ============================================================================= datasets
@pytest.mark.parametrize("case", NOT_IDS)
def test_a_dataset_name_that_is_not_a_hub_id_is_refused_untouched(spies: list, case: str) -> None:
    """One message for every such name, whether or not a path of that name exists; no file, no Hub, no loader."""
    assert refusal(load_text, "hf", None, NOT_IDS[case]) == hub.DATASET_HINT
    assert refusal(hub.dataset_text, NOT_IDS[case], 100) == hub.DATASET_HINT
    assert spies == []


def test_an_existing_and_a_missing_folder_get_the_same_refusal(tmp_path: Path, spies: list) -> None:
    (tmp_path / "exams").mkdir()
    (tmp_path / "exams" / "answers.txt").write_text("the answers " * 1000)
    spies.clear()
    said = {refusal(load_text, "hf", None, str(tmp_path / name)) for name in ("exams", "no-such-folder")}
    assert said == {hub.DATASET_HINT} and spies == []


def test_a_hub_id_that_is_also_a_local_folder_is_never_read_locally(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_hub: None
) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "secret.txt").write_text("SECRET " * 1000)
    monkeypatch.chdir(tmp_path)
    calls = loader(monkeypatch, [])
    said = {refusal(load_text, "hf", None, name).replace(name, "NAME") for name in ("tests", "testsxyz")}
    assert len(said) == 1 and "cannot be reached" in said.pop(), "offline: the same outcome for both, no local read"
    assert calls == []
    listing = hub_listing(monkeypatch, {None: ["data/train.parquet"]})
    calls = loader(monkeypatch, [{"text": "hub text " * 500}])
    assert load_text("hf", hf_id="tests").startswith("hub text"), "the Hub's dataset, not the folder"
    assert listing[0][0] == "tests" and calls[0][0] == ("parquet",)
    assert calls[0][1]["data_files"] == [f"hf://datasets/tests@{SHA}/data/train.parquet"]


def test_a_hub_dataset_is_read_from_explicit_hf_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    files = [".gitattributes", "README.md", "dataset_infos.json", "data/validation-00000-of-00001.parquet"]
    files += [f"data/train-0000{i}-of-00002.parquet" for i in range(2)] + ["TinyStories-train.txt"]
    listing = hub_listing(monkeypatch, {None: files})
    calls = loader(monkeypatch, ({"id": i, "story": "Once upon a time. " * 50} for i in range(100_000)))
    text = load_text("hf", hf_id=" owner/stories ")
    assert len(text) == MAX_BYTES and text.startswith("Once upon a time."), "the first string column, cut at 5 MB"
    args, kw = calls[0]
    assert args == ("parquet",) and kw["split"] == "train" and kw["streaming"] is True
    assert kw["data_files"] == [
        f"hf://datasets/owner/stories@{SHA}/data/train-0000{i}-of-00002.parquet" for i in (0, 1)
    ]
    assert listing[0][0] == "owner/stories" and 0 < listing[0][2]["timeout"] <= 10, "a short probe"


def test_the_parquet_conversion_is_used_when_the_files_are_not_data(monkeypatch: pytest.MonkeyPatch) -> None:
    listing = hub_listing(
        monkeypatch, {None: ["README.md", "stories.py"], "refs/convert/parquet": ["default/train/0.parquet"]}
    )
    calls = loader(monkeypatch, [{"text": "x" * MIN_CHARS}])
    assert load_text("hf", hf_id="owner/scripted") == "x" * MIN_CHARS
    assert [r for _, r, _ in listing] == [None, "refs/convert/parquet"]
    assert calls[0][1]["data_files"] == [f"hf://datasets/owner/scripted@{SHA}/default/train/0.parquet"]


@pytest.mark.parametrize(
    ("files", "rows", "words"),
    [
        (["README.md"], [], "has no parquet, JSON, CSV or text files"),
        (["train.jsonl"], [{"n": 1}], "has no text column"),
        (["train.csv"], [{"text": "short"}], f"too short: 5 characters (need {MIN_CHARS:,})"),
    ],
    ids=["no-data-files", "no-text-column", "too-short"],
)
def test_a_hub_dataset_that_cannot_be_used(monkeypatch: pytest.MonkeyPatch, files, rows, words: str) -> None:
    hub_listing(monkeypatch, {None: files})
    loader(monkeypatch, rows)
    assert words in refusal(load_text, "hf", None, "owner/odd")


def test_an_unknown_dataset_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    def dataset_info(self, repo_id, **kw):
        raise huggingface_hub.errors.RepositoryNotFoundError("404", response=NOT_FOUND)

    monkeypatch.setattr(huggingface_hub.HfApi, "dataset_info", dataset_info)
    assert "has no public dataset of that name" in refusal(load_text, "hf", None, "nobody/nothing")


# ============================================================================= model size and files
def test_a_model_over_the_limit_is_refused_before_any_download(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    asked = model_on_hub(monkeypatch, {"config.json": 900, "model.safetensors": 3_250_000_000, "sub/x.safetensors": 1})
    got = downloads(monkeypatch, tmp_path)
    said = refusal(load_backend, "hf:owner/big", "cpu")
    assert said == (
        "cannot load Hugging Face model 'owner/big': it is 3,250 MB; "
        "this server loads Hub models up to 1,200 MB (LLM_EXPLAINER_MAX_HUB_MB)"
    )
    assert got == [] and asked[0][1]["files_metadata"] is True


def test_a_model_under_the_limit_is_downloaded_and_loaded_from_its_snapshot(
    monkeypatch: pytest.MonkeyPatch, tiny_hf_dir: Path
) -> None:
    files = {"config.json": 900, "tokenizer.json": 2000, "model.safetensors": 500_000_000, "pytorch_model.bin": 9}
    model_on_hub(monkeypatch, {**files, "onnx/model.onnx": 9, "flax_model.msgpack": 9})
    got = downloads(monkeypatch, tiny_hf_dir)
    backend = load_backend("hf:owner/small", "cpu")
    assert backend.info.name == "owner/small" and backend.info.source == "hf"
    assert len(got) == 1 and got[0][0] == "owner/small" and got[0][1]["revision"] == SHA, "the metadata's commit"
    assert sorted(got[0][1]["allow_patterns"]) == sorted(f for f in files if ".bin" not in f), "no pickles, no extras"


def test_the_limit_is_a_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    model_on_hub(monkeypatch, {"config.json": 900, "model.safetensors": 3_250_000_000})
    got = downloads(monkeypatch, tmp_path)  # an empty folder: loading then fails, after the download
    monkeypatch.setenv(MAX_HUB_MB, "4000")
    assert MAX_HUB_MB not in refusal(load_backend, "hf:owner/big", "cpu") and len(got) == 1
    monkeypatch.setenv(MAX_HUB_MB, "lots")
    assert "LLM_EXPLAINER_MAX_HUB_MB must be a number" in refusal(load_backend, "hf:owner/big", "cpu")


def test_without_file_sizes_the_parameter_count_decides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    model_on_hub(monkeypatch, {"config.json": None, "model.safetensors": None}, params={"F32": 1_000_000_000})
    got = downloads(monkeypatch, tmp_path)
    assert "it is 4,000 MB" in refusal(load_backend, "hf:owner/big", "cpu") and got == []
    model_on_hub(monkeypatch, {"config.json": None, "model.safetensors": None})
    assert "does not say how large" in refusal(load_backend, "hf:owner/big", "cpu") and got == []


def test_a_model_with_only_pickled_weights_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    model_on_hub(monkeypatch, {"config.json": 900, "pytorch_model.bin": 500_000_000})
    got = downloads(monkeypatch, tmp_path)
    assert "no safetensors weights" in refusal(load_backend, "hf:owner/old", "cpu") and got == []


def test_a_cached_model_loads_offline_without_asking_the_hub(
    monkeypatch: pytest.MonkeyPatch, tiny_hf_dir: Path, spies: list
) -> None:
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    got = downloads(monkeypatch, Path("/nowhere"), cached=tiny_hf_dir)
    assert load_backend("hf:owner/cached", "cpu").info.name == "owner/cached"
    assert got == [] and not [c for c in spies if c[0] == "repo_info"]
    monkeypatch.setenv(MAX_HUB_MB, "0.001")  # what the cache holds is measured too
    assert "this server loads Hub models up to 0 MB" in refusal(load_backend, "hf:owner/cached", "cpu")


# ============================================================================= hf: + a name that exists here
@pytest.fixture
def tests_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_hf_dir: Path) -> Path:
    """A loadable Hugging Face model in a folder named 'tests' in the working directory."""
    shutil.copytree(tiny_hf_dir, tmp_path / "tests")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "tests"


@pytest.mark.parametrize("offline", [False, True], ids=["no-network", "HF_HUB_OFFLINE"])
def test_hf_tests_and_hf_testsxyz_fail_the_same_way(
    tests_folder: Path, no_hub: None, monkeypatch: pytest.MonkeyPatch, offline: bool
) -> None:
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", offline)
    assert local_folder("hf:tests") is None and local_folder("hf:testsxyz") is None, "both are Hub ids"
    said = [refusal(load_backend, f"hf:{n}", "cpu").replace(n, "NAME") for n in ("tests", "testsxyz")]
    assert said[0] == said[1] and "not on this computer yet" in said[0], said
    app = [models.load_error(f"hf:{n}").replace(n, "NAME") for n in ("tests", "testsxyz")]
    assert app[0] == app[1] == said[0]


def test_the_cli_still_loads_a_local_folder_written_as_a_path(tests_folder: Path) -> None:
    for spec in ("hf:./tests", f"hf:{tests_folder}", "tests", str(tests_folder)):
        assert load_backend(spec, "cpu").info.source == "hf", spec


@pytest.mark.parametrize("how", ["hf:{}", "{}", "hf:./{}"])
def test_the_app_refuses_an_existing_and_a_missing_folder_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_hf_dir: Path, how: str
) -> None:
    monkeypatch.setenv(MODEL_DIRS, "")  # the test folders are not allowed here
    shutil.copytree(tiny_hf_dir, tmp_path / "secret")
    monkeypatch.chdir(tmp_path)
    names = {"secret": str(tmp_path / "secret"), "missing": str(tmp_path / "missing")}
    if how.startswith("hf:./"):
        names = {"secret": "secret", "missing": "missing"}
    said = [models.load_error(how.format(n)).replace(n, "NAME") for n in names.values()]
    assert said[0] == said[1] and "only loads models from its own folders" in said[0], said


def test_a_link_to_hf_tests_and_hf_testsxyz_say_the_same(tests_folder: Path, no_hub: None) -> None:
    said = []
    for name in ("tests", "testsxyz"):
        at = apptest.open_page(query={models.URL_KEY: f"hf:{name}"}, errors_ok=True)
        said.append(" ".join(e.value for e in [*at.error, *at.sidebar.error]).replace(name, "NAME"))
        assert models.ModelInUse.of(at.session_state).spec == "builtin"
    assert said[0] == said[1] and "not on this computer yet" in said[0], said


# ============================================================================= the app keeps few Hub models
def test_the_app_keeps_at_most_two_hub_models(monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[str] = []
    monkeypatch.setattr(models, "load_backend", lambda spec, device=None, threads=None: loads.append(spec) or object())
    models._shared_hf_backend.clear()
    models._shared_backend.clear()
    try:
        for spec in ["hf:a/1", "hf:a/2", "hf:a/3", "hf:a/1"]:
            models.get_backend(spec)
        assert loads == ["hf:a/1", "hf:a/2", "hf:a/3", "hf:a/1"], "the first was let go"
        loads.clear()
        folders = [str(ASSETS / f"m{i}") for i in (1, 2, 3, 1)]
        for spec in folders:
            models.get_backend(spec)
        assert loads == folders[:3], "small local models stay"
    finally:
        models._shared_hf_backend.clear()
        models._shared_backend.clear()


@pytest.mark.parametrize(
    "message, line",
    [
        ("Repository not found.\nmore detail", "Repository not found."),
        (
            "Could not build it from one of:\n(1) a file,\n(2) a class",
            "Could not build it from one of: (1) a file, (2) a class",
        ),
        ("", "OSError"),
        ("x" * 300, "x" * 199 + "…"),
    ],
)
def test_an_error_is_told_in_one_line(message: str, line: str) -> None:
    """One line for stderr and the UI: a first line ending in a colon keeps the lines it announces."""
    assert hub.first_line(OSError(message)) == line
