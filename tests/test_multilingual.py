"""Models and languages (issue 15, part 2): with a multilingual Hugging Face model, Chinese and Arabic prompts work end
to end, and a byte-level piece that is only part of a character is shown as its bytes (⟨e4 b8⟩), never as �. The model
here is tiny and random, with a byte-level BPE tokenizer trained on a few Chinese and Arabic sentences: it cuts most
characters into pieces, as real multilingual tokenizers do with rarer ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from explainer.backends.base import Backend
from explainer.backends.load import load_backend
from explainer.format import byte_piece, complete_text, visible_token
from explainer.i18n import _, speaking
from explainer.model.sampling import SamplingParams, make_generator
from explainer.ui.prediction import _chips_html
from tests.apptest import chart_specs, open_page
from tests.helpers import MULTILINGUAL_TEXT, tiny_hf_gpt2

PROMPTS = ["中国的首都是", "你好，世界", "مرحبا بالعالم", "عاصمة فرنسا هي"]
REPLACEMENT = "\ufffd"  # �


@pytest.fixture(scope="module")
def multilingual_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_hf_gpt2(tmp_path_factory.mktemp("hf") / "tiny-multilingual", MULTILINGUAL_TEXT, vocab_size=330)


@pytest.fixture(scope="module")
def backend(multilingual_dir: Path) -> Backend:
    return load_backend(f"hf:{multilingual_dir}")


def test_complete_text_waits_for_the_end_of_a_character() -> None:
    zhong = "中".encode()
    assert complete_text(b"a" + zhong[:2]) == ("a", zhong[:2])
    assert complete_text(zhong[:2] + zhong[2:]) == ("中", b"")
    assert complete_text(b"\xad b") == ("⟨ad⟩ b", b"")  # a byte that can start no character


def test_byte_piece_shows_the_bytes_of_a_cut_character() -> None:
    zhong = "中".encode()  # e4 b8 ad
    assert byte_piece(zhong[:2]) == "⟨e4 b8⟩"
    assert byte_piece(zhong[2:]) == "⟨ad⟩"
    assert byte_piece(b" the") == " the"
    assert byte_piece(b"a" + zhong[:1]) == "a⟨e4⟩"
    assert byte_piece("مرحبا".encode()) == "مرحبا"
    assert byte_piece("ح".encode()[:1]) == "⟨d8⟩"


@pytest.mark.parametrize("text", PROMPTS)
def test_tokens_are_shown_readably(backend: Backend, text: str) -> None:
    tokens = backend.tokenize(text)
    assert backend.decode([t.id for t in tokens]) == text  # the pieces add up to the text
    shown = [backend.token_str(t.id) for t in tokens]
    assert not any(REPLACEMENT in s for s in shown), shown
    whole = [s for s in shown if "⟨" not in s]
    assert "".join(whole) in text or all(w in text for w in whole)  # every whole piece is the text itself
    html = _chips_html(backend, tokens, 0)
    assert REPLACEMENT not in html
    if text.startswith("中"):  # the tokenizer cuts 中 in two: both chips show their bytes, the tip names 中
        assert shown[:2] == ["⟨e4 b8⟩", "⟨ad⟩"]
        assert "part of the character “中”" in html


def test_every_piece_of_the_vocabulary_is_readable(backend: Backend) -> None:
    shown = [visible_token(backend.token_str(i)) for i in range(backend.info.vocab_size)]
    assert not [s for s in shown if REPLACEMENT in s]
    assert sum("⟨" in s for s in shown) > 20  # the byte pieces of Chinese and Arabic characters


@pytest.mark.parametrize("text", PROMPTS)
def test_a_reply_to_a_prompt_in_another_script_has_no_broken_characters(backend: Backend, text: str) -> None:
    ids = backend.encode(text)
    steps = list(backend.generate(ids, 24, SamplingParams(temperature=1.0), make_generator(3)[0]))
    reply = "".join(s.text for s in steps)
    assert REPLACEMENT not in reply
    data = b"".join(backend.tokenizer.token_bytes(s.token_id) for s in steps)  # what the model wrote, exactly
    assert reply.replace("⟩⟨", " ") == complete_text(data)[0]  # (pieces of one token each: ⟨97⟩⟨d3⟩)
    assert not [s.word for s in steps if REPLACEMENT in s.word or not s.word]


@pytest.mark.parametrize("lang, text", [("zh_CN", "中国的首都是"), ("fr", "مرحبا بالعالم")])
def test_the_next_word_page_reads_a_prompt_in_its_language(multilingual_dir: Path, lang: str, text: str) -> None:
    at = open_page("app_pages/next_word.py", spec=f"hf:{multilingual_dir}", query={"prompt": text, "lang": lang})
    with speaking(lang):
        assert at.title[0].value == _("Next word")
    labels = [str(y) for spec in chart_specs(at) for trace in spec["data"] for y in trace.get("y", [])]
    assert labels and not [y for y in labels if REPLACEMENT in y]
    page = " ".join(m.value for m in at.markdown)
    assert REPLACEMENT not in page and "tok-chip" in page
