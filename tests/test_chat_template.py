"""A model trained to chat reads its own chat template: the script, its replies' end, the feedback page's answers and
the CLI follow it; a model without one (built-in, GPT-2) gets the plain script."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
import torch

from explainer.analysis.inside import capital_questions
from explainer.backends.base import ChatTemplate, GenStep
from explainer.backends.load import load_backend
from explainer.cli.main import main
from explainer.generation.chat import cut_message, replies, reply_steps, reply_text, run_on
from explainer.generation.script import ChatScript, TemplateScript, build_script, script_for
from explainer.model.sampling import SamplingParams, make_generator
from explainer.training.preference import encode_answer
from explainer.ui.prediction import PROMPT_KEY
from explainer.ui.shell.models import ModelInUse, default_spec
from explainer.ui.shell.pages import PAGES

from .apptest import checked, open_page
from .helpers import tiny_hf_chat

TURNS = [("Hi there?", "Hello."), ("What is two plus three?", "Two plus three is five.")]
QUESTION = "What is the capital of France?"


@pytest.fixture(scope="module")
def chat_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_hf_chat(tmp_path_factory.mktemp("chat") / "tiny-chat")


@pytest.fixture
def chat_model(chat_dir: Path):
    return load_backend(f"hf:{chat_dir}", "cpu")  # a new one per test: some tests change it


def template_text(backend, turns, message: str | None) -> str:
    """What transformers' own apply_chat_template writes for this conversation."""
    messages = [{"role": r, "content": c} for u, a in turns for r, c in (("user", u), ("assistant", a))]
    messages += [{"role": "user", "content": message}] if message is not None else []
    tok = backend.tokenizer.tok
    return tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=message is not None)


@pytest.mark.parametrize("turns, message", [([], QUESTION), (TURNS, None), (TURNS, "And four plus four?")])
def test_the_script_is_the_models_own_template(chat_model, turns, message) -> None:
    form = script_for(chat_model)
    assert isinstance(form, TemplateScript) and form.ends == ("<|im_end|>", "<|endoftext|>")
    assert form.script(turns, message) == template_text(chat_model, turns, message)
    segments = form.segments(turns, message)
    assert "".join(t for t, _kind, _seen in segments) == form.script(turns, message)
    assert [t for t, kind, _ in segments if kind == "model"] == [a for _u, a in turns]
    assert [t for t, kind, _ in segments if kind == "user"] == [u for u, _a in turns] + ([message] if message else [])
    labels = "".join(t for t, kind, _ in segments if kind == "label")
    assert labels.count("<|im_start|>") == 1 + 2 * len(turns) + (2 if message else 0)
    cut = form.segments(turns, message, hidden_chars=40)
    assert "".join(t for t, _kind, seen in cut if not seen) == form.script(turns, message)[:40]
    assert chat_model.tokenize("<|im_end|>")[0].id == chat_model.tokenizer.tok.convert_tokens_to_ids("<|im_end|>")


def test_a_model_without_a_template_gets_the_plain_script(tiny_hf_dir, tiny_model_dir) -> None:
    for spec in (f"hf:{tiny_hf_dir}", str(tiny_model_dir)):
        form = script_for(load_backend(spec, "cpu"))
        assert type(form) is ChatScript and form.script(TURNS, QUESTION) == build_script(TURNS, QUESTION)


class _Templated:
    """A stand-in backend: only its chat template matters to `script_for`."""

    def __init__(self, render):
        self.render = render

    def chat_template(self) -> ChatTemplate:
        return ChatTemplate(self.render, None)


def _fails(messages, open_reply):
    raise ValueError("Conversation roles must alternate user/assistant/user/assistant/...")


@pytest.mark.parametrize(
    "render",
    [
        _fails,
        lambda messages, open_reply: "Hello",  # writes none of the messages
        lambda messages, open_reply: "".join(m["content"] for m in messages),  # never ends a reply
        lambda messages, open_reply: "".join(m["content"] * 2 for m in messages),  # each message twice
    ],
)
def test_a_template_that_does_not_work_falls_back_to_the_plain_script(render) -> None:
    assert type(script_for(_Templated(render))) is ChatScript


