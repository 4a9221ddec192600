"""What it read: the lookup in the training text (the longest end found, what came next, counted) against a plain
count, the shipped model's training text and the claims the page makes of it, the chart and the page."""

from __future__ import annotations

import json

import numpy as np
import pytest

from explainer.analysis.lookup import (
    Guesses,
    Lookup,
    TrainingText,
    encoded,
    next_words,
    piece_span,
    to_the_word,
    training_text,
    who_guesses_better,
)
from explainer.analysis.scale import builtin_preset
from explainer.backends.load import load_backend
from explainer.charts.lookup import guesses_chart, lookup_and_model
from explainer.classroom.questions import BY_KEY
from explainer.cli.main import main
from explainer.corpus.generator import builtin_corpus
from explainer.model.checkpoints import read_meta
from explainer.training.run import new_run
from explainer.training.runs import RunStore
from explainer.training.spec import RunSpec
from explainer.training.text import builtin_text
from explainer.ui.lookup import EXAMPLES, guesses_verdict
from tests import apptest
from tests.helpers import valid_figure

PAGE = "app_pages/what_it_read.py"


def counted(text: list[int], end: list[int]) -> dict[int, int]:
    """What came after each place where `end` occurs in `text`, by walking the text (the slow, plain way)."""
    n, out = len(end), {}
    for i in range(len(text) - n):
        if text[i : i + n] == end:
            out[text[i + n]] = out.get(text[i + n], 0) + 1
    return out


@pytest.mark.parametrize("seed", range(4))
def test_the_lookup_finds_the_longest_end_and_counts_what_came_next(seed: int) -> None:
    rng = np.random.default_rng(seed)
    text = rng.integers(0, 4, 3000).tolist()  # 4 tokens: ends of 5-7 tokens are found, longer ones rarely
    found_text = TrainingText(np.asarray(text, dtype=np.int16))
    for _ in range(60):
        query = rng.integers(0, 5, int(rng.integers(1, 14))).tolist()  # token 4 is never in the text
        found = found_text.lookup(query)
        n = found.length
        assert counted(text, query[len(query) - n :] if n else []) == found.after if n else found.after == {}
        assert found.times == sum(found.after.values())
        if n < len(query):  # one token more is never followed by anything
            assert counted(text, query[len(query) - n - 1 :]) == {}
        assert found.whole == (n == len(query))
        if found.after:
            assert found.share(found.favourite()) == max(found.after.values()) / found.times
            assert sum(found.share(t) for t in found.after) == pytest.approx(1.0)


def test_an_end_never_read_and_an_empty_text_give_nothing() -> None:
    found_text = TrainingText(np.asarray([0, 1, 2, 0, 1, 3], dtype=np.int16))
    assert found_text.lookup([7]) == Lookup(0, {}, False)
    assert found_text.lookup([]) == Lookup(0, {}, False)
    assert found_text.lookup([3]).length == 0, "the last token, with nothing after it, is no place to go on from"
    assert found_text.lookup([2, 0, 1]) == Lookup(3, {3: 1}, True)
    assert found_text.lookup([5, 0, 1]).after == {2: 1, 3: 1}
    assert found_text.lookup([5, 0, 1]).tied() == 1


@pytest.fixture(scope="module")
def read(builtin) -> TrainingText:
    found = training_text(builtin)
    assert found is not None, "the shipped model's metadata names the built-in corpus"
    return found


def test_the_shipped_model_read_the_recipe_s_tokens(builtin, read: TrainingText) -> None:
    assert len(read) == read_meta(builtin.folder)["train_tokens"]
    assert np.array_equal(read.ids, builtin.encode(read.text)), "encoded in pieces: the tokens of the whole text"
    assert read.ids.dtype == np.int16 and read.ids.max() < builtin.info.vocab_size
    page = read.page(3)
    assert page == read.page(3) and page != read.page(4) and len(page) >= 450
    start = read.text.index(page)
    assert read.text[start - 1] == "\n" and read.text[start + len(page)] == "\n", "whole lines"
    assert read.words == builtin_preset().words, "the words the Scale page counts"


