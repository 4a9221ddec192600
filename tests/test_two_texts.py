"""The last vector's fifth section: the same last token in two texts a word apart. Its vector enters the model the
same in both and parts at an attention stage (a feed-forward network reads one token alone), on every model shape;
on the shipped model the two vectors end far apart and point to the changed word's answer."""

from __future__ import annotations

import pytest
import torch

from explainer.analysis import inside
from explainer.analysis.swap import has_word, suggested_swap, swapped
from explainer.backends.base import Backend
from explainer.charts.layers import KIND_COLOUR, alike_bars
from explainer.ui.two_texts import TAIL_CHARS, context_sentence, tail_line

from .apptest import chart_specs, open_page, plain
from .test_inside_pages import run_page

COW = "User: What sound does a cow make?\nAssistant: A cow says"
CAPITAL = "User: What is the capital of France?\nAssistant: The capital of France is"


def test_a_swap_is_suggested_from_the_corpus_word_groups_before_the_last_word() -> None:
    assert suggested_swap(COW) == ("cow", "dog")
    assert suggested_swap(CAPITAL) == ("France", "Germany")
    assert suggested_swap("Tell me about Paris") is None, "the last word is the one whose vector is compared"
    assert suggested_swap("Nothing here to change at all") is None
    assert suggested_swap("") is None
    assert suggested_swap("A dog and a cow") == ("dog", "cat"), "the first word a group lists, the group's next"


def test_a_swap_changes_whole_words_only() -> None:
    assert has_word("the cat sat", "cat") and not has_word("a category", "cat")
    assert swapped("a cat, a category, a cat.", "cat", "dog") == "a dog, a category, a dog."


def _last_ids(backend: Backend, text: str) -> list[int]:
    return backend.fit(backend.encode(text))[0]


def test_two_texts_part_first_where_attention_reads_the_changed_word(three_shapes: Backend) -> None:
    """A feed-forward network works on each token's vector alone: with the last token at the same place, the two
    vectors are the same until the first stage that reads other tokens (attention, or a whole block where the
    attention's output is not recorded)."""
    ids = three_shapes.encode("the cat sat on the mat")
    other = [ids[0], (ids[1] + 1) % three_shapes.info.vocab_size, *ids[2:]]  # one token changed, the same length
    found = inside.two_texts(three_shapes.trace(ids), three_shapes.trace(other))
    assert found.names[0] == "embedding" and found.alike[0] > inside.ALIKE
    assert found.parted is not None and found.kinds[found.parted] in {"attn", "block"}
    assert len(found.alike) == len(found.names) == len(found.kinds)


def test_a_text_compared_with_itself_is_alike_throughout(builtin: Backend) -> None:
    trace = builtin.trace(builtin.encode(COW))
    found = inside.two_texts(trace, trace)
    assert found.parted is None and min(found.alike) > inside.ALIKE


def test_on_the_shipped_model_the_changed_word_turns_the_answer(builtin: Backend) -> None:
    """A cow says “moo”, a dog “woof”: the same last token “says”, the same vector as it enters, 0.55 alike after
    the last layer (0.66 already after layer 1's attention)."""
    first, second = (builtin.trace(builtin.encode(t)) for t in (COW, swapped(COW, "cow", "dog")))
    found = inside.two_texts(first, second)
    assert found.alike[0] > inside.ALIKE and found.kinds[found.parted] == "attn" and found.parted == 1
    assert found.alike[-1] < 0.7 and found.alike[1] < 0.8
    top = [builtin.decode([int(t.logits[-1].argmax())]) for t in (first, second)]
    assert top == [" moo", " woof"]


def test_a_text_with_more_tokens_starts_the_last_token_elsewhere(builtin: Backend) -> None:
    """Learned position vectors: the same token one place later enters the model already a little different."""
    other = swapped(CAPITAL, "capital", "capital city")
    assert len(_last_ids(builtin, other)) > len(_last_ids(builtin, CAPITAL))
    found = inside.two_texts(builtin.trace(builtin.encode(CAPITAL)), builtin.trace(builtin.encode(other)))
    assert found.parted == 0 and 0.5 < found.alike[0] < inside.ALIKE


