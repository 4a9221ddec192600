"""Translations (explainer/i18n.py): every string the app shows is in every language's catalog, translated, with
the same {placeholders} as the English; the pages pass no bare English to Streamlit; numbers are written the way
each language writes them."""

from __future__ import annotations

import ast
import re
import unicodedata
from pathlib import Path
from string import Formatter

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from explainer.format import fixed_percent, human_count, number, percent
from explainer.i18n import DEFAULT, LANGUAGES, LOCALES, _, catalog_path, ngettext, pgettext, sentences, speaking

ROOT = Path(__file__).resolve().parent.parent
TRANSLATED = [lang for lang in LANGUAGES if lang != DEFAULT]
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}
SOURCES = [("streamlit_app.py", "python"), ("app_pages/**.py", "python"), ("explainer/**.py", "python")]


def extracted() -> dict[tuple[str | None, str | tuple[str, ...]], list[str]]:
    """Every message marked in the source (_ N_ ngettext pgettext), keyed by (context, message), with where it is:
    what `make messages` extracts."""
    found: dict[tuple[str | None, str | tuple[str, ...]], list[str]] = {}
    for path, line, message, _comments, context in extract_from_dir(ROOT, SOURCES, keywords=KEYWORDS):
        found.setdefault((context, message), []).append(f"{path}:{line}")
    return found


IN_CONTEXT = extracted()
MESSAGES = {message: where for (_context, message), where in IN_CONTEXT.items()}


def fields(text: str) -> set[str]:
    """The {placeholders} of a message, as str.format reads them ({{ and }} are literal braces)."""
    return {name for _text, name, _spec, _conv in Formatter().parse(text) if name is not None}


def test_the_source_has_its_messages() -> None:
    assert len(MESSAGES) > 500, "the extraction found too few messages: is babel.cfg's list of files right?"
    assert "Presenter mode" in MESSAGES and "The torn script" in MESSAGES


def test_the_template_is_up_to_date() -> None:
    """explainer/locales/messages.pot holds what the source marks: `make messages` was run after the last change."""
    with (LOCALES / "messages.pot").open("rb") as f:
        template = {(m.context, m.id) for m in read_po(f) if m.id}
    missing = sorted(str(m) for m in set(IN_CONTEXT) - template)
    assert not missing, f"not in messages.pot (run `make messages`): {missing[:10]}"


def messages_in_f_strings(path: Path) -> list[tuple[int, str]]:
    """(line, message) of each _("literal") written inside an f-string's braces: babel's extractor does not look
    there (before Python 3.12), so such a message is only translated if it is also marked somewhere else."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.JoinedStr):
            for call in ast.walk(node):
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Name)
                    and call.func.id == "_"
                    and call.args
                    and isinstance(call.args[0], ast.Constant)
                ):
                    found.append((call.lineno, call.args[0].value))
    return found


def test_no_message_hides_in_an_f_string_alone() -> None:
    paths = [ROOT / "streamlit_app.py", *sorted((ROOT / "app_pages").rglob("*.py"))]
    paths += sorted((ROOT / "explainer").rglob("*.py"))
    hidden = [
        f"{p.relative_to(ROOT)}:{n} {m!r}" for p in paths for n, m in messages_in_f_strings(p) if m not in MESSAGES
    ]
    assert not hidden, "marked only inside an f-string, so never extracted:\n" + "\n".join(hidden)


def bare_chart_words(path: Path) -> list[tuple[int, str]]:
    """(line, words) a figure would show in English: a plotly dict's "text", "name" or "title" given as a plain
    string with letters, not through _()."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                shown = isinstance(key, ast.Constant) and key.value in ("text", "name", "title")
                if shown and isinstance(value, ast.Constant) and re.search("[A-Za-z]{2}", str(value.value)):
                    found.append((value.lineno, value.value))
    return found


def test_charts_show_no_bare_english() -> None:
    paths = sorted((ROOT / "explainer" / "charts").rglob("*.py"))
    found = [f"{p.relative_to(ROOT)}:{n} {w!r}" for p in paths for n, w in bare_chart_words(p)]
    assert not found, "wrap these in _():\n" + "\n".join(found)


def test_the_chart_check_finds_a_bare_title(tmp_path: Path) -> None:
    chart = tmp_path / "chart.py"
    chart.write_text('layout = {"yaxis": {"title": {"text": "depth"}}, "name": _("kept"), "text": "%{x}"}\n')
    assert bare_chart_words(chart) == [(1, "depth")]