def example(name: str, backend) -> list[int]:
    started = dict(EXAMPLES)[name]
    return backend.encode(started.text(backend))


def test_a_question_it_read_word_for_word_is_answered_alike(builtin, read: TrainingText) -> None:
    ids = example("Read word for word", builtin)
    found = read.lookup(ids)
    assert found.whole and found.after == {builtin.encode(" Paris")[0]: found.times}
    rows = next_words(builtin, ids, found)
    assert rows[0].token == found.favourite() and rows[0].probability > 0.99


@pytest.mark.parametrize(
    ("name", "answer", "share"),
    [("Asked in new words", " sheep", 0.0), ("Typed in a hurry", " horse", 0.0), ("Never taught", " Sorry", 0.07)],
)
def test_where_the_lookup_sees_only_an_end_the_model_answers_what_never_came_there(
    builtin, read: TrainingText, name: str, answer: str, share: float
) -> None:
    """The page's claim on its examples: the lookup finds only a short end, and the model's first choice (the right
    answer) never came after that end in the training text (or, after “Assistant:”, in 7 % of the times at most)."""
    ids = example(name, builtin)
    found = read.lookup(ids)
    assert 0 < found.length < 10 and not found.whole
    rows = next_words(builtin, ids, found, top=4)
    model = max(rows, key=lambda r: r.probability)
    assert builtin.token_str(model.token) == answer and model.probability > 0.9
    assert model.share <= share and found.favourite() != model.token
    probs = builtin.next_token_logits(ids).float().softmax(-1)
    assert all(r.probability == pytest.approx(float(probs[r.token]), abs=1e-6) for r in rows)
    assert {found.favourite()} <= {r.token for r in rows}


def test_the_class_question_on_it_holds_on_the_shipped_model(builtin, read: TrainingText) -> None:
    """The class question's words: the question is nowhere in the text; after the end the lookup finds come wolf,
    deer and bear (its first three), never sheep; the model says sheep, at the 99.8% its answer quotes."""
    q = BY_KEY["looked-up-or-learnt"]
    assert q.choices[q.right].startswith("sheep") and "99.8%" in q.why
    assert "Tell me what a sheep eats." not in read.text
    ids = example("Asked in new words", builtin)
    found = read.lookup(ids)
    assert builtin.decode(ids[-found.length :]) == " eats.\nAssistant: A"
    first_three = {builtin.token_str(t) for t in found.ranked()[:3]}
    assert first_three == {" wolf", " deer", " bear"} and builtin.encode(" sheep")[0] not in found.after
    probs = builtin.next_token_logits(ids).float().softmax(-1)
    assert builtin.token_str(int(probs.argmax())) == " sheep" and round(float(probs.max()) * 100, 1) == 99.8


STORY = "".join(
    f"the {a} saw a {b} by the {c}.\nit said: {b}s like the {c}!\n\n" if i % 3 else f"{a} and {b}, {c}; {a} again.\n"
    for i, (a, b, c) in enumerate(
        zip(["fox", "cat", "owl", "hen"] * 30, ["bee", "dog", "cow"] * 40, ["sea", "hill"] * 60)
    )
)