def test_the_reply_ends_when_the_model_writes_its_end_of_turn_marker(chat_model) -> None:
    """A model rigged to always predict <|im_end|>: the reply is empty, and generation stops at that first token."""
    end, vocab = chat_model.tokenizer.tok.convert_tokens_to_ids("<|im_end|>"), chat_model.info.vocab_size
    always_end = torch.nn.functional.one_hot(torch.tensor(end), vocab).float() * 30  # (V,) logits
    chat_model._read = lambda ids, cache: always_end.expand(ids.shape[0], -1)  # every read, the same prediction
    written, generate = [], chat_model.generate

    def counted(*args, **kwargs):
        for step in generate(*args, **kwargs):
            written.append(step.text)
            yield step

    chat_model.generate = counted
    assert list(reply_steps(chat_model, [], QUESTION, SamplingParams(1.0), make_generator(1)[0], 50)) == []
    assert written == ["<|im_end|>"]
    assert replies(chat_model, [], QUESTION, SamplingParams(1.0), [make_generator(s)[0] for s in range(3)]) == [""] * 3


@pytest.mark.parametrize(
    "pieces, reply",
    [([" Hel", "lo.", "<|im_end|>", " junk"], "Hello."), ([" Par", "is.<|im_end|>", "\n"], "Paris.")],
)
def test_a_reply_keeps_what_came_before_its_end(chat_model, pieces, reply) -> None:
    steps = [GenStep(i, p, 0.5, 0.5, []) for i, p in enumerate(pieces)]
    chat_model.generate = lambda *args, stop, **kwargs: iter(steps)
    assert reply_text(list(reply_steps(chat_model, [], QUESTION, SamplingParams(1.0)))) == reply
    plain = ChatScript()
    assert plain.before_end(" Paris.\nUser:") == " Paris." and plain.ended("a\n") and not plain.ended("a")


def test_a_reply_begun_for_the_model_follows_its_own_marker(chat_model) -> None:
    """Words put in its mouth go right after the template's "<|im_start|>assistant\n", and the reply holds them."""
    read = []
    chat_model.generate = lambda ids, *args, **kwargs: (
        read.append(ids) or iter([GenStep(1, " Paris.<|im_end|>", 1, 1, [])])
    )
    steps = list(reply_steps(chat_model, [], QUESTION, SamplingParams(1.0), opening="It is"))
    form = script_for(chat_model)
    assert read == [chat_model.encode(form.script([], QUESTION) + "It is")]
    assert (
        form.script([], QUESTION).endswith("<|im_start|>assistant\n") and reply_text(steps, "It is") == "It is Paris."
    )
    parts = form.segments([(QUESTION, "It is Paris.")], openings=["It is"])
    assert [(t, kind) for t, kind, _ in parts if kind in ("yours", "model")] == [
        ("It is", "yours"),
        (" Paris.", "model"),
    ]


def test_past_its_reply_a_chat_model_writes_the_next_turn_in_its_own_markers(chat_model) -> None:
    """Let go on after its reply's <|im_end|>, a chat model writes the person's turn in its own markers: the exchange is
    read from them, and writing stops once the reply to it has ended."""
    form, read = script_for(chat_model), []
    pieces = [
        "<|im_start|>",
        "user\nAnd four",
        " plus four?<|im_end|>\n",
        "<|im_start|>assistant\nEight.",
        "<|im_end|>",
    ]

    def generate(ids, max_new, params, generator=None, stop=None, **kwargs):
        read.append(ids)
        for i, piece in enumerate([*pieces, "\njunk"]):
            yield GenStep(i, piece, 1.0, 1.0, [])
            if stop("".join(pieces[: i + 1])):
                return

    chat_model.generate = generate
    found = run_on(chat_model, TURNS, SamplingParams(1.0))
    assert read == [chat_model.encode(form.script(TURNS))] and found.text == "".join(pieces)
    assert found.exchange == ("And four plus four?", "Eight.") and not found.new_conversation
    assert form.script(TURNS + [found.exchange]).startswith(form.script(TURNS) + found.text)
    assert form.exchange(found.text[:-4]) is None, "not before its reply has ended"
    assert form.exchange("<|im_start|>assistant\nEight.<|im_end|>") is None, "no person's turn: no exchange"


