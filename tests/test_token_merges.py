"""The tokens page: a byte-level BPE's merges replayed on a text (explainer/analysis/token_merges.py) give the
tokenizer's own tokens, one merge at a time, and the page that draws them (app_pages/tokens.py)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from explainer.analysis import token_merges as tm
from explainer.model.tokenizers import train_tokenizer
from explainer.ui.tokens import SAME_SENTENCE

from .apptest import chart_specs, open_page
from .helpers import MULTILINGUAL_TEXT, TEXT

TEXTS = [
    "The hippopotamus swims in the river.",
    "User: What is the capital of Kenya?\nAssistant: Nairobi.",
    "Héllo wörld, ça va? 😀 法国的首都是巴黎。",
    "aaaaaaa  bbbb\n\n\tmmmmmmmmmm!!!",
    "Supercalifragilisticexpialidocious, 12345678, x.",
]


@pytest.fixture(scope="module")
def shipped(builtin):
    return builtin.tokenizer, tm.learnt_merges(builtin.tokenizer)


@pytest.mark.parametrize("text", TEXTS)
def test_the_replay_gives_the_tokenizers_own_tokens(shipped, text: str) -> None:
    tokenizer, merges = shipped
    a = tm.assemble(tokenizer, merges, text)
    assert a is not None
    n = len(a.steps)
    assert a.ids(n) == tokenizer.encode(text)  # the last step: exactly the tokens the model reads
    assert a.n_bytes == len(text.encode("utf-8")) == len(a.ids(0))  # the first: one piece per byte
    assert [tokenizer.token_bytes(i) for i in a.ids(0)] == [bytes([b]) for b in text.encode()]
    counts = a.counts()
    assert counts[0] == a.n_bytes and counts[-1] == len(tokenizer.encode(text))
    assert [len(a.pieces(k)) for k in range(n + 1)] == counts  # each merge joins as many places as it says
    assert all(x.rank < y.rank for x, y in zip(a.steps, a.steps[1:]))  # in the order learnt


def test_each_step_joins_its_pair_where_it_says(shipped) -> None:
    tokenizer, merges = shipped
    a = tm.assemble(tokenizer, merges, TEXTS[1])
    assert not any(a.joined(0))
    for k, step in enumerate(a.steps, start=1):
        made = [p for p, j in zip(a.pieces(k), a.joined(k)) if j]
        assert made == [step.left + step.right] * step.uses
        assert "".join(a.pieces(k)) == "".join(a.pieces(k - 1))  # nothing added or lost, only joined


def test_the_first_merge_is_the_most_frequent_pair() -> None:
    """What the page says of learning: the first merge joins the pair of neighbours most frequent in the text."""
    text = "low lower lowest newer wider " * 20 + "slow flow glow " * 7
    merges = tm.learnt_merges(train_tokenizer("bpe", text, vocab_size=300))
    words = [" " + w for w in text.split()]  # as the byte-level split cuts it (a space before each word)
    words[0] = words[0][1:]
    pairs = Counter(p for w in words for p in zip(w, w[1:]))
    assert pairs[merges.pairs[0]] == max(pairs.values())


def test_another_tokenizer_is_replayed_too(tiny_hf_spec: str) -> None:
    from explainer.backends.load import load_backend

    tokenizer = load_backend(tiny_hf_spec).tokenizer
    merges = tm.learnt_merges(tokenizer)
    text = MULTILINGUAL_TEXT[-60:]
    a = tm.assemble(tokenizer, merges, text)
    assert a is not None and a.ids(len(a.steps)) == tokenizer.encode(text)
    assert tm.assemble(tokenizer, merges, "the end<|endoftext|>") is None  # a special marker: set apart first


def test_a_word_or_character_tokenizer_has_no_merges() -> None:
    for kind in ("word", "char"):
        assert tm.learnt_merges(train_tokenizer(kind, TEXT)) is None


def test_longest_and_readable(shipped) -> None:
    _tokenizer, merges = shipped
    longest = tm.longest(merges, 5)
    assert len(longest) == 5 and all(len(x.encode()) >= len(y.encode()) for x, y in zip(longest, longest[1:]))
    assert tm.readable(("Ġt", "he")) == (" t", "he")


# ---------------------------------------------------------------------------- the page


def page(spec: str = "builtin", text: str | None = None):
    query = {"tok_text": text} if text is not None else None
    return open_page("app_pages/tokens.py", spec=spec, query=query, direct=True)


def caption(at, start: str) -> str:
    return next(c.value for c in at.caption if c.value.startswith(start))


def test_the_page_shows_the_tokens_and_walks_the_merges() -> None:
    at = page()
    assert any("What the model reads: 13 tokens" in m.value for m in at.markdown)  # "The hippopotamus swims…"
    staircase = chart_specs(at)[1]
    assert staircase["data"][1]["y"] == [36]  # the marker: the text's 36 bytes before any merge
    at.slider(key="tok_step").set_value(2).run()
    assert "“h” + “e” → “he”" in caption(at, "Merge 2 of 22") and "2 places" in caption(at, "Merge 2 of 22")
    at.slider(key="tok_step").set_value(22).run()
    assert chart_specs(at)[1]["data"][1]["y"] == [13]  # every merge made: the model's 13 tokens


def test_play_makes_one_merge_a_run_and_stops_at_the_last() -> None:
    at = page(text="the theme")  # a few merges: "t"+"h", "th"+"e", …
    n = int(at.slider(key="tok_step").max)
    at.button(key="tok_play").click().run()  # each run (the fragment's tick, in a browser) makes one more merge
    assert at.slider(key="tok_step").value == 1 and at.button(key="tok_play").label == "Pause"
    at.run()
    assert at.slider(key="tok_step").value == 2
    at.button(key="tok_play").click().run()  # paused: stays
    at.run()
    assert at.slider(key="tok_step").value == 2 and at.button(key="tok_play").label.startswith("Play")
    at.button(key="tok_play").click().run()
    for _ in range(n):
        at.run()
    assert at.slider(key="tok_step").value == n and at.button(key="tok_play").label.startswith("Play")  # stopped
    at.button(key="tok_play").click().run()  # played to the end: from the bytes again
    assert at.slider(key="tok_step").value == 1
    assert "Merge 1 of" in caption(at, "Merge 1 of")


def test_a_language_the_tokenizer_rarely_read_takes_more_tokens() -> None:
    at = open_page("app_pages/tokens.py", query={"lang": "de"})
    bars = chart_specs(at)[0]["data"][0]
    counts = dict(zip(SAME_SENTENCE, bars["x"]))
    assert counts["en"] < min(v for k, v in counts.items() if k != "en")  # its tokenizer learnt from English
    assert counts["zh_CN"] == max(counts.values())  # each Chinese character in bytes: 3 tokens a character
    colours = bars["marker"]["color"]
    assert colours[list(SAME_SENTENCE).index("de")] != colours[0] == colours[1]  # the class's language marked
    assert any("3,0" in m.value for m in at.markdown)  # "45 tokens … 3,0-mal so viele", in German numbers


def test_the_page_says_why_when_there_is_nothing_to_replay(tiny_model_dir: Path, tiny_hf_spec: str) -> None:
    empty = page(text="  ")
    assert "Type some text" in empty.info[0].value
    words = page(spec=str(tiny_model_dir))  # a word-level tokenizer
    assert "no merges to replay" in words.info[0].value
    special = page(spec=tiny_hf_spec, text="the end<|endoftext|>")
    assert "special marker" in special.info[0].value
