"""The app rendered headlessly with Streamlit's AppTest (no browser)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from explainer.backends import load_backend
from explainer.ui.models import MODEL_ENV, SPEC_KEY, human_count

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


def run_app(**session) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in session.items():
        at.session_state[k] = v
    return at.run()


def metric(at: AppTest, label: str) -> str:
    values = [m.value for m in at.metric if m.label == label]
    assert values, f"no metric {label!r} among {[m.label for m in at.metric]}"
    return values[0]


def test_home_shows_the_builtin_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MODEL_ENV, raising=False)
    info = load_backend("builtin").info
    at = run_app()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == "How large language models work"
    assert metric(at, "Parameters") == human_count(info.n_params)
    assert metric(at, "Layers") == str(info.n_layer)
    sidebar = " ".join(m.value for m in at.sidebar.markdown)
    assert f"{human_count(info.n_params)} parameters" in sidebar


def test_home_shows_a_checkpoint_from_the_environment(monkeypatch: pytest.MonkeyPatch, tiny_model_dir) -> None:
    monkeypatch.setenv(MODEL_ENV, str(tiny_model_dir))
    info = load_backend(str(tiny_model_dir)).info
    at = run_app()
    assert not at.exception, at.exception
    assert at.session_state[SPEC_KEY] == str(tiny_model_dir)
    assert metric(at, "Parameters") == human_count(info.n_params)
    assert metric(at, "Heads") == str(info.n_head)
    assert metric(at, "Width") == str(info.d_model)
    assert metric(at, "Vocabulary") == f"{info.vocab_size:,}"
    assert metric(at, "Context") == f"{info.context_length:,}"
    assert any(info.device in m.value for m in at.markdown), "the device should be named"
    assert at.selectbox[0].value == str(tiny_model_dir)


@pytest.mark.parametrize("via", ["session", "environment"])
def test_bad_model_shows_an_error_not_a_traceback(monkeypatch: pytest.MonkeyPatch, tmp_path, via: str) -> None:
    bad = str(tmp_path / "no-such-model")
    if via == "environment":
        monkeypatch.setenv(MODEL_ENV, bad)
        at = run_app()
    else:
        monkeypatch.delenv(MODEL_ENV, raising=False)
        at = run_app(**{SPEC_KEY: bad})
    assert not at.exception, at.exception
    assert len(at.error) == 1
    assert "could not be loaded" in at.error[0].value and "no-such-model" in at.error[0].value
    assert at.title[0].value == "How large language models work"  # the rest of the page still renders
    assert at.sidebar.warning, "the sidebar should say the model is unavailable"


def test_broken_checkpoint_shows_the_file_at_fault(monkeypatch: pytest.MonkeyPatch, tmp_path, tiny_model_dir) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    for name in ("config.json", "tokenizer.json"):
        (broken / name).write_bytes((tiny_model_dir / name).read_bytes())
    (broken / "model.safetensors").write_bytes(b"not a safetensors file")
    monkeypatch.setenv(MODEL_ENV, str(broken))
    at = run_app()
    assert not at.exception, at.exception
    assert "model.safetensors" in at.error[0].value


@pytest.mark.parametrize(
    ("n", "text"),
    [(0, "0"), (999, "999"), (85_000, "85 K"), (2_412_345, "2.4 M"), (9_960_000, "10 M"),
     (124_439_808, "124 M"), (175_000_000_000, "175 B")],
)  # fmt: skip
def test_human_count(n: int, text: str) -> None:
    assert human_count(n) == text
