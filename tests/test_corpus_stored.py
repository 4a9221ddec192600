"""The built-in corpus written once per machine and read back (explainer/corpus/stored.py)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from explainer.corpus.generator import _corpus_from_json, _corpus_json, generate_corpus
from explainer.corpus.stored import ROOT, _sources, code_digest, kept


def counting(value):
    calls = []

    def make():
        calls.append(1)
        return value

    return make, calls


def test_written_once_then_read_back(tmp_path: Path) -> None:
    make, calls = counting({"text": "the cat", "n": [1, 2]})
    first = kept(tmp_path, "thing-abc", make, dict, dict)
    again = kept(tmp_path, "thing-abc", make, dict, dict)
    assert first == again == {"text": "the cat", "n": [1, 2]} and len(calls) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["thing-abc.json.gz"]


def test_a_file_cut_short_or_of_another_shape_is_written_again(tmp_path: Path) -> None:
    make, calls = counting({"text": "x"})
    (tmp_path / "thing-abc.json.gz").write_bytes(gzip.compress(b'{"text": "x"')[:-9])  # cut short
    assert kept(tmp_path, "thing-abc", make, dict, lambda d: {"text": d["text"]}) == {"text": "x"}
    with gzip.open(tmp_path / "thing-abc.json.gz", "rt") as f:
        assert json.load(f) == {"text": "x"}, "written again, whole"
    (tmp_path / "thing-abc.json.gz").write_bytes(gzip.compress(b'{"other": 1}'))
    assert kept(tmp_path, "thing-abc", make, dict, lambda d: {"text": d["text"]}) == {"text": "x"}
    spoilt = bytearray(gzip.compress(json.dumps({"text": "x" * 1000}).encode()))
    spoilt[10] ^= 0xFF  # the compressed stream's first byte: zlib.error
    (tmp_path / "thing-abc.json.gz").write_bytes(bytes(spoilt))
    assert kept(tmp_path, "thing-abc", make, dict, lambda d: {"text": d["text"]}) == {"text": "x"}
    assert len(calls) == 3


def test_what_older_code_wrote_is_removed(tmp_path: Path) -> None:
    (tmp_path / "thing-old.json.gz").write_bytes(gzip.compress(b"{}"))
    (tmp_path / "other-old.json.gz").write_bytes(gzip.compress(b"{}"))
    kept(tmp_path, "thing-new", lambda: {}, dict, dict)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other-old.json.gz", "thing-new.json.gz"]


def test_a_folder_that_cannot_be_written_makes_it_each_time(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    make, calls = counting({"n": 1})
    assert kept(blocked / "corpus", "thing-abc", make, dict, dict) == {"n": 1}
    assert kept(blocked / "corpus", "thing-abc", make, dict, dict) == {"n": 1}
    assert len(calls) == 2


def test_the_digest_follows_the_code_that_writes_the_corpus() -> None:
    """The generator and its pieces, its word lists, the chat script and the word tokenizer shape the corpus: a
    change to any of them names another file."""
    files = {p.relative_to(ROOT).as_posix() for p in _sources("explainer.corpus.generator")}
    assert {
        "explainer/corpus/generator.py",
        *(f"explainer/corpus/{part}.py" for part in ("wording", "typed", "relations", "unknown", "writer", "heldout")),
        "explainer/corpus/data.py",
        "explainer/generation/script.py",
        "explainer/model/tokenizers.py",
    } <= files
    assert not any(f.startswith("explainer/ui/") for f in files), "only what it imports"
    assert len(code_digest("explainer.corpus.generator")) == 12


def test_a_corpus_comes_back_from_its_file_the_same() -> None:
    corpus = generate_corpus(size_bytes=30_000)
    back = _corpus_from_json(json.loads(json.dumps(_corpus_json(corpus))))
    assert back == corpus and any(it.replies for it in back.heldout)
