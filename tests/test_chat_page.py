"""The torn-script (chat) page, rendered headlessly with AppTest, and its pure helpers."""

from __future__ import annotations

import html
import re

import pytest
from streamlit.testing.v1 import AppTest

from explainer.backends.base import GenStep
from explainer.backends.load import load_backend
from explainer.charts.style import CHOSEN, PALE
from explainer.corpus.generator import DEMO_QUESTIONS
from explainer.generation.chat import (
    SHORTENED,
    STOPPED,
    ChatTurn,
    RunOn,
    cut_message,
    out_of_view,
    reply_steps,
    reply_text,
    run_on,
    step_choices,
    whole_sentences,
)
from explainer.generation.script import FRAMING, ChatScript, build_script
from explainer.model.sampling import SamplingParams, make_generator
from explainer.ui import chat as chat_ui
from explainer.ui.shell.accessible import SR_ONLY
from explainer.ui.shell.lesson import PARTS
from explainer.ui.surprise import band

from .apptest import checked, open_page

QUESTION = "What is the capital of France?"


@pytest.fixture(autouse=True)
def _no_pacing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chat_ui, "PACE_S", 0.0)  # AppTest runs the page in this process


def open_chat(spec: str, **query: str) -> AppTest:
    return open_page("app_pages/chat.py", spec=spec, query=query, timeout=120)


def send(at: AppTest, text: str) -> AppTest:
    at.chat_input[0].set_value(text)
    return checked(at.run())


def replies(at: AppTest) -> list[str]:
    """The text of every assistant bubble (its first markdown: the reply)."""
    return [m.markdown[0].value for m in at.chat_message if m.name == "assistant"]


def regenerate(at: AppTest) -> AppTest:
    next(b for b in at.button if b.label.startswith("Regenerate")).click()
    return checked(at.run())


# ----------------------------------------------------------------------------- the page
def test_first_visit_offers_the_demo_questions(tiny_model_dir) -> None:
    at = open_chat(str(tiny_model_dir))
    assert at.title[0].value == "The torn script"
    labels = [b.label for b in at.button]
    assert labels[: len(DEMO_QUESTIONS)] == DEMO_QUESTIONS
    assert any("What this model knows" in i.value for i in at.info), "what a model knows is said before asking"
    assert at.slider(key="temperature").value == pytest.approx(0.7)
    assert at.number_input(key="seed").value is None


def test_a_message_gets_a_streamed_reply_with_its_seed(tiny_model_dir) -> None:
    at = send(open_chat(str(tiny_model_dir)), "What sound does a dog make?")
    users = [m.markdown[0].value for m in at.chat_message if m.name == "user"]
    assert users == ["What sound does a dog make?"]
    assert len(replies(at)) == 1
    caption = next(c.value for c in at.caption if "seed" in c.value)
    assert "temperature 0.7" in caption
    assert not any(b.label == DEMO_QUESTIONS[0] for b in at.button), "suggestions are for an empty chat"


def inspect(at: AppTest, index: int = 0) -> AppTest:
    """Open turn `index`'s "Inspect each word" (its content is drawn only while it is open)."""
    at.session_state[chat_ui.inspect_key(index)] = True
    return checked(at.run())


def test_inspection_table_and_chart_for_each_word(tiny_model_dir) -> None:
    at = send(open_chat(str(tiny_model_dir), temperature="1.0", seed="3"), QUESTION)
    assert not at.dataframe and not at.get("plotly_chart"), "closed, the inspection is not drawn"
    at = inspect(at)
    table = at.dataframe[0].value
    assert list(table.columns) == ["step", "word", "probability", "after temperature", "top guesses"]
    assert ((table["probability"] > 0) & (table["probability"] <= 1)).all()
    spec = at.get("plotly_chart")[0].proto.spec
    assert '"orientation":"h"' in spec.replace(" ", "") and "everything else" in spec
    chips = next(h.value for h in at.html if '<div class="surprise-key">' in h.value)  # the reply, shaded
    assert chips.count('class="tok-chip g') - 4 == len(table)  # one chip a word, and the key's four
    for p, shade in zip(table["probability"], re.findall(r'class="tok-chip (g\d)"', chips)):
        assert shade == band(p)  # each word's shade is its probability from the model (temperature 1)


def test_regenerate_at_temperature_zero_repeats_the_reply(tiny_model_dir) -> None:
    at = send(open_chat(str(tiny_model_dir), temperature="0"), QUESTION)
    first = replies(at)
    at = regenerate(at)
    second = replies(at)
    at = regenerate(at)
    assert first == second == replies(at)
    assert len(first) == 1, "regenerate replaces the last reply, it does not add one"