def test_the_sentence_says_where_the_vectors_part_and_what_each_predicts() -> None:
    found = inside.TwoTexts(["embedding", "layer 1 · attention", "final norm"], ["embed", "attn", "final"],
                            [1.0, 0.62, 0.41])  # fmt: skip
    parted = context_sentence(found, " says", 15, 15, [(" moo", 0.997), (" woof", 0.995)])
    assert "same vector in both texts" in parted and "layer 1 · attention (0.62 alike" in parted
    assert "0.41 alike" in parted and "“ moo” (99.7%) after the first text, “ woof” (99.5%)" in parted
    same = context_sentence(found, " says", 15, 15, [(" moo", 0.9), (" moo", 0.8)])
    assert "both still point to “ moo” (90% and 80%)" in same
    moved = inside.TwoTexts(["embedding", "final norm"], ["embed", "final"], [0.93, 0.5])
    assert "another place in the second text (16 tokens, against 15)" in context_sentence(
        moved, " says", 15, 16, [(" moo", 0.9), (" moo", 0.8)]
    )


def test_the_chart_draws_a_bar_per_stage_coloured_by_its_kind() -> None:
    fig = alike_bars(["embedding", "layer 1 · attention", "layer 1 · feed-forward"], ["embed", "attn", "ff"],
                     [1.0, 0.6, -0.1])  # fmt: skip
    bar = fig.data[0]
    assert list(bar.x) == [1.0, 0.6, -0.1]
    assert list(bar.marker.color) == [KIND_COLOUR[k] for k in ("embed", "attn", "ff")]
    assert fig.layout.xaxis.range[0] <= -0.1 and fig.layout.xaxis.range[1] > 1


def _inputs(at):
    return [t for t in at.text_input if t.key.startswith("context_")]


def test_the_page_compares_the_default_text_with_the_suggested_swap() -> None:
    at = run_page("last_vector")
    assert [t.value for t in _inputs(at)] == ["France", "Germany"]
    said = [plain(m.value) for m in at.markdown if "after the second" in m.value]
    assert said and "“␣Paris” (99.6%) after the first text, “␣Berlin”" in said[0], said
    assert "layer 1 · attention" in said[0]
    second = [plain(c.value) for c in at.caption if c.value.startswith("The second text: ")]
    assert second and second[0].endswith("User: What is the capital of Germany? ⏎ Assistant: The capital of Germany is")


@pytest.mark.parametrize(
    ("word", "new", "message"),
    [
        ("is", "was", "The second text ends with “␣was”, not “␣is”"),
        ("Spain", "Italy", "“Spain” is not a word of the text"),
        ("France", "", "Type a word of the text and another word for it"),
    ],
)
def test_a_swap_that_cannot_be_compared_says_why(word: str, new: str, message: str) -> None:
    at = run_page("last_vector")
    first, second = _inputs(at)
    first.set_value(word)
    second.set_value(new)
    at.run()
    assert not at.exception
    assert any(message in plain(i.value) for i in at.info), [i.value for i in at.info]
    assert len(at.get("plotly_chart")) == 3, "the page above still drawn; nothing compared"


def test_a_typed_word_is_drawn_as_typed_not_as_markup() -> None:
    at = run_page("last_vector")
    _inputs(at)[1].set_value("<i>Spain</i>")
    at.run()
    assert not at.exception
    titles = [s["layout"].get("title", {}).get("text", "") for s in chart_specs(at)]
    assert any("“&lt;i&gt;Spain&lt;/i&gt;”" in t for t in titles), titles


