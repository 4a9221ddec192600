"""The pages' element code loaded ahead (explainer/ui/shell/chart_code.py): the chunks are found in the installed
Streamlit, and only the pages a lesson starts on load them (their effect in a browser: tests/e2e/test_browser.py)."""

from __future__ import annotations

from explainer.ui.shell.chart_code import AHEAD, STATIC_JS, chunk, plotly_chunk, preload_script


def test_the_plotly_chunk_is_found_in_the_installed_streamlit() -> None:
    """A Streamlit that renames or splits the chunk fails here, rather than silently loading nothing ahead."""
    chunk = plotly_chunk()
    assert chunk is not None and chunk.startswith("PlotlyChart.") and (STATIC_JS / chunk).stat().st_size > 1_000_000


def test_every_chunk_loaded_ahead_is_found() -> None:
    """A Streamlit that renames one fails here: it would be left out of the list without a word."""
    assert all(chunk(name) for name in AHEAD)


def test_only_the_pages_before_the_first_chart_load_them_plotly_first() -> None:
    for path in ("", "chat"):
        script = preload_script(path)
        assert f'["{plotly_chunk()}", "{chunk("ChatInput")}"' in script and "import(new URL(" in script
    for path in ("poll", "next-word", "glossary", "feedback"):  # a phone on the poll has no chart to come
        assert preload_script(path) == ""