def test_the_seed_decides_the_reply_at_temperature_one(tiny_model_dir) -> None:
    at = send(open_chat(str(tiny_model_dir), temperature="1.0", seed="7"), QUESTION)
    first = replies(at)
    assert replies(regenerate(at)) == first, "the same seed gives the same draws"
    assert any("seed 7" in c.value for c in at.caption)
    at.number_input(key="seed").set_value(8)
    assert replies(regenerate(at)) != first, "another seed, other draws (a random model: many choices)"


def test_the_builtin_model_knows_the_capital_of_france() -> None:
    at = send(open_chat("builtin", temperature="0"), QUESTION)
    assert "Paris" in replies(at)[0]
    note = next(i.value for i in at.info if "What this small model knows" in i.value)
    assert "capitals" in note and "nonsense" in note, "the topics it learned, and why anything else gets nonsense"


def _half_written(backend, question: str, seed: int = 3) -> tuple[ChatTurn, object]:
    """A reply cut short after its first two tokens (a rerun stopped the run that wrote it), with its dice."""
    gen, used = make_generator(seed)
    steps = reply_steps(backend, [], question, SamplingParams(1.0), gen, 200)
    first = [next(steps), next(steps)]
    return ChatTurn(question, first, used, 1.0), gen


def test_a_question_sent_mid_reply_waits_and_both_are_answered(tiny_model_dir) -> None:
    """The first reply is taken up where it stopped (the same dice: the same reply as if never cut), then the
    question that came in meanwhile gets its own."""
    backend = load_backend(str(tiny_model_dir))
    turn, gen = _half_written(backend, QUESTION)
    whole = [s.token_id for s in reply_steps(backend, [], QUESTION, SamplingParams(1.0), make_generator(3)[0], 200)]
    state = chat_ui.ChatState(writing=turn, generator=gen, queue=[("What sound does a dog make?", "")])
    at = open_page("app_pages/chat.py", spec=str(tiny_model_dir), state=[state], timeout=120)
    users = [m.markdown[0].value for m in at.chat_message if m.name == "user"]
    assert users == [QUESTION, "What sound does a dog make?"] and len(replies(at)) == 2
    done = chat_ui.ChatState.of(at.session_state)
    assert [s.token_id for s in done.turns[0].steps] == whole and done.writing is None and not done.queue


def test_stop_keeps_the_reply_so_far(tiny_model_dir, monkeypatch: pytest.MonkeyPatch) -> None:
    turn, gen = _half_written(load_backend(str(tiny_model_dir)), QUESTION)
    state = chat_ui.ChatState(writing=turn, generator=gen, queue=[("Hello", "")])
    monkeypatch.setattr(chat_ui.st, "session_state", {state.KEY: state})  # what the Stop button's callback sees
    chat_ui.stop_writing()
    assert state.writing is None and state.turns == [turn] and turn.ending == STOPPED and len(turn.steps) == 2
    assert state.queue == [("Hello", "")], "a question waiting its turn is not lost"


def test_whole_sentences_cut_back_to_the_last_full_stop() -> None:
    words = [GenStep(i, t, 0.5, 0.5, []) for i, t in enumerate([" It", " is", " red", ".", " It", " is"])]
    assert [s.text for s in whole_sentences(words)] == [" It", " is", " red", "."]
    assert whole_sentences(words[:3]) == words[:3], "no sentence ends: nothing to cut back to"
    assert SHORTENED in chat_ui.ENDINGS and STOPPED in chat_ui.ENDINGS


def script_views(at) -> list[str]:
    """The HTML the chat drew (the script the model reads), not the app's style sheet, its keys' script or a chart's
    data table."""
    return [h.value for h in at.html if not h.value.startswith(("<style>", "<script>", f'<div class="{SR_ONLY}">'))]


def test_the_script_toggle_shows_what_the_model_reads(tiny_model_dir) -> None:
    at = send(open_chat(str(tiny_model_dir), temperature="0"), QUESTION)
    assert not script_views(at)
    at.toggle(key="script").set_value(True)
    at = checked(at.run())
    body = script_views(at)[0]
    text = html.unescape(re.sub(r"<[^>]+>", "", body))
    assert text.startswith(FRAMING) and f"User: {QUESTION}\nAssistant: " in text
    assert f"background:{PALE[CHOSEN]}" in body, "the model's words are highlighted, in the chosen word's colour"
    assert "line-through" in body and any("out of its view" in i.value for i in at.info), "context 32: the start is cut"