def test_the_f_string_check_finds_a_hidden_message(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text('title = f"<b>{_(\'your word\')}</b>"\nlabel = _("outside")\n')
    assert messages_in_f_strings(page) == [(1, "your word")]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated(lang: str) -> None:
    with catalog_path(lang).open("rb") as f:
        catalog = read_po(f, locale=lang)
    problems = []
    for (context, msgid), where in IN_CONTEXT.items():
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        entry = catalog.get(key, context=context)
        if entry is None:
            problems.append(f"missing: {msgid!r} ({where[0]})")
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if entry.fuzzy or not all(strings):
            problems.append(f"untranslated: {msgid!r} ({where[0]})")
            continue
        want = set().union(*(fields(m) for m in (msgid if isinstance(msgid, tuple) else (msgid,))))
        for s in strings:
            try:
                got = fields(s)
            except ValueError as e:
                problems.append(f"broken braces in {s!r}: {e}")
                continue
            if got != want:
                problems.append(f"placeholders {sorted(got)} instead of {sorted(want)}: {msgid!r} -> {s!r}")
    assert not problems, f"{len(problems)} problems in {lang}:\n" + "\n".join(problems[:40])


def test_french_marks_never_start_or_end_a_line() -> None:
    """French puts a space before : ? ! ; and inside « »: a no-break one, else a line (a projector's narrow caption)
    may end on « or begin with ? or »."""
    with catalog_path("fr").open("rb") as f:
        catalog = read_po(f, locale="fr")
    breakable = re.compile(r"« |(?<=\S) [»:?!;](?=\s|$|[*)»\]_,.])")
    found = [
        s
        for entry in catalog
        if entry.id
        for s in (entry.string if isinstance(entry.string, tuple) else (entry.string,))
        if breakable.search(s)
    ]
    assert not found, f"{len(found)} with a breakable space, e.g. {found[:3]}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_are_used(lang: str) -> None:
    """A catalog is read and used: the app's name reads differently in each language, and back in English."""
    with speaking(lang):
        title = _("How large language models work")
        plural = ngettext("{n} of these is a word the model never saw in training (dashed red): it reads it as the "
                          "token `<unk>`.", "{n} of these are words the model never saw in training (dashed red): "
                          "it reads each as the same token, `<unk>`.", 3)  # fmt: skip
    assert title != "How large language models work"
    assert "{n}" in plural and "are words" not in plural
    assert _("How large language models work") == "How large language models work"


def test_one_english_word_may_be_two_in_another_language() -> None:
    """The page "Layers" and a model's count of layers are one word in English and two in Chinese (层数 is "the
    number of layers": as a page's name it read as a count); the count asks for its sense by context."""
    with speaking("zh_CN"):
        page, count = _("Layers"), pgettext("how many", "Layers")
    assert (page, count) == ("网络层", "层数")
    assert pgettext("how many", "Layers") == "Layers"


# ----------------------------------------------------------------------------- the pages pass no bare English
# Streamlit calls whose first argument (or these keywords) is text a student reads.
SHOWS_TEXT = {
    "title", "header", "subheader", "markdown", "caption", "text", "write", "info", "warning", "error", "success",
    "toast", "button", "download_button", "link_button", "page_link", "checkbox", "toggle", "radio", "selectbox",
    "multiselect", "slider", "select_slider", "text_input", "text_area", "number_input", "file_uploader",
    "chat_input", "expander", "tabs", "metric", "spinner", "progress", "status", "popover", "form_submit_button",
    "segmented_control", "pills", "badge", "set_page_config",
}  # fmt: skip
TEXT_KEYWORDS = {"label", "help", "placeholder", "caption", "text", "body", "page_title"}
LINT_ROOTS = ["app_pages", "explainer/ui", "streamlit_app.py"]
PROSE = re.compile(r"[A-Za-z]{2,}")


def _prose(node: ast.AST) -> str | None:
    """The English in a literal (a string, an f-string's fixed parts, a list of them), or None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    elif isinstance(node, (ast.List, ast.Tuple)):
        found = [p for p in map(_prose, node.elts) if p]
        return found[0] if found else None
    else:
        return None
    text = re.sub(r":material/\w+:|<[^>]*>", "", text)  # icons and HTML tags are not words
    return text if PROSE.search(text) else None


def _is_logger(receiver: ast.AST) -> bool:
    """`log.warning(...)`, `logging.getLogger(...).warning(...)`: the server's log, read by whoever runs it."""
    if isinstance(receiver, ast.Name):
        return receiver.id in ("log", "logger", "logging")
    return isinstance(receiver, ast.Call) and getattr(receiver.func, "attr", None) == "getLogger"


def bare_strings(path: Path, root: Path = ROOT) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        column = node.func.attr.endswith("Column")  # st.column_config.TextColumn("label", help=...): a table's header
        if (node.func.attr not in SHOWS_TEXT and not column) or _is_logger(node.func.value):
            continue
        args = node.args[:1] + [k.value for k in node.keywords if k.arg in TEXT_KEYWORDS]
        if node.func.attr == "set_page_config":
            args = [k.value for k in node.keywords if k.arg == "page_title"]
        for arg in args:
            if (text := _prose(arg)) is not None:
                found.append(f"{path.relative_to(root)}:{arg.lineno} {node.func.attr}: {text[:60]!r}")
    return found


def test_pages_pass_no_bare_english_to_streamlit() -> None:
    """A literal passed as the text, label, help or caption of a Streamlit call would stay English: it must go
    through _() first."""
    paths = []
    for root in LINT_ROOTS:
        top = ROOT / root
        paths += [top] if top.is_file() else sorted(top.rglob("*.py"))
    found = [hit for path in paths for hit in bare_strings(path)]
    assert not found, "wrap these in _():\n" + "\n".join(found)


def test_the_lint_finds_a_bare_label(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text(
        'import streamlit as st\nst.button("Run it", key="run")\nst.slider(_("Fine"), help=f"{x} tokens")\n'
        'st.markdown(f"**{name}**")\nst.caption(_("Fine"), help="")\nlog.warning("step %s failed", name)\n'
        'cols = {"n": st.column_config.NumberColumn("runs"), "m": st.column_config.TextColumn(_("fine"))}\n'
    )
    found = [hit.split(" ", 1)[1] for hit in bare_strings(page, tmp_path)]
    assert found == ["button: 'Run it'", "slider: ' tokens'", "NumberColumn: 'runs'"]


# ----------------------------------------------------------------------------- numbers
NBSP = {"\u00a0": " ", "\u202f": " "}


def plain(text: str) -> str:
    return "".join(NBSP.get(c, c) for c in text)


@pytest.mark.parametrize(
    "lang, quarter, big, share",
    [
        ("en", "25%", "1,234,567", "97.6%"),
        ("de", "25 %", "1.234.567", "97,6 %"),
        ("fr", "25 %", "1 234 567", "97,6 %"),
        ("es", "25 %", "1.234.567", "97,6 %"),
        ("pt_BR", "25%", "1.234.567", "97,6%"),
        ("zh_CN", "25%", "1,234,567", "97.6%"),
    ],
)
def test_numbers_are_written_per_language(lang: str, quarter: str, big: str, share: str) -> None:
    with speaking(lang):
        assert plain(fixed_percent(0.25)) == quarter
        assert plain(number(1_234_567)) == big
        assert plain(percent(0.976)) == share
        assert plain(number(0.5, 2)) == ("0,50" if "," in share else "0.50")


def test_units_follow_the_language() -> None:
    assert human_count(2_412_345) == "2.4M"
    with speaking("de"):
        assert plain(human_count(2_412_345)) == "2,4 Mio." and plain(human_count(85_000)) == "85.000"  # no short word
    with speaking("zh_CN"):  # counted in ten-thousands (万) and hundred-millions (亿)
        assert [human_count(n) for n in (2_412_345, 124_439_808, 85_000, 3_000)] == ["241万", "1.2亿", "8.5万", "3,000"]
    with speaking("pt_BR"):
        assert plain(human_count(2_412_345)) == "2,4 mi"


def test_large_numbers_in_words_follow_the_language() -> None:
    from explainer.format import big_number, duration_from_years

    assert big_number(175e9) == "175 billion" and duration_from_years(1.2e9) == "1.2 billion years"
    with speaking("zh_CN"):
        assert big_number(175e9) == "1750亿" and big_number(15.6e12) == "15.6万亿"  # not "175 十亿"
    with speaking("fr"):  # a billion is a thousand milliards; "d'années" after a number in words
        assert (
            plain(big_number(1.4e12)) == "1,4 billion" and plain(duration_from_years(1.2e9)) == "1,2 milliard d'années"
        )
    with speaking("de"):
        assert plain(big_number(405e9)) == "405 Milliarden"


def test_charts_write_numbers_the_languages_way() -> None:
    from explainer.charts.prediction import next_token_bars

    with speaking("de"):
        fig = next_token_bars(["Paris", "Lyon"], [0.5, 0.25], 0.25, title=_("Next word"))
    assert fig.layout.separators == ",."
    assert fig.layout.title.text == said_in("de", "Next word")
    assert next_token_bars(["Paris"], [0.5], 0.5, title="x").layout.separators == ".,"


def test_percent_ticks_are_written_as_the_cells_beside_them() -> None:
    """plotly's tickformat writes "50%" in every language, beside cells and bar labels that say "50 %" in German:
    colour bars and percent axes carry their ticks written out."""
    from explainer.charts.prediction import next_token_bars
    from explainer.charts.style import colorbar, decade_ticks, flat_colorbar, share_ticks

    with speaking("de"):
        assert colorbar("x")["ticktext"] == ["0\xa0%", "50\xa0%", "100\xa0%"]
        assert flat_colorbar("x")["ticktext"] == ["0\xa0%", "50\xa0%", "100\xa0%"] and "ticktext" not in colorbar(
            "x", ".1f"
        )
        axis = next_token_bars(["Paris", "Lyon"], [0.9, 0.001], log_x=True).layout.xaxis
    assert list(axis.tickvals) == [0.001, 0.01, 0.1, 1.0] and list(axis.ticktext) == [
        "0,1\xa0%",
        "1\xa0%",
        "10\xa0%",
        "100\xa0%",
    ]
    assert share_ticks(1.0) == [0, 0.2, 0.4, 0.6, 0.8, 1.0] and share_ticks(0.3) == [0, 0.1, 0.2, 0.3]
    assert share_ticks(0.04) == [0, 0.01, 0.02, 0.03, 0.04] and decade_ticks(-2.5, 3) == [0.01, 0.1, 1.0]


def test_the_embedding_figures_speak_the_language() -> None:
    """Legend, hover texts and colour bar: group names and labels come from the corpus or plotly in English unless
    translated where the figure is made."""
    import numpy as np

    from explainer.charts.embeddings import embedding_map, heat_strip

    with speaking("de"):
        fig = embedding_map(np.zeros((3, 2)), ["a", "b", "c"], ["animals", "animal_sounds", "days"], highlight=[2])
        strip = heat_strip({"a": np.ones(4)})
    names = ["animals", "animal sounds", "your words"]
    assert [t.name for t in fig.data] == [said_in("de", n) for n in names]
    assert said_in("de", "your word") in fig.data[-1].hovertemplate
    assert strip.data[0].colorbar.title.text == said_in("de", "value")
    assert said_in("de", "number {n}").format(n="%{x}") in strip.data[0].hovertemplate
    assert list(strip.data[0].colorbar.ticktext) == [said_in("de", "{value} (red)").format(value="−1"), "0",
                                                     said_in("de", "{value} (blue)").format(value="1")]  # fmt: skip
    with speaking("de"):
        half = heat_strip({"a": np.full(4, 0.25)}).data[0].colorbar.ticktext
    assert half[0].startswith("−0,25") and half[2].startswith("0,25")


def test_chart_numbers_written_by_python_speak_the_language() -> None:
    """Numbers the figure carries as text (not plotly's formats, which follow `separators`): the screen reader's
    table, the attention lines' shares."""
    import numpy as np

    from explainer.charts.describe import describe
    from explainer.charts.inside import attention_lines
    from explainer.charts.layers import logit_bars

    with speaking("de"):
        table = str(describe(logit_bars(["a", "b"], [1234.5, 0.25])))
        lines = attention_lines(np.array([0.125, 0.875]), ["a", "b"], 1)
    assert "1.230" in table and "0,25" in table and "1,230" not in table, table
    assert lines.data[-2].text[-1].endswith("88\xa0%"), lines.data[-2].text  # (German: a space before the sign)
    assert all("." not in c for c in lines.data[-2].customdata), lines.data[-2].customdata


def said_in(lang: str, message: str) -> str:
    with speaking(lang):
        text = _(message)
    assert text != message
    return text


# ----------------------------------------------------------------------------- Markdown in other scripts
def _punctuation(c: str | None) -> bool:
    return c is not None and unicodedata.category(c)[0] in "PS"


def _space(c: str | None) -> bool:
    return c is None or c.isspace()


def unreadable_bold(text: str) -> list[str]:
    """The ** of `text` that Markdown cannot read as bold (CommonMark's flanking rules): in Chinese "什么。**它" does
    not close (punctuation before, a letter after: "什么**。它" does). Placeholders count as words."""
    t = re.sub(r"\{[^{}]*\}", "x", text)
    found = []
    for k, m in enumerate(re.finditer(r"(?<!\*)\*\*(?!\*)", t)):
        i = m.start()
        before, after = (t[i - 1] if i else None), (t[i + 2] if i + 2 < len(t) else None)
        opens = not _space(after) and (not _punctuation(after) or _space(before) or _punctuation(before))
        closes = not _space(before) and (not _punctuation(before) or _space(after) or _punctuation(after))
        if not (closes if k % 2 else opens):
            found.append(t[max(0, i - 8) : i + 10])
    return found


def test_the_bold_check_finds_what_markdown_cannot_read() -> None:
    assert unreadable_bold("**这个小模型知道什么。**它只") == ["小模型知道什么。**它只"]
    assert unreadable_bold("**这个小模型知道什么**。它只") == []
    assert unreadable_bold("Die **Temperatur** formt, **„Paris“ anhängen**") == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_bold_text_stays_bold(lang: str) -> None:
    with catalog_path(lang).open("rb") as f:
        catalog = read_po(f, locale=lang)
    bad = []
    for m in catalog:
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        bad += [f"{s!r}: {unreadable_bold(s)}" for s in strings if m.id and s and unreadable_bold(s)]
    assert not bad, "\n".join(bad[:10])


CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def cjk_soft_breaks(text: str) -> list[str]:
    """The line breaks inside a Chinese paragraph: Markdown reads one as a space, and Chinese has none between words
    ("…的词， 往下走…"). A blank line, a break after two spaces (a hard break), a table row or a list item is meant."""
    text, found = text.strip("\n"), []
    for i in (i for i, c in enumerate(text) if c == "\n"):
        before, after = text[:i], text[i + 1 :]
        if before.endswith(("\n", "  ")) or after.startswith(("\n", "|", "- ")):
            continue
        if CJK.search(before[-1:]) or CJK.search(after.removeprefix("**")[:1]):
            found.append(text[max(0, i - 8) : i + 9])
    return found


def test_the_break_check_finds_a_space_chinese_does_not_have() -> None:
    assert cjk_soft_breaks("最可能的词，\n往下走") == ["最可能的词，\n往下走"]
    assert cjk_soft_breaks("一样。\n**点击一个词**") == ["一样。\n**点击一个词*"]
    assert cjk_soft_breaks("第一段。\n\n第二段") == [] and cjk_soft_breaks("参数  \n{n} 层") == []
    assert cjk_soft_breaks("| 步骤 |\n| --- |") == [] and cjk_soft_breaks("a\nb") == []


def test_chinese_paragraphs_have_no_stray_spaces() -> None:
    """Prose written for Markdown (a message that begins with a line break, as the pages' paragraphs do)."""
    with catalog_path("zh_CN").open("rb") as f:
        catalog = read_po(f, locale="zh_CN")
    bad = [
        f"{m.string[:40]!r}: {cjk_soft_breaks(m.string)}"
        for m in catalog
        if isinstance(m.id, str) and m.id.startswith("\n") and cjk_soft_breaks(m.string)
    ]
    assert not bad, "\n".join(bad[:10])
    # "**首都就在它的国家旁边。** 在…": bold closed after a full stop needs a space after it to be bold, which Chinese
    # does not write; "**首都就在它的国家旁边**。在…" is bold without one
    spaced = [
        m.string[:40] for m in catalog if isinstance(m.string, str) and re.search(r"[。：；！？，]\*\* ", m.string)
    ]
    assert not spaced, spaced


def test_sentences_join_as_the_language_writes() -> None:
    with speaking("zh_CN"):
        assert sentences("它猜对了。", "", "（网络层页面）") == "它猜对了。（网络层页面）"
    with speaking("fr"):
        assert sentences("Il a deviné.", "", "(Page Couches)") == "Il a deviné. (Page Couches)"


def test_the_device_is_named_in_the_language() -> None:
    """The sidebar and the home page say where the model runs ('CPU (1 Thread)'); records keep device_label's
    English, whatever the language of the page that started them."""
    import torch

    from explainer.model.device import device_label, device_words

    cpu = torch.device("cpu")
    n = torch.get_num_threads()
    with speaking("de"):
        assert device_words(cpu) == f"CPU ({n} Thread{'s' if n != 1 else ''})"
        assert device_label(cpu) == f"CPU ({n} thread{'s' if n != 1 else ''})"
    with speaking("es"):
        assert device_words(cpu).startswith(f"CPU ({n} hilo")
        assert device_words("CPU (2 threads)") == "CPU (2 hilos)"  # a label a stored benchmark kept
        assert device_words("GPU (NVIDIA H100 80GB HBM3)") == "GPU (NVIDIA H100 80GB HBM3)"
    shown = [ROOT / "streamlit_app.py", *(ROOT / "app_pages").glob("*.py"), *(ROOT / "explainer/ui").rglob("*.py")]
    english = [f.name for f in shown if "device_label(" in f.read_text(encoding="utf-8")]
    assert not english, f"a page names the device in the records' English (device_label, not device_words): {english}"
