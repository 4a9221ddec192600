"""The app rendered headlessly with Streamlit's AppTest (no browser)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from explainer.backends.load import load_backend
from explainer.config import ASSETS, MODEL
from explainer.format import human_count
from explainer.model.device import serving_threads
from explainer.ui.shell.models import FOLDER, GPT2_SPEC, OTHER_HF, URL_KEY, ModelInUse
from explainer.ui.shell.sidebar import CHOICE_KEY, TYPED_KEY

from .apptest import load_typed

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


def run_app(query: dict[str, str] | None = None, spec: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if spec is not None:
        ModelInUse.of(at.session_state).spec = spec
    at.query_params.update(query or {})
    return at.run()


def in_use(at: AppTest) -> ModelInUse:
    return ModelInUse.of(at.session_state)


def sidebar_text(at: AppTest) -> str:
    return " ".join(m.value for m in at.sidebar.markdown)


def metric(at: AppTest, label: str) -> str:
    values = [m.value for m in at.metric if m.label == label]
    assert values, f"no metric {label!r} among {[m.label for m in at.metric]}"
    return values[0]


def test_home_shows_the_builtin_model() -> None:
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
    monkeypatch.setenv(MODEL, str(tiny_model_dir))
    info = load_backend(str(tiny_model_dir), threads=serving_threads()).info  # as the app loads it
    at = run_app()
    assert not at.exception, at.exception
    assert in_use(at).spec == str(tiny_model_dir)
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
        monkeypatch.setenv(MODEL, bad)
        at = run_app()
    else:
        at = run_app(spec=bad)
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
    monkeypatch.setenv(MODEL, str(broken))
    at = run_app()
    assert not at.exception, at.exception
    assert "model.safetensors" in at.error[0].value


# ----------------------------------------------------------------------------- navigation
@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("app_pages/chat.py", "The torn script"),
        ("app_pages/next_word.py", "Next word"),
        ("app_pages/sampling.py", "Temperature"),
        ("app_pages/embeddings.py", "Embeddings"),
        ("app_pages/attention.py", "Attention"),
        ("app_pages/meaning.py", "Meaning"),
        ("app_pages/layers.py", "Layers"),
        ("app_pages/last_vector.py", "The last vector"),
    ],
)
def test_every_page_opens_with_the_shared_sidebar(path: str, title: str) -> None:
    at = run_app()
    at.switch_page(path).run()
    assert not at.exception, at.exception
    assert at.title[0].value.startswith(title)
    assert "parameters" in sidebar_text(at) and at.sidebar.selectbox(key=CHOICE_KEY).value == "builtin"


def test_home_links_to_each_page() -> None:
    at = run_app()
    links = {el.proto.page for el in at.main.get("page_link")}  # the lesson plan (tests/test_tour.py) and "Next"
    assert {"chat", "next-word", "sampling", "embeddings", "attention", "meaning", "layers", "last-vector"} <= links, (
        links
    )


# ----------------------------------------------------------------------------- the model picker
def test_picker_offers_builtin_gpt2_a_chat_model_any_hf_id_and_a_folder() -> None:
    at = run_app()
    picker = at.sidebar.selectbox(key=CHOICE_KEY)
    assert picker.options[:3] == [
        "Built-in model (small)",
        "GPT-2 (downloads ~500 MB on first use)",
        "Qwen2.5-0.5B-Instruct, trained to chat (downloads ~1 GB on first use)",
    ]
    assert len(picker.options) == 5 and picker.value == "builtin"
    assert "runs on" in sidebar_text(at)


def test_loading_a_folder_switches_the_model_and_the_link(tiny_model_dir) -> None:
    at = load_typed(run_app(), FOLDER, str(tiny_model_dir))
    assert not at.exception, at.exception
    assert in_use(at).spec == str(tiny_model_dir)
    assert "tiny-model" in sidebar_text(at) and not at.sidebar.error
    assert at.query_params.get(URL_KEY) == str(tiny_model_dir), "the address bar names the model"
    at.switch_page("app_pages/chat.py").run()
    assert in_use(at).spec == str(tiny_model_dir), "the choice carries across pages"


def test_a_link_with_model_opens_that_model(tiny_model_dir) -> None:
    info = load_backend(str(tiny_model_dir)).info
    at = run_app(query={URL_KEY: str(tiny_model_dir)})
    assert not at.exception, at.exception
    assert in_use(at).spec == str(tiny_model_dir)
    assert metric(at, "Parameters") == human_count(info.n_params)
    assert at.sidebar.selectbox(key=CHOICE_KEY).value == FOLDER
    assert at.sidebar.text_input(key=TYPED_KEY[FOLDER]).value == str(tiny_model_dir)


def test_a_link_with_a_bad_model_falls_back_with_an_error(tmp_path) -> None:
    at = run_app(query={URL_KEY: str(tmp_path / "gone")})
    assert not at.exception, at.exception
    assert "The link asks for" in at.sidebar.error[0].value and "gone" in at.sidebar.error[0].value
    assert in_use(at).spec == "builtin"
    assert metric(at, "Parameters") == human_count(load_backend("builtin").info.n_params)
    assert URL_KEY not in at.query_params, "the bad link is dropped from the address bar"


@pytest.mark.parametrize(
    ("choice", "text", "why"),
    [
        (OTHER_HF, "no-such-user/no-such-model", "cannot be reached"),  # no network here: a fast, clear refusal
        (OTHER_HF, "/no/such/folder", "only loads models from its own folders"),  # not an allowed folder
        (FOLDER, "/no/such/folder", "only loads models from its own folders"),
        (OTHER_HF, str(ASSETS / "no-such-folder"), "cannot load Hugging Face model"),  # allowed, but missing
        (FOLDER, str(ASSETS / "no-such-folder"), "unknown model"),
        (FOLDER, "   ", "Type a checkpoint folder first"),
    ],
)
def test_a_model_that_cannot_load_keeps_the_previous_one(
    no_hub: None, tiny_model_dir, choice: str, text: str, why: str
) -> None:
    at = load_typed(run_app(spec=str(tiny_model_dir)), choice, text)
    assert not at.exception, at.exception
    assert why in at.sidebar.error[0].value
    assert in_use(at).spec == str(tiny_model_dir), "the model in use stays"
    assert "tiny-model" in sidebar_text(at) and metric(at, "Parameters")
    at.switch_page("app_pages/chat.py").run()
    at.chat_input[0].set_value("What is the capital of France?").run()
    assert not at.exception and [m for m in at.chat_message if m.name == "assistant"], "the app stays usable"


def test_gpt2_without_a_network_says_so_and_the_picker_goes_back(no_hub: None) -> None:
    at = run_app()
    at.sidebar.selectbox(key=CHOICE_KEY).set_value(GPT2_SPEC).run()
    assert not at.exception, at.exception
    assert "cannot be reached" in at.sidebar.error[0].value
    assert at.sidebar.selectbox(key=CHOICE_KEY).value == "builtin" and in_use(at).spec == "builtin"
    assert in_use(at).error