def test_words_put_in_its_mouth_start_the_reply_and_it_goes_on_from_them() -> None:
    """The torn script's point, made by hand: the model cannot tell the student's words from its own. Asked about
    France and made to begin "I do not know" (the lesson plan's link, the teacher's note), the shipped model says it
    does not know; the words stay in the script as the assistant's, a regenerated reply begins with them again, and
    a question asked with the box empty is the model's alone."""
    link = next(m for m in PARTS[next(iter(PARTS))][0].more if "opening" in m.params)
    at = open_chat("builtin", **link.params)
    assert at.text_input(key="opening").value == "I do not know", "the lesson's link sets them"
    at = send(at, QUESTION)
    reply = chat_ui.ChatState.of(at.session_state).turns[0]
    assert reply.opening == "I do not know" and reply.reply == "I do not know the answer to that."
    assert replies(at)[0] == ":blue-background[I do not know] the answer to that.", "the student's words marked"
    assert any("after your words “I do not know”" in c.value for c in at.caption)
    script = build_script([], QUESTION)  # ... "Assistant:", then the model's own odds of the words, token by token
    words = backend_ids(script + " I do not know")[len(backend_ids(script)) :]
    assert reply.opening_prob == pytest.approx(chain_rule(script, words), rel=1e-4) and reply.opening_prob < 1e-5
    assert any("begun so itself with a probability of <0.001%, about 1 in" in c.value for c in at.caption)
    body = script_views(at)[0]
    text = html.unescape(re.sub(r"<[^>]+>", "", body))
    assert f"User: {QUESTION}\nAssistant: {reply.reply}" in text and "dashed" in body, "yours, marked, in the script"
    at = regenerate(at)
    assert chat_ui.ChatState.of(at.session_state).turns[0].reply == reply.reply, "temperature 0: the same, begun alike"
    at.text_input(key="opening").set_value("")
    at = send(checked(at.run()), QUESTION)
    second = chat_ui.ChatState.of(at.session_state).turns[1]
    assert second.opening == "" and "Paris" in second.reply, "the model's own answer when nobody starts it"


COW = "What sound does a cow make?"


def test_past_its_reply_the_model_writes_the_persons_next_question_too() -> None:
    """The torn script's other half: the app stops at the end of a reply, not the model. Let go on, the shipped model
    writes the person's next line as well (after the cow's sound, "What does it eat?") and answers it; the page shows
    that exchange with the person's side marked as the model's, and the script view adds it, dotted, after the reply."""
    at = send(open_chat("builtin", temperature="0", run_on="true", script="true"), COW)
    found = chat_ui.ChatState.of(at.session_state).run_on[1]
    history = [(COW, "A cow says moo.")]
    assert found.exchange == ("What does it eat?", "A cow eats grass.") and not found.new_conversation
    assert build_script(history) + found.text == build_script(history + [found.exchange]), "the script's next lines"
    user, assistant = at.chat_message[-2:]
    assert (user.name, user.avatar, user.markdown[0].value) == ("user", ":material/smart_toy:", "What does it eat?")
    assert "written by the model" in user.caption[0].value and assistant.markdown[0].value == "A cow eats grass."
    assert any(m.value.startswith("**It wrote your next question too**") for m in at.markdown)
    body = script_views(at)[0]
    text = html.unescape(re.sub(r"<[^>]+>", "", body))
    assert text.endswith(
        f"User: {COW}\nAssistant: A cow says moo.\nUser: What does it eat?\nAssistant: A cow eats grass.\n"
    )
    assert "dotted" in body and any("Grey, dotted" in c.value for c in at.caption)
    at = checked(at.run())
    assert chat_ui.ChatState.of(at.session_state).run_on[1] is found, "written once: a rerun shows the same"
    at.toggle(key="run_on").set_value(False)
    at = checked(at.run())
    assert at.chat_message[-1].markdown[0].value == "A cow says moo." and "dotted" not in script_views(at)[0]