def test_feedback_answers_end_with_the_marker(chat_model) -> None:
    ids, n_reply = encode_answer(chat_model, "Hi?", "Hello.")
    assert ids[-n_reply:] == chat_model.encode("Hello.<|im_end|>")
    assert chat_model.decode(ids).endswith("<|im_start|>user\nHi?<|im_end|>\n<|im_start|>assistant\nHello.<|im_end|>")


def test_a_long_question_is_cut_to_leave_room_for_the_markers(chat_model) -> None:
    kept, cut = cut_message(chat_model, "dog " * 200 + "Paris")
    assert kept.endswith("Paris") and cut > 0
    assert len(chat_model.encode(script_for(chat_model).script([], kept))) == chat_model.info.context_length


def test_the_chat_page_shows_the_models_own_markers(chat_dir) -> None:
    at = open_page("app_pages/chat.py", spec=f"hf:{chat_dir}", query={"temperature": "1.0", "seed": "1"}, timeout=120)
    at.chat_input[0].set_value("Hi?")
    at = checked(at.run())
    at.toggle(key="script").set_value(True)
    at = checked(at.run())
    body = next(h.value for h in at.html if "im_start" in h.value)
    text = html.unescape(re.sub(r"<[^>]+>", "", body))
    assert text.startswith("<|im_start|>system\n")
    assert "<|im_start|>user\nHi?<|im_end|>\n<|im_start|>assistant\n" in text
    assert any("when it writes `<|im_end|>`" in c.value for c in at.caption), "how this model's reply ends"


def test_the_cli_shows_the_models_own_script(capsys, chat_dir) -> None:
    argv = ["chat", "Hi?", "--temperature", "0", "--max-new", "5", "--show-script", "--model", f"hf:{chat_dir}"]
    assert main([*argv, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["script"].startswith("<|im_start|>system\n")
    assert "<|im_start|>user\nHi?<|im_end|>\n<|im_start|>assistant\n" + out["reply"] in out["script"]


@pytest.mark.parametrize("page", [p.file for p in PAGES if p.url_path != "poll"])
def test_every_page_works_on_a_chat_model_of_another_shape(chat_dir, page: str) -> None:
    """Rotary positions (no position table), grouped-query attention, RMSNorm, tied embeddings: Qwen2.5's shape."""
    at = open_page(page, spec=f"hf:{chat_dir}", timeout=120)
    assert at.title and "tiny-chat" in "".join(m.value for m in at.sidebar.markdown)


FOX = "Tell me a short story about a fox."


def test_the_prompt_pages_start_from_the_models_own_script(chat_dir, chat_model) -> None:
    """The next-word page's text is the torn script in the loaded model's format; loading another model while it is
    untouched rewrites it in that model's format, and a text the student wrote stays."""
    builtin = build_script([], FOX) + " Once upon a time,"
    at = open_page("app_pages/next_word.py")
    assert at.text_area(key=PROMPT_KEY).value == builtin
    ModelInUse.of(at.session_state).spec = f"hf:{chat_dir}"
    own = checked(at.run()).text_area(key=PROMPT_KEY).value
    assert own == template_text(chat_model, [], FOX) + "Once upon a time,"
    assert own.endswith("<|im_start|>assistant\nOnce upon a time,")
    at.text_area(key=PROMPT_KEY).input("My own text about a fox,")
    at = checked(at.run())
    ModelInUse.of(at.session_state).spec = default_spec()
    assert checked(at.run()).text_area(key=PROMPT_KEY).value == "My own text about a fox,"


def test_the_head_that_finds_the_country_is_sought_in_the_models_own_script(chat_model) -> None:
    plain, own = capital_questions(3), capital_questions(3, script_for(chat_model))
    assert [(e, a) for _t, e, a in own] == [(e, a) for _t, e, a in plain]
    for (text, country, _capital), (plain_text, _e, _a) in zip(own, plain):
        assert text.endswith(f"<|im_start|>assistant\nThe capital of {country} is") and "User:" not in text
        assert plain_text.endswith(f"\nAssistant: The capital of {country} is")
