"""Export for lessons: the camera button's settings, file names, and a handout that opens offline and shows what
the teacher saw, with every string from outside escaped."""

from __future__ import annotations

import json
import re

import pytest

from explainer.charts.export import View, file_stem, handout_html, image_config, plotly_js
from explainer.charts.prediction import next_token_bars


def test_file_names_say_what_it_is() -> None:
    assert file_stem("why-word", "token_pushes") == "why-word_token-pushes"
    assert file_stem("", "tree") == "tree"
    assert file_stem("../etc", "a/b c") == "etc_a-b-c"
    assert file_stem("", "") == "chart"


def test_the_camera_downloads_png_or_svg() -> None:
    assert image_config("x", "png")["toImageButtonOptions"] == {"format": "png", "filename": "x", "scale": 2}
    assert image_config("x", "svg")["toImageButtonOptions"]["format"] == "svg"
    with pytest.raises(ValueError, match="image format"):
        image_config("x", "gif")


def test_the_handout_is_one_offline_file_with_every_view() -> None:
    bars = next_token_bars(["Paris", "</script><b>x"], [0.8, 0.1], 0.1, title="After “is”").to_dict()
    views = [
        View("Next word", "http://host/next-word?prompt=%3Cb%3E", {"next-word_bars": bars}),
        View("<i>Why</i> this word?", "http://host/why-word", {}),
    ]
    html = handout_html("Lesson <1>", "built-in model", "2026-12-01", views)
    js = plotly_js()
    assert js in html and len(js) > 1_000_000  # inlined whole, from the installed package
    ours = html.replace(js, "")
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=|@import|https?://cdn", ours)  # nothing fetched
    assert ours.count("<script") == 2 and ours.count("</script>") == 2  # a figure's text cannot close a script
    assert "Lesson &lt;1&gt;" in html and "&lt;i&gt;Why&lt;/i&gt; this word?" in html
    assert "href='http://host/next-word?prompt=%3Cb%3E'" in html
    figures = re.search(r"for \(const \[id, fig, config\] of (\[.*\])\) Plotly", ours, re.S).group(1)
    [[div, fig, config]] = json.loads(figures)
    assert div == "fig-0-0" and fig["data"] == json.loads(json.dumps(bars["data"]))
    assert config["toImageButtonOptions"] == {"format": "svg", "filename": "next-word_bars", "scale": 1}
    assert "(no charts on this view)" in html
