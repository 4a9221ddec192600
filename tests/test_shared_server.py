"""What a mischievous student can try on a class's shared server, and why it comes to nothing: sizes that would
take the server's memory, one run link in many tabs, someone else's run link, a huge one-word text, a link or a
file name written as Markdown. App cases run headlessly (AppTest); nothing here measures time."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomllib
from markdown_it import MarkdownIt

from explainer.backends.base import DECODE_TAIL
from explainer.backends.load import load_backend
from explainer.format import md_escape
from explainer.model.sampling import SamplingParams
from explainer.model.tokenizers import MAX_WORD_CHARS, _fitting_lines, train_tokenizer
from explainer.training import run as training_run
from explainer.training import throughput
from explainer.training.run import new_run
from explainer.training.runs import RunStore
from explainer.training.spec import PAGE_LIMITS, PRESETS, RunSpec, memory_problem, train_memory_mb
from explainer.training.text import load_text
from explainer.ui.training.live import first_words
from explainer.ui.training.session import RUNNING, TrainingSession, training_slots

from . import apptest
from .apptest import ROOT, no_crash, plain

PAGE = "app_pages/train.py"
EVIL = "[Your teacher says: log in here](http://evil.example/x) ![t](//evil.example/t.png) www.evil.example"


pytestmark = pytest.mark.usefixtures("run_root")


def saved_run(root: Path, steps: int = 4) -> str:
    run = new_run(RunSpec.from_preset("tiny", steps=500, eval_every=50), load_text("builtin"))
    run.trainer.step(steps)
    rid = RunStore(root).new_id()
    RunStore(root).save(rid, run)
    return rid


def links_and_images(markdown: str) -> list[str]:
    """What CommonMark (+ GFM tables and strikethrough) would draw from `markdown` as a link, image or HTML,
    plus any bare URL or www. that GFM would turn into a link."""
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    found = []
    for block in md.parse(markdown):
        for t in block.children or []:
            if t.type in ("link_open", "image", "html_inline"):
                found.append(t.type)
    found += [w for w in ("http://", "https://", "www.") if w in markdown]
    return found


# ----------------------------------------------------------------------------- sizes
def test_the_size_cards_never_build_a_model_of_the_asked_for_size(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[int] = []
    real_gpt = training_run.GPT
    for module in (training_run, throughput):  # a run's model, and the one the size cards are calibrated on
        monkeypatch.setattr(module, "GPT", lambda cfg: built.append(cfg.d_model) or real_gpt(cfg))
    at = apptest.train_page()
    at.segmented_control(key="train_size").set_value("custom")
    no_crash(at.run())
    for key, value in [("train_batch", 256), ("train_context", 512), ("train_layers", 12), ("train_heads", 16)]:
        at.number_input(key=key).set_value(value)
        no_crash(at.run())
    at.number_input(key="train_width").set_value(768)
    no_crash(at.run())
    errors = " ".join(plain(e.value) for e in at.error)
    assert "MB of memory" in errors and "per training" in errors, errors
    assert 768 not in built and set(built) <= {c.d_model for c in throughput.CALIBRATION}, built  # calibration
    assert TrainingSession.of(at.session_state).run is None, "no run with random dials is built either"


def test_the_memory_estimate_lets_the_presets_through_and_refuses_the_attack() -> None:
    for name in PRESETS:
        assert memory_problem(RunSpec.from_preset(name), 5000, PAGE_LIMITS) is None, name
    attack = RunSpec(n_layer=12, n_head=16, d_model=768, context_length=512, batch_size=256)
    assert train_memory_mb(attack, 100) > 50_000
    assert "make the batch" in memory_problem(attack, 100, PAGE_LIMITS)


# ----------------------------------------------------------------------------- run links and the queue
def test_one_run_link_in_four_tabs_takes_four_places_and_never_changes_the_run(run_root: Path) -> None:
    rid = saved_run(run_root)
    slots = training_slots()
    tabs = [apptest.train_page(run=rid) for _ in range(4)]
    ids = {TrainingSession.of(at.session_state).run_id for at in tabs}
    assert len(ids) == 4 and rid not in ids, "every tab works on its own copy"
    try:
        for at in tabs:
            apptest.click(at, "train_run", errors_ok=True)
        assert slots.max_concurrent == 2 and slots.request("probe") == 3, "two tabs train, two wait, then this"
        slots.release("probe")
        queued = [at for at in tabs if any("in the queue" in i.value for i in at.info)]
        assert len(queued) == 2
    finally:
        for at in tabs:
            if TrainingSession.of(at.session_state).status == RUNNING:
                apptest.click(at, "train_run", errors_ok=True)
    assert RunStore(run_root).load(rid).trainer.step_count == 4, "the run behind the link is untouched"


def test_one_step_waits_for_a_training_place(run_root: Path) -> None:
    at = apptest.train_page()
    slots = training_slots()
    others = [f"other-student-{i}" for i in range(slots.max_concurrent)]
    for other in others:
        assert slots.request(other) == 0
    try:
        apptest.click(at, "train_step", errors_ok=True)
        assert TrainingSession.of(at.session_state).run.trainer.step_count == 0
        assert any("training places" in w.value for w in at.warning), [w.value for w in at.warning]
    finally:
        for other in others:
            slots.release(other)
    apptest.click(at, "train_step", errors_ok=True)
    assert TrainingSession.of(at.session_state).run.trainer.step_count == 1
    assert slots.request("probe") == 0, "the step gave its place back"
    slots.release("probe")


def test_reset_on_someone_elses_link_deletes_only_the_copy(run_root: Path) -> None:
    rid = saved_run(run_root)
    at = apptest.train_page(run=rid)
    copy = TrainingSession.of(at.session_state).run_id
    assert RunStore(run_root).exists(copy)
    apptest.click(at, "train_reset", errors_ok=True)
    assert RunStore(run_root).exists(rid) and not RunStore(run_root).exists(copy)


# ----------------------------------------------------------------------------- texts that cost minutes
def test_a_five_megabyte_word_is_read_only_at_its_start() -> None:
    word = "a" * 5_000_000
    assert first_words(word, 2, 40) == "a" * 40
    assert first_words("one two three", 2, 40) == "one two"


def test_generation_decodes_the_prompts_tail_not_the_whole_prompt(tiny_model_dir: Path) -> None:
    backend = load_backend(str(tiny_model_dir))
    longest = []
    decode = backend.tokenizer.decode
    backend.tokenizer.decode = lambda ids: longest.append(len(ids)) or decode(ids)
    prompt = backend.encode("the dog " * 50_000)  # 100,000 tokens
    steps = list(backend.generate(prompt, 5, SamplingParams(temperature=0)))
    assert len(steps) == 5 and max(longest) <= DECODE_TAIL + 5


def test_bpe_learns_from_pieces_of_a_one_word_text() -> None:
    lines = list(_fitting_lines("a" * 200_000 + "\nthe dog ran\n"))
    assert max(len(w) for line in lines for w in line.split()) == MAX_WORD_CHARS
    assert lines[-1] == "the dog ran\n", "ordinary text is unchanged"
    tok = train_tokenizer("bpe", "a" * 200_000, 300)
    assert tok.decode(tok.encode("aaaa")) == "aaaa"
    assert train_tokenizer("word", "b" * 100 + " the dog").vocab[1:] == ["dog", "the"], "a 100-letter word is no token"


def test_a_text_of_fewer_than_eight_characters_trains_and_nudges() -> None:
    at = apptest.train_page()
    at.radio(key="train_src").set_value("paste")
    no_crash(at.run())
    at.text_area(key="train_paste").input("ab " * 1000)
    no_crash(at.run())
    assert TrainingSession.of(at.session_state).run.data.tokenizer.vocab_size == 4  # <unk>, a, b, space
    apptest.click(at, "train_nudge_button", errors_ok=True)
    assert any("One nudge" in (s["layout"].get("title") or {}).get("text", "") for s in apptest.chart_specs(at))


# ----------------------------------------------------------------------------- Markdown from outside
def test_md_escape_leaves_no_link_image_or_autolink() -> None:
    assert links_and_images(EVIL), "the check itself finds them unescaped"
    assert links_and_images(md_escape(EVIL)) == []
    assert plain(md_escape(EVIL)) == EVIL, "the student still reads the text as typed"


def test_a_model_link_written_as_markdown_shows_as_text() -> None:
    at = apptest.open_page(query={"model": EVIL}, errors_ok=True)
    shown = [e.value for e in [*at.error, *at.sidebar.error]]
    assert shown and all(links_and_images(m) == [] for m in shown), shown
    assert any(EVIL in plain(m) for m in shown)


def test_a_file_name_written_as_markdown_shows_as_text(tiny_model_dir: Path) -> None:
    at = apptest.train_page()
    at.radio(key="train_src").set_value("upload")
    no_crash(at.run())
    name = f"{EVIL}.txt"
    at.file_uploader(key="train_upload").set_value((name, ("the dog ran home. " * 200).encode(), "text/plain"))
    no_crash(at.run())
    apptest.click(at, "train_step", errors_ok=True)  # the settings lock and name the text
    shown = [m.value for m in [*at.info, *at.success, *at.error]]
    assert any(EVIL in plain(m) for m in shown), shown
    assert all(links_and_images(m) == [] for m in shown), shown


def test_students_never_see_error_details() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"


@pytest.mark.parametrize("tokens", ["char", "bpe"])
def test_a_five_megabyte_one_word_upload_settles(tokens: str) -> None:
    """4.9 MB of "a": before the caps, minutes of server CPU (the whole text was the sample prompt, decoded on every
    token; BPE learnt from one 4.9 MB word). Now the sample is short and the page settles (pytest-timeout guards)."""
    at = apptest.train_page()
    at.radio(key="train_src").set_value("upload")
    no_crash(at.run())
    at.radio(key="train_tok").set_value(tokens)
    no_crash(at.run())
    at.file_uploader(key="train_upload").set_value(("a.txt", b"a" * 4_900_000, "text/plain"))
    no_crash(at.run())
    run = TrainingSession.of(at.session_state).run
    (step, sample), *_ = run.samples
    assert step == 0 and len(sample) <= 40 + 120 * 40, len(sample)  # a short prompt, then 120 tokens at most


def test_the_spinner_wraps_only_the_first_making_of_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    from contextlib import nullcontext

    from explainer.ui.shell import spinner

    shown: list[str] = []
    monkeypatch.setattr(spinner, "_made", set())
    monkeypatch.setattr(spinner, "get_script_run_ctx", lambda suppress_warning=True: object())  # a page's run
    monkeypatch.setattr(spinner.st, "spinner", lambda text: shown.append(text) or nullcontext())
    made = [spinner.spinner_first_time(key, f"making {key}", lambda k=key: k * 2) for key in (1, 1, 2, 1)]
    assert made == [2, 2, 4, 2]  # every call returns what make() gives (the cache's lookup)
    assert shown == ["making 1", "making 2"]  # the spinner (a timer thread each) only the first time per key
    monkeypatch.setattr(spinner, "MAX_KEYS", 2)  # students' texts in the keys: the set never grows past its bound
    spinner.spinner_first_time(3, "making 3", lambda: 6)
    assert len(spinner._made) <= 2 and shown[-1] == "making 3"


def test_the_warm_server_exempts_its_lasting_objects_from_full_collections() -> None:
    import gc

    from explainer.ui.warm import settle_garbage_collector

    try:
        settle_garbage_collector()
        assert gc.get_freeze_count() > 10_000  # this test process alone holds far more than that once warm
    finally:
        gc.unfreeze()


def test_a_shared_chart_is_made_once_per_key_and_language_and_sent_from_one_copy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from collections import OrderedDict

    from explainer.charts.prediction import next_token_bars
    from explainer.i18n import _, speaking
    from explainer.ui.shell import chart

    monkeypatch.setattr(chart, "_shared", OrderedDict())
    monkeypatch.setattr(chart, "SHARED_CHARTS", 2)
    built: list[str] = []

    def bars(word: str):
        built.append(word)
        return next_token_bars([word, "b"], [0.6, 0.3], title=_("Next-word probabilities"))

    first = chart.shared_chart(("bars", "apple"), lambda: bars("apple"))
    assert chart.shared_chart(("bars", "apple"), lambda: bars("apple")) is first  # another student: a lookup
    assert first.fig.to_dict() is first.fig.to_dict()  # what Streamlit sends, copied once
    assert "apple" in first.table and "zebra" not in first.table and first.sentence
    with speaking("de"):
        german = chart.shared_chart(("bars", "apple"), lambda: bars("apple"))  # the same chart in another language
    assert german is not first and german.sentence != first.sentence
    assert "zebra" in chart.shared_chart(("bars", "zebra"), lambda: bars("zebra")).table  # another key, another chart
    assert built == ["apple", "apple", "zebra"] and len(chart._shared) == 2  # the oldest left when a third came