@pytest.mark.parametrize("tokens", ["char", "word", "bpe"])
def test_a_students_run_is_looked_up_in_the_part_of_its_text_it_trains_on(run_root, capsys, tokens: str) -> None:
    """“Use this model on every page” hands the pages a snapshot of the run: its text is the one the run keeps on this
    server, up to the validation part, encoded as the run encoded it (in pieces too)."""
    spec = RunSpec(source="paste", source_name="my story", tokenizer=tokens, n_layer=1, n_head=2, d_model=32,
                   context_length=16, batch_size=4, steps=5)  # fmt: skip
    run, store = new_run(spec, STORY, "cpu"), RunStore()
    run.trainer.step(2)
    rid = store.new_id()
    store.save(rid, run)  # keeps the text
    backend = load_backend(str(store.snapshot(rid, run)))
    found = training_text(backend)
    assert found is not None and (found.source, found.name) == ("paste", "my story")
    assert found.text == run.data.train_text and len(found.text) < len(STORY), "the validation part held back"
    assert np.array_equal(found.ids, run.data.train_ids.numpy())
    assert np.array_equal(encoded(backend, found.text, chars=40), found.ids), "in pieces: the same tokens"
    line = backend.encode("it said: dogs like the")
    assert found.lookup(line).whole and found.page(3) in found.text
    assert to_the_word(backend, "it said:").endswith(" ") == (tokens == "char"), "a space that is a token: kept"
    if tokens == "word":  # the command line looks it up too
        assert main(["predict", "it said: dogs like the", "--lookup", "--model", str(backend.folder), "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["lookup"]["whole_text"]


def test_runs_on_the_same_text_and_tokens_share_one_copy(run_root) -> None:
    """A class trains on the built-in chats with the same tokens: the server encodes and keeps that text once."""
    store, found = RunStore(), {}
    for student, tokens in [(1, "word"), (2, "word"), (3, "char")]:
        spec = RunSpec(source="paste", source_name="our story", tokenizer=tokens, n_layer=1, n_head=2, d_model=32,
                       context_length=16, batch_size=4, steps=5, seed=student)  # fmt: skip
        run, rid = new_run(spec, STORY, "cpu"), store.new_id()
        store.save(rid, run)
        found[student] = training_text(load_backend(str(store.snapshot(rid, run))))
    assert found[1] is found[2] and found[3] is not found[1] and found[3].text == found[1].text


def test_how_much_of_its_text_a_run_has_read_is_said_in_words() -> None:
    from explainer.ui.lookup import _so_far

    assert "not read any of it yet" in _so_far(0, 1_000)
    assert _so_far(250, 1_000).endswith("as many as 25% of it.")
    assert _so_far(3_500, 1_000).endswith("as many as all of it 3.5 times over.")


def test_a_run_s_text_must_be_the_one_it_trains_on(run_root) -> None:
    run, store = new_run(RunSpec(source="paste", source_name="x", n_layer=1, n_head=2, d_model=32, context_length=16,
                                 batch_size=4, steps=5), STORY, "cpu"), RunStore()  # fmt: skip
    rid = store.new_id()
    store.save(rid, run)
    folder = store.snapshot(rid, run)
    (run_root / rid / "text.txt").write_text(STORY.replace("fox", "wolf"), encoding="utf-8")  # other tokens
    assert training_text(load_backend(str(folder))) is None
    (run_root / rid / "text.txt").unlink()
    assert store.snapshot_text(folder, "paste") is None and store.snapshot_text(folder, "builtin") is builtin_text()
    assert RunStore(run_root.parent / "elsewhere").snapshot_text(folder, "builtin") is None, "not a run kept there"


def piece(text: str, n: int) -> str:
    start, cut = piece_span(text, n)
    return text[start:cut]


@pytest.mark.parametrize("n", range(6))
def test_a_piece_of_a_text_stops_before_one_of_its_words(n: int) -> None:
    for text in (STORY, builtin_corpus().valid_text):
        at, cut = piece_span(text, n)
        p = text[at:cut]
        assert text[cut] == " " and len(p.rsplit("\n", 1)[-1].split(" ")) >= 2, "mid-line, a word to guess"
        assert at == 0 or text[at - 1] == "\n", "from a line's start"
    assert piece(STORY, n) == piece(STORY, n) and len({piece(STORY, k) for k in range(6)}) > 3


def test_a_piece_is_placed_where_it_was_cut_not_where_its_words_first_occur() -> None:
    """The scoreboard takes the word that came next from the place a piece was cut: a paragraph the text holds twice,
    going on differently, is scored against its own copy."""
    text = "The cat sat on the mat today.\n\nThe cat sat on the rug now.\n\n" * 3
    spans = [piece_span(text, n) for n in range(40)]
    assert any(start != text.index(text[start:cut]) for start, cut in spans), "some cut from a later copy"


def test_a_piece_it_never_read_is_held_out_and_nowhere_in_its_text(builtin, read: TrainingText) -> None:
    for n in range(5):
        p = read.unread_piece(builtin, n)
        assert p in read.held_out and not read.lookup(builtin.fit(builtin.encode(p))[0]).whole
    assert read.lookup(builtin.encode(piece(read.text, 3))).whole, "a piece it read is found whole"


def test_the_lookup_wins_on_what_it_read_and_the_model_on_what_it_never_read(builtin, read: TrainingText) -> None:
    """The page's scoreboard on the shipped model: 100 pieces of each kind, the lookup right on nearly all it read,
    the model right more often on what it never read."""
    scores = who_guesses_better(builtin, read)
    seen, unseen = scores["read"], scores["unread"]
    assert seen.pieces == unseen.pieces == 100
    assert seen.lookup >= 0.95 * seen.pieces and seen.lookup > seen.model
    assert unseen.model >= unseen.lookup + 0.05 * unseen.pieces
    why = BY_KEY["who-guesses-better"].why  # the class question's answer quotes these scores
    assert f"guessed {unseen.model} next words right, the lookup {unseen.lookup}" in why
    assert f"{seen.lookup} to {seen.model}" in why
    fig = guesses_chart(scores)
    valid_figure(fig)
    looked, model = fig.data
    assert list(looked.x) == [seen.lookup / 100, unseen.lookup / 100]
    assert list(model.x) == [seen.model / 100, unseen.model / 100]
    assert looked.text[0] == f"{seen.lookup}%"


@pytest.mark.parametrize(
    ("read", "unread", "says"),
    [
        ((196, 179), (136, 156), ["the lookup is right more often", "the model is right more often"]),
        ((90, 60), (50, 50), ["the lookup is right more often", "the lookup does as well or better"]),
        ((60, 90), (50, 80), ["Even on text it read, the model", "the model is right more often"]),
        ((90, 60), None, ["the lookup is right more often"]),
    ],
)
def test_the_scoreboard_s_sentence_follows_the_scores(read, unread, says) -> None:
    scores = {"read": Guesses(*read, 200)} | ({"unread": Guesses(*unread, 200)} if unread else {})
    said = guesses_verdict(scores)
    assert all(s in said for s in says) and ("never read" in said) == (unread is not None)


def test_a_long_line_s_page_is_cut_between_words() -> None:
    text = " ".join(f"word{i}" for i in range(5_000))  # one 44,000-character line
    page = TrainingText(np.zeros(1, np.int16), text).page(7)
    assert 300 < len(page) <= 450 and f" {page} " in f" {text} ", "whole words, a page long"


def test_a_model_whose_training_text_the_app_has_not_gets_none(small) -> None:
    assert training_text(small) is None


def test_a_copy_with_other_metadata_is_not_taken_for_the_built_in_model(builtin, tmp_path) -> None:
    from explainer.model.checkpoints import save_checkpoint

    meta = {**read_meta(builtin.folder), "corpus_bytes": 12}
    save_checkpoint(builtin.module, builtin.tokenizer, tmp_path / "other", meta)
    assert training_text(load_backend(str(tmp_path / "other"), "cpu")) is None


def test_the_chart_sets_each_word_s_count_beside_the_model_s_probability(builtin, read: TrainingText) -> None:
    ids = example("Asked in new words", builtin)
    found = read.lookup(ids)
    rows = next_words(builtin, ids, found, top=4)
    fig = valid_figure(lookup_and_model([builtin.token_str(r.token) for r in rows], rows))
    looked, model = fig.data
    assert list(looked.x) == [r.share for r in rows] and list(model.x) == [r.probability for r in rows]
    assert looked.text[0] == "never" and "(" in looked.text[list(looked.x).index(max(looked.x))]


def test_the_page_shows_the_lookup_beside_the_model(read: TrainingText) -> None:
    at = apptest.open_page(PAGE, timeout=120)
    text = " ".join(apptest.plain(m.value) for m in at.markdown)
    assert "last **6 tokens**" in text and "**never** came next there" in text
    assert "2,457,581 tokens" in text
    assert "On text it never read, the model is right more often" in text  # who guesses better
    assert len(apptest.chart_specs(at)) == 2  # the lookup beside the model; who guesses better
    shared = next(e for e in at.expander if e.label.startswith("The model reads"))
    assert not shared.proto.expanded, "the page marks the tokens itself: the shared box's chips start closed"
    at.button(key="example_Read word for word").click()
    at = apptest.checked(at.run())
    text = " ".join(apptest.plain(m.value) for m in at.markdown)
    assert "Your whole text, all 30 tokens, is in the training text word for word, 3 times" in text
    assert "Both put “␣Paris” first" in text
    at.button(key="example_read").click()
    at = apptest.checked(at.run())
    assert at.text_area(key="prompt").value in read.text
    assert "is in the training text word for word" in " ".join(apptest.plain(m.value) for m in at.markdown)
    at.button(key="example_unread").click()
    at = apptest.checked(at.run())
    assert at.text_area(key="prompt").value in builtin_corpus().valid_text
    assert "is in the training text word for word" not in " ".join(apptest.plain(m.value) for m in at.markdown)
    page = at.text[0].value
    at.button(key="another_page").click()
    assert apptest.checked(at.run()).text[0].value != page, "another page of the training text"


def test_a_model_without_its_training_text_says_so(tiny_model_dir) -> None:
    at = apptest.open_page(PAGE, spec=str(tiny_model_dir))
    assert "does not have the text" in at.info[0].value and not at.get("plotly_chart")


def test_a_students_run_shows_the_text_it_trains_on(run_root) -> None:
    spec = RunSpec(source="paste", source_name="my story", tokenizer="bpe", n_layer=1, n_head=2, d_model=32,
                   context_length=16, batch_size=4, steps=5)  # fmt: skip
    run, store = new_run(spec, STORY, "cpu"), RunStore()
    rid = store.new_id()
    store.save(rid, run)
    at = apptest.open_page(PAGE, spec=str(store.snapshot(rid, run)))
    text = " ".join(apptest.plain(m.value) for m in at.markdown)
    assert "Your model trains on **my story**" in text and f"**{len(run.data.train_text):,} characters**" in text
    assert "It has not read any of it yet" in text  # snapshot at step 0
    assert not any((b.key or "").startswith("example_Read") for b in at.button), "no chat examples for a story"
    at.button(key="example_unread").click()
    assert apptest.checked(at.run()).text_area(key="prompt").value in run.data.val_text
    assert at.text[0].value in STORY and len(apptest.chart_specs(at)) == 2
    run.trainer.step(3)  # 3 batches of 4 pieces of 16 tokens
    at = apptest.open_page(PAGE, spec=str(store.snapshot(rid, run)))
    text = " ".join(apptest.plain(m.value) for m in at.markdown)
    assert "So far it has read **192 tokens** of it" in text


def test_an_empty_text_gets_a_message() -> None:
    at = apptest.open_page(PAGE, timeout=120)
    at.text_area(key="prompt").set_value("")
    at = apptest.checked(at.run())
    assert any("Type some text" in i.value for i in at.info)


def test_an_example_whose_reply_is_not_begun_ends_where_the_reply_would(builtin) -> None:
    assert builtin.decode(example("Never taught", builtin)).endswith("Kesgowka.\nAssistant:")
