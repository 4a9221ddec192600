import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explainer.model.tokenizers import (
    ENCODE_PIECE_CHARS,
    BPETokenizer,
    HFTokenizer,
    Token,
    bpe_pieces,
    load_tokenizer,
    split_words,
    tokenizer_from_dict,
    train_tokenizer,
)

CORPUS = (
    "User: What's 2 + 3?\nAssistant: 2 + 3 = 5.\n"
    "User: Hi! How are you?\nAssistant: I'm fine, thanks. The cat sat on the mat.\n"
    "User: Is 7 = 7?\nAssistant: Yes (it is).\n"
) * 20
ODD_TEXT = "héllo wörld 😀👩‍👩‍👧 שלום עולם \x00 tab\there\r\n  ∑∫ 你好 \U0010ffff"


@pytest.fixture(scope="module")
def word():
    return train_tokenizer("word", CORPUS)


@pytest.fixture(scope="module")
def char():
    return train_tokenizer("char", CORPUS)


@pytest.fixture(scope="module")
def bpe():
    return train_tokenizer("bpe", CORPUS + ODD_TEXT, vocab_size=400)


@pytest.fixture(scope="module", params=["word", "char", "bpe"])
def any_tok(request):
    return request.getfixturevalue(request.param)


# --- word -------------------------------------------------------------------


def test_word_round_trip_canonical(word):
    example = "User: What's 2 + 3?\nAssistant: 2 + 3 = 5."
    assert word.decode(word.encode(example)) == example
    assert word.decode(word.encode(CORPUS)) == CORPUS


def test_word_split_and_decode_rules(word):
    assert [t.text for t in word.tokens("What's  2+3?\n\tI'm (it)")] == [
        "What's", "2", "+", "3", "?", "\n", "I'm", "(", "it", ")",
    ]  # fmt: skip
    ids = word.encode("What's  2+3?\n\tI'm (it)")
    assert word.decode(ids) == "What's 2 + 3?\nI'm (it)"


def test_word_decode_spacing():
    text = "Hi, (a) b; c: d! the cats' mat?\nyes.\n\n_ end"
    tok = train_tokenizer("word", text)
    assert tok.decode(tok.encode(text)) == text
    assert (
        tok.decode(tok.encode("Hi ,( a )b ;c :d !the cats 'mat ? \n yes .")) == "Hi, (a) b; c: d! the cats' mat?\nyes."
    )


def test_word_vocab_order_and_caps():
    tok = train_tokenizer("word", "b b b a a c c d\n")
    assert tok.vocab == ["<unk>", "b", "a", "c", "\n", "d"]  # frequency desc, then alphabetical
    assert train_tokenizer("word", "b b b a a c c d", vocab_size=3).vocab == ["<unk>", "b", "a"]
    assert train_tokenizer("word", "b b b a a c c d", min_freq=2).vocab == ["<unk>", "b", "a", "c"]
    assert tok.unk_id == 0 and tok.kind == "word"


def test_word_unknown(word):
    toks = word.tokens("The zebra sat.")
    assert [t.unknown for t in toks] == [False, True, False, False]
    assert toks[1] == Token(0, "zebra", 4, 9, True)
    assert word.decode([t.id for t in toks]) == "The <unk> sat."


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_word_decode_is_canonical(data):
    # any sequence of known tokens decodes to text that encodes back to the same ids
    tok = train_tokenizer("word", CORPUS + " _x_ ; '")
    ids = data.draw(st.lists(st.integers(1, tok.vocab_size - 1), max_size=30))
    text = tok.decode(ids)
    assert tok.encode(text) == ids
    assert tok.decode(tok.encode(text)) == text


# --- char -------------------------------------------------------------------


def test_char_vocab_and_round_trip(char):
    assert char.vocab[0] == "<unk>" and char.vocab[1:] == sorted(set(CORPUS))
    assert char.decode(char.encode(CORPUS)) == CORPUS
    toks = char.tokens("Hi€")
    assert [t.unknown for t in toks] == [False, False, True]
    assert toks[2] == Token(0, "€", 2, 3, True)


def test_char_vocab_size_keeps_most_frequent():
    tok = train_tokenizer("char", "aaabbc", vocab_size=3)
    assert tok.vocab == ["<unk>", "a", "b"]


# --- bpe --------------------------------------------------------------------


def test_bpe_round_trip_odd_text(bpe):
    assert bpe.unk_id is None
    for text in [ODD_TEXT, "", "\x00", "😀", "\u202eevil", " \n\n ", CORPUS]:
        assert bpe.decode(bpe.encode(text)) == text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_bpe_round_trip_any_text(text):
    tok = _small_bpe()
    assert tok.decode(tok.encode(text)) == text