def test_past_its_reply_it_may_end_the_conversation_and_begin_another() -> None:
    """After its fox story the shipped model ends the chat with a blank line and starts a new one: the framing line
    again, a question of its own, the answer."""
    story = reply_text(list(reply_steps(load_backend("builtin", "cpu"), [], DEMO_QUESTIONS[-2], SamplingParams(0.0))))
    found = run_on(load_backend("builtin", "cpu"), [(DEMO_QUESTIONS[-2], story)], SamplingParams(0.0))
    assert found.new_conversation and found.text.startswith(f"\n{FRAMING}\nUser: ")
    assert found.exchange == ("What is the capital of Egypt?", "Cairo is the capital of Egypt.")
    with pytest.raises(ValueError, match="ask a question first"):
        run_on(load_backend("builtin", "cpu"), [], SamplingParams(0.0))


def test_past_its_reply_text_out_of_the_scripts_form_is_shown_raw(monkeypatch) -> None:
    monkeypatch.setattr(chat_ui.core, "run_on", lambda *args: RunOn("User: a\nUser: <b>b</b>", None))
    at = send(open_chat("builtin", temperature="0", run_on="true"), COW)
    assert "User: a\nUser: &lt;b&gt;b&lt;/b&gt;" in script_views(at)[0] and at.chat_message[-1].name == "assistant"
    assert any(m.value.startswith("What it wrote next, as the script holds it.") for m in at.markdown)


def test_a_reply_cut_at_the_length_limit_has_no_end_to_go_past(tiny_model_dir) -> None:
    at = send(open_chat(str(tiny_model_dir), temperature="0", run_on="true"), COW)  # an untrained model runs on
    state = chat_ui.ChatState.of(at.session_state)
    assert state.turns[0].ending == SHORTENED and state.run_on is None
    assert any("no end to go past" in c.value for c in at.caption)


@pytest.mark.parametrize(
    "written, exchange",
    [
        ("User: And a dog?\nAssistant: A dog says woof.\n", ("And a dog?", "A dog says woof.")),
        ("User: And a dog?\nAssistant: A dog says", None),  # its reply not ended yet
        ("User: And a dog?\nUser: Or a cat?\nAssistant: Meow.\n", None),  # a message of two lines
        ("Assistant: Moo.\n", None),
        ("User: \nAssistant: Hello.\n", None),
    ],
)
def test_the_plain_script_reads_an_exchange_the_model_wrote(written: str, exchange) -> None:
    assert ChatScript().exchange(written) == exchange


def backend_ids(text: str) -> list[int]:
    return load_backend("builtin", "cpu").encode(text)


def chain_rule(text: str, ids: list[int]) -> float:
    """p(ids[0] | text) · p(ids[1] | text, ids[0]) ...: one next-token distribution per step."""
    backend, p, so_far = load_backend("builtin", "cpu"), 1.0, backend_ids(text)
    for token in ids:
        p *= float(backend.next_token_logits(so_far).double().softmax(-1)[token])
        so_far = so_far + [token]
    return p


def test_a_long_odd_opening_is_cut_shown_literally_and_never_called_impossible() -> None:
    """A link's 300-character opening is cut to the box's 200; its chain of probabilities underflows to 0, which the
    caption must not write as "0%"; a one-token reply is "1 token"."""
    odd = "<b>x</b> **y** " + "z" * 300
    at = send(open_chat("builtin", temperature="0", opening=odd), "What sound does a cow make?")
    turn = chat_ui.ChatState.of(at.session_state).turns[0]
    assert len(turn.opening) == chat_ui.MAX_OPENING_CHARS and turn.opening_prob == 0.0 and len(turn.steps) == 1
    assert replies(at)[0].startswith(r":blue-background[\<b\>x\</b\> \*\*y\*\* zzz"), "shown literally"
    said = next(c.value for c in at.caption if "after your words" in c.value)
    assert said.startswith("1 token, picked") and said.endswith("with a probability of <0.001%")
    assert chat_ui.odds(2.66e-7) == "<0.001%, about 1 in 3.76 million" and chat_ui.odds(0.342) == "34.2%"


def test_reply_steps_go_on_from_the_opening() -> None:
    backend = load_backend("builtin", "cpu")
    steps = list(reply_steps(backend, [], "What sound does a cow make?", SamplingParams(0.0), opening="A dog "))
    assert reply_text(steps, "A dog ") == "A dog says woof."  # the opening's space is not left dangling
    script = build_script([], "What sound does a cow make?") + " A dog"
    greedy = backend.generate(backend.encode(script), len(steps), SamplingParams(0.0))
    assert [s.token_id for s in steps] == [s.token_id for s in greedy][: len(steps)], "the script, then greedy"