def test_the_inputs_follow_a_new_text_and_keep_a_word_the_student_typed() -> None:
    at = run_page("last_vector")
    at.text_area(key="prompt").input(COW).run()
    assert [t.value for t in _inputs(at)] == ["cow", "dog"], "a word of the new text suggested"
    _inputs(at)[1].set_value("duck")
    at.run()
    assert any("“␣quack”" in plain(m.value) for m in at.markdown if "after the second" in m.value)
    at.text_area(key="prompt").input(COW.replace("make?", "make, please?")).run()
    assert [t.value for t in _inputs(at)] == ["cow", "duck"], "the student's words kept: the new text has “cow”"
    _inputs(at)[0].set_value("horse").run()
    assert [t.value for t in _inputs(at)] == ["horse", "duck"], "a word typed into the same text is kept"
    assert any("“horse” is not a word of the text" in plain(i.value) for i in at.info)


def test_why_this_word_suggests_a_swap_for_a_text_without_france() -> None:
    at = run_page("why_word")
    assert [at.text_input(key=k).value for k in ("swap_from", "swap_to")] == ["France", "Japan"]
    at.text_area(key="prompt").input(COW).run()
    assert not at.exception
    assert [at.text_input(key=k).value for k in ("swap_from", "swap_to")] == ["cow", "dog"]
    assert not [i.value for i in at.info if "not a word of the text" in i.value]


def test_the_swap_is_drawn_again_after_another_page() -> None:
    """Streamlit forgets a page's inputs when the student leaves it: back on it, they are filled again."""
    at = open_page("app_pages/why_word.py")
    at.switch_page("app_pages/what_else.py").run()
    at.switch_page("app_pages/why_word.py").run()
    assert not at.exception
    assert [at.text_input(key=k).value for k in ("swap_from", "swap_to")] == ["France", "Japan"]
    assert len(at.get("plotly_chart")) == 4, "the swap's map drawn too"


def test_a_word_changed_before_the_context_says_so() -> None:
    """A long text: the suggestion comes from the tokens the model reads, and a word changed only before them says
    that the model does not read it."""
    at = run_page("last_vector")
    at.text_area(key="prompt").input("A cow lived here. " + "The river was wide and slow. " * 40 + CAPITAL).run()
    assert [t.value for t in _inputs(at)] == ["France", "Germany"], "not “cow”, which the model does not read"
    _inputs(at)[0].set_value("cow")
    _inputs(at)[1].set_value("dog")
    at.run()
    assert any("the word changed is before them" in i.value for i in at.info), [i.value for i in at.info]


def test_a_link_names_the_swap() -> None:
    """The lesson plan's links and a teacher's page, followed by the class, carry the words in the address (the
    browser writes a student's words there: tests/e2e/test_inside_pages.py)."""
    at = open_page("app_pages/last_vector.py", query={"context_from": "France", "context_to": "Japan"})
    assert [t.value for t in _inputs(at)] == ["France", "Japan"]
    assert any("“␣Tokyo”" in plain(m.value) for m in at.markdown if "after the second" in m.value)
    at = open_page("app_pages/why_word.py", query={"swap_to": "Italy"})
    assert [at.text_input(key=k).value for k in ("swap_from", "swap_to")] == ["France", "Italy"]


def test_each_layer_reads_the_vector_the_layer_before_wrote(three_shapes: Backend) -> None:
    """What the stages of the residual stream rest on: a block's input is the block before's output, so a stage's
    change is the difference from the stage before it (the Layers page's bars)."""
    trace = three_shapes.trace(three_shapes.encode("the cat sat on the mat"))
    for before, after in zip(trace.resid_post[:-1], trace.resid_pre[1:]):
        assert torch.allclose(before, after, atol=1e-5)
    stages, vectors = inside.residual_stages(trace), inside.stage_vectors(trace)
    assert stages[1].change == pytest.approx(float((vectors[1][2] - vectors[0][2]).norm()), rel=1e-5)


def test_a_long_second_text_is_shown_by_its_end_on_one_line() -> None:
    assert tail_line("a\nb") == "a ⏎ b"
    long = tail_line("word " * 100 + "the end")
    assert long.startswith("…") and long.endswith("the end") and len(long) <= TAIL_CHARS + 1