def _small_bpe(cache={}):  # noqa: B006 - hypothesis cannot use fixtures; train once
    if "t" not in cache:
        cache["t"] = train_tokenizer("bpe", CORPUS, vocab_size=300)
    return cache["t"]


PIECE_BITS = [
    *"ab1'.!",
    " ",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\t",
    "\r\n",
    "é",
    "你",
    "😀",
    "'s",
    "\u0301",
    "\u00a0",
    "\u3000",
    "\x1c",
]
PIECE_TEXT = st.lists(st.sampled_from(PIECE_BITS), max_size=40).map("".join)


@settings(max_examples=120, deadline=None)
@given(PIECE_TEXT, st.integers(1, 12))
def test_bpe_pieces_encode_to_the_ids_of_the_whole(text, size):
    """A long text is encoded in pieces (bpe_pieces): the same ids as the whole, whatever the spaces, newlines,
    contractions and scripts at the cuts."""
    tok = _piece_bpe()
    pieces = list(bpe_pieces(text, size))
    assert "".join(pieces) == text
    assert [i for enc in tok.hf.encode_batch(pieces) for i in enc.ids] == tok.hf.encode(text).ids


def _piece_bpe(cache={}):  # noqa: B006 - hypothesis cannot use fixtures; train once
    """A BPE that learnt the pieces' bits side by side, runs of spaces and newlines included (merges a cut would
    break if it fell inside them)."""
    if "t" not in cache:
        rng = random.Random(0)
        cache["t"] = train_tokenizer("bpe", "".join(rng.choice(PIECE_BITS) for _ in range(20_000)), vocab_size=400)
    return cache["t"]


def test_a_long_text_is_encoded_in_pieces_to_the_same_ids(bpe):
    big = (CORPUS + ODD_TEXT) * (4 * ENCODE_PIECE_CHARS // len(CORPUS + ODD_TEXT) + 1)
    assert len(list(bpe_pieces(big))) > 3
    assert bpe.encode(big) == bpe.hf.encode(big).ids


def test_bpe_learns_merges_and_readable_pieces(bpe):
    assert bpe.vocab_size > 256
    ids = bpe.encode(" the")
    assert len(ids) < 4  # merged
    pieces = [bpe.id_to_token(i) for i in bpe.encode(" the mat")]
    assert "".join(pieces) == " the mat" and pieces[0] == " the"  # "Ġ" shown as a space
    assert bpe.token_to_id(" the") == bpe.token_to_id("Ġthe") == bpe.encode(" the")[0]
    # a token holding part of a character shows its bytes: ⟨f0 9f⟩, never �
    partial = [bpe.id_to_token(i) for i in bpe.encode("\U0001f9ea")]  # unseen emoji: several byte pieces
    assert len(partial) > 1 and all(p.startswith("⟨") and p.endswith("⟩") for p in partial)
    assert "".join(partial).replace("⟨", "").replace("⟩", "").replace(" ", "") == "f09fa7aa"


def test_bpe_spans_tile_the_text(bpe):
    toks = bpe.tokens(ODD_TEXT)
    assert toks[0].start == 0 and toks[-1].end == len(ODD_TEXT)
    for a, b in zip(toks, toks[1:]):
        # next token starts where this one ends, or shares its span (pieces of one character)
        assert b.start == a.end or (b.start, b.end) == (a.start, a.end)


def test_bpe_rejects_tiny_vocab():
    with pytest.raises(ValueError, match="256"):
        train_tokenizer("bpe", CORPUS, vocab_size=100)


# --- every kind -------------------------------------------------------------


def test_tokens_spans_and_ids(any_tok):
    text = "User: What's 2 + 3?\nAssistant: zebra 😀 (ok)."
    toks = any_tok.tokens(text)
    assert toks and [t.id for t in toks] == any_tok.encode(text)
    for t in toks:
        assert 0 <= t.start < t.end <= len(text)
        assert t.text == text[t.start : t.end]
        assert t.unknown == (t.id == any_tok.unk_id)
    assert any(t.unknown for t in toks) == (any_tok.kind != "bpe")


def test_id_token_inverse(any_tok):
    for i in range(any_tok.vocab_size):
        assert any_tok.token_to_id(any_tok.id_to_token(i)) == i
    assert any_tok.token_to_id("no such token, surely") is None


def test_bad_ids_raise(any_tok):
    with pytest.raises(ValueError):
        any_tok.decode([any_tok.vocab_size])
    with pytest.raises(ValueError):
        any_tok.id_to_token(-1)


def test_save_load_round_trip(any_tok, tmp_path):
    path = tmp_path / "tok.json"
    any_tok.save(path)
    loaded = load_tokenizer(path)
    assert type(loaded) is type(any_tok) and loaded.vocab_size == any_tok.vocab_size
    for text in [CORPUS, ODD_TEXT, "zebra?!"]:
        assert loaded.encode(text) == any_tok.encode(text)
        assert loaded.decode(loaded.encode(text)) == any_tok.decode(any_tok.encode(text))
    assert tokenizer_from_dict(json.loads(path.read_text(encoding="utf-8"))).encode(CORPUS) == any_tok.encode(CORPUS)


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "[1, 2]",
        '{"kind": "klingon"}',
        '{"kind": "word"}',
        '{"kind": "word", "vocab": ["a", "b"]}',
        '{"kind": "char", "vocab": ["<unk>", "a", "a"]}',
        '{"kind": "bpe", "hf_json": "{broken"}',
        b"\xff\xfe\x00garbage",
    ],
)
def test_corrupt_file_names_the_file(tmp_path, content):
    path = tmp_path / "broken_tokenizer.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match="broken_tokenizer.json"):
        load_tokenizer(path)