def test_a_suggestion_button_asks_its_question(tiny_model_dir) -> None:
    at = open_chat(str(tiny_model_dir))
    at.button(key="suggest_4").click()
    at = checked(at.run())
    assert [m.markdown[0].value for m in at.chat_message if m.name == "user"] == [DEMO_QUESTIONS[4]]
    next(b for b in at.button if b.label.startswith("Clear")).click()
    at = checked(at.run())
    assert not at.chat_message and at.button(key="suggest_0")


def test_a_hugging_face_model_works_the_same_way(tiny_hf_dir) -> None:
    at = send(open_chat(f"hf:{tiny_hf_dir}", temperature="1.0", seed="1"), QUESTION)
    assert len(replies(at)) == 1
    at = inspect(at)
    assert at.dataframe and at.get("plotly_chart")
    at.toggle(key="script").set_value(True)
    assert "Assistant:" in script_views(checked(at.run()))[0]


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_an_empty_message_is_ignored_with_a_note(tiny_model_dir, text: str) -> None:
    at = send(open_chat(str(tiny_model_dir)), text)
    assert not at.chat_message
    assert any("empty" in i.value for i in at.info)


def test_emoji_and_unknown_words_still_get_a_reply(tiny_model_dir) -> None:
    at = send(open_chat(str(tiny_model_dir), temperature="0"), "🙂 Qué tal, zyzzyva?")
    assert len(replies(at)) == 1


def test_a_very_long_message_is_cut_with_a_notice(tiny_model_dir) -> None:
    at = send(open_chat(str(tiny_model_dir), temperature="0"), "the bank of the river " * 20_000)
    assert any("too long" in w.value for w in at.warning)
    assert len(replies(at)) == 1


def test_query_params_set_temperature_and_seed(tiny_model_dir) -> None:
    at = open_chat(str(tiny_model_dir), temperature="1.3", seed="42", script="true")
    assert at.slider(key="temperature").value == pytest.approx(1.3)
    assert at.number_input(key="seed").value == 42
    assert at.toggle(key="script").value is True and script_views(at)


# ----------------------------------------------------------------------------- pure helpers
@pytest.mark.parametrize("message", [None, "What is 4 + 5?"])
def test_script_segments_rebuild_the_script(message: str | None) -> None:
    turns = [("Hi there?", "Hello."), ("What is two plus three?", "Two plus three is five.")]
    segments = ChatScript().segments(turns, message)
    assert "".join(t for t, _, _ in segments) == build_script(turns, message)
    assert [t for t, kind, _ in segments if kind == "model"] == ["Hello.", "Two plus three is five."]
    cut = ChatScript().segments(turns, message, hidden_chars=30)
    assert "".join(t for t, _, seen in cut if not seen) == build_script(turns, message)[:30]


def test_script_segments_mark_the_words_a_student_began_a_reply_with() -> None:
    turns = [("Hi there?", ""), ("What is two plus three?", "Two plus three is six."), ("And four?", "Four.")]
    segments = ChatScript().segments(turns, None, openings=["", "Two plus three is", "Four."])
    assert "".join(t for t, _, _ in segments) == build_script(turns), "the same script, in other pieces"
    kinds = [(t, kind) for t, kind, _ in segments if kind in ("model", "yours")]
    assert kinds == [("Two plus three is", "yours"), (" six.", "model"), ("Four.", "yours")]


def test_cut_message_keeps_the_end(tiny_model_dir) -> None:
    backend = load_backend(str(tiny_model_dir))
    assert cut_message(backend, "  What is the capital of France?  ") == ("What is the capital of France?", 0)
    kept, cut = cut_message(backend, "dog " * 500 + "Paris")
    assert kept.endswith("Paris") and cut > 0
    framing = len(backend.encode(FRAMING + "\n"))
    assert len(backend.encode(build_script([], kept))) - framing == backend.info.context_length  # "User: … Assistant:"
    assert out_of_view(backend, "dog") == (0, 0)
    chars, tokens = out_of_view(backend, "dog " * 40)
    assert tokens == 40 - backend.info.context_length and chars == 4 * tokens


def test_step_choices_add_the_chosen_word_when_it_was_not_a_top_guess() -> None:
    step = GenStep(1, " Paris", 0.5, 0.2, [("Paris", 0.2), ("Rome", 0.1)])
    assert step_choices(step) == (["Paris", "Rome"], [0.2, 0.1], "Paris")
    rare = GenStep(2, " Lima", 0.01, 0.01, [("Paris", 0.2), ("Rome", 0.1)])
    assert step_choices(rare) == (["Paris", "Rome", " Lima"], [0.2, 0.1, 0.01], " Lima")