def test_train_rejects_bad_arguments():
    with pytest.raises(ValueError, match="unknown tokenizer kind"):
        train_tokenizer("sentencepiece", CORPUS)
    with pytest.raises(ValueError):
        train_tokenizer("word", CORPUS, vocab_size=0)
    with pytest.raises(ValueError):
        train_tokenizer("char", CORPUS, min_freq=0)


def test_large_input(any_tok):
    big = (CORPUS * (100_000 // len(CORPUS) + 1))[:100_000]
    big = big[: big.rfind("\n") + 1]  # whole lines: canonical for the word tokenizer too
    ids = any_tok.encode(big)
    assert any_tok.decode(ids) == big
    assert len(any_tok.tokens(big)) == len(ids)


def test_no_optional_imports():
    code = (
        "import sys, explainer.model.tokenizers; "
        "assert 'transformers' not in sys.modules and 'streamlit' not in sys.modules"
    )
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)


# --- Hugging Face wrapper ---------------------------------------------------


def test_hf_wrapper(bpe: BPETokenizer):
    transformers = pytest.importorskip("transformers")
    hf = HFTokenizer(transformers.PreTrainedTokenizerFast(tokenizer_object=bpe.hf))
    assert hf.kind == "hf" and hf.vocab_size == bpe.vocab_size and hf.unk_id is None
    text = "What's up? 😀 שלום"
    assert hf.encode(text) == bpe.encode(text)
    assert hf.decode(hf.encode(text)) == text
    assert [(t.id, t.start, t.end) for t in hf.tokens(text)] == [(t.id, t.start, t.end) for t in bpe.tokens(text)]
    assert all(t.text == text[t.start : t.end] for t in hf.tokens(text))
    for i in hf.encode(text):
        assert hf.id_to_token(i) == bpe.id_to_token(i)
        assert hf.token_to_id(hf.id_to_token(i)) == i
    with pytest.raises(NotImplementedError):
        hf.to_dict()


def test_split_words_lists_the_words_read_in_pieces() -> None:
    tok = train_tokenizer("bpe", "The cat sat on the mat. " * 200, 300)
    text = "The cat sat on the zorblax 🙂 mat"
    split = split_words(text, tok.tokens(text))
    assert [w for w, _ in split] == ["zorblax"]  # the corpus words are whole; the emoji is no word
    pieces = split[0][1]
    assert len(pieces) > 1 and "".join(t.text for t in pieces).strip() == "zorblax"
    assert split_words("The cat", tok.tokens("The cat")) == []


def test_split_words_reads_only_from_the_first_token_kept() -> None:
    """A text cut to a model's context: the words before the tokens kept are not read (a million characters took
    0.7 s), and a word the cut falls inside is given as the model reads it, its end after "…"."""
    tok = train_tokenizer("bpe", "The cat sat on the mat. " * 200, 300)
    text = "zorblax " * 200 + "The cat sat on the quuxify mat"
    tokens = tok.tokens(text)
    tail = [t for t in tokens if t.start >= text.index("quuxify") + 2]  # cut inside the word "quuxify"
    (word, pieces), *_rest = split_words(text, tail)
    assert word == "…" + "".join(t.text for t in pieces).strip() and word != "…quuxify" and not _rest
    assert [w for w, _ in split_words(text, tokens)][-1] == "quuxify" and len(split_words(text, tokens)) == 201
