"""Figure builders: the right bars, percentages that add up, cut words greyed."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest
import torch

from explainer.charts import prediction as charts
from explainer.generation.next_token import compare, top_tokens
from explainer.model.sampling import SamplingParams

from .helpers import valid_figure as valid

VOCAB = ["the", "a", "\n", " cat", "<unk>", "dog", "sat", "."]
LOGITS = torch.tensor([3.0, 2.5, 2.0, 1.0, 0.5, 0.0, -1.0, -2.0])


def token_str(i: int) -> str:
    return VOCAB[i]


def test_next_token_bars_sorted_with_everything_else() -> None:
    top = top_tokens(LOGITS.softmax(-1), 5, token_str)
    fig = valid(charts.next_token_bars(list(reversed(top.labels)), list(reversed(top.probs)), top.other, "a"))
    (bar,) = fig.data
    assert len(bar.x) == 6  # five words + "everything else"
    assert list(bar.x[:5]) == sorted(bar.x[:5], reverse=True)  # likeliest on top
    assert sum(bar.x) == pytest.approx(1.0)
    assert fig.layout.yaxis.ticktext[-1] == "<i>everything else</i>"
    assert bar.marker.color[-1] == charts.GREY and bar.marker.color[1] == charts.CHOSEN
    assert "⏎" in fig.layout.yaxis.ticktext and "&lt;unk&gt;" in fig.layout.yaxis.ticktext  # visible, escaped
    assert all(t.endswith("%") for t in bar.text)
    assert fig.layout.font.size >= 16


def test_next_token_bars_without_other_and_log_scale() -> None:
    fig = valid(charts.next_token_bars(["x", "y"], [0.7, 0.3], log_x=True, title="t"))
    assert len(fig.data[0].x) == 2 and fig.layout.xaxis.type == "log"


def test_compare_cuts_what_top_k_cuts() -> None:
    c = compare(LOGITS, SamplingParams(temperature=0.5, top_k=2), 4, token_str)
    assert c.kept == [True, True, False, False] and not c.other_kept and c.n_kept == 2
    assert sum(c.base) + c.base_other == pytest.approx(1.0)
    assert sum(c.chosen) + c.chosen_other == pytest.approx(1.0)
    assert c.chosen[0] > c.base[0]  # T = 0.5 sharpens the favourite
    assert c.settings == "T = 0.5, top-k 2"


def test_compare_at_temperature_zero_keeps_one_word() -> None:
    c = compare(LOGITS, SamplingParams(temperature=0), 4, token_str)
    assert c.chosen[0] == 1.0 and c.chosen_bits == 0.0 and c.n_kept == 1


def test_one_diverging_scale_for_vectors_and_one_colour_per_role() -> None:
    """Every page draws a vector's numbers with the same scale, blue above 0 and red below, centred on 0; the word
    the model picked is always CHOSEN and the word that really came next always TRUE."""
    import numpy as np

    from explainer.charts import embeddings, style, training

    strip = valid(embeddings.heat_strip({"a": np.array([-2.0, 0.0, 1.0])}))
    scale = [list(c) for c in strip.data[0].colorscale]
    assert scale == style.colorscale(style.DIVERGING)
    assert strip.data[0].zmin == -2.0 and strip.data[0].zmax == 2.0 and strip.data[0].zmid == 0
    assert "blue" in strip.data[0].colorbar.ticktext[-1]
    assert scale[-1][1] in ("rgb(5,48,97)", "#053061") and scale[0][1] in ("rgb(103,0,31)", "#67001f")  # top blue
    chosen = valid(charts.next_token_bars(["x", "y"], [0.6, 0.4], highlight="y"))
    assert chosen.data[0].marker.color[1] == style.CHOSEN
    nudge = valid(training.nudge_chart(["yes", "no"], [0.2, 0.8], [0.3, 0.7], 0))
    assert nudge.data[1].marker.color[0] == style.TRUE != style.CHOSEN


def test_figures_carry_the_lean_template_not_streamlit_s_whole_theme() -> None:
    """Streamlit's theme template (3.7 kB of colour scales) was copied into every figure and sent with it; the app's
    lean copy keeps only its colour cycle (placeholders the browser swaps for the theme's colours)."""
    import json

    import plotly.io as pio
    import streamlit.elements.plotly_chart  # noqa: F401  (registers Streamlit's template as the default)

    from explainer.charts.prediction import next_token_bars
    from explainer.ui.shell.chart import LEAN_TEMPLATE, use_lean_template

    use_lean_template()
    assert pio.templates.default == LEAN_TEMPLATE
    template = next_token_bars(["a", "b"], [0.6, 0.4]).to_dict()["layout"]["template"]
    assert len(json.dumps(template)) < 400
    assert template["layout"]["colorway"] == list(pio.templates["streamlit"].layout.colorway)


def test_the_figure_streamlit_sends_is_plotly_s_json_without_its_deep_copy() -> None:
    import numpy as np
    import plotly.io as pio

    from explainer.charts.style import figure
    from explainer.charts.wire import typed_array

    grid = np.arange(12, dtype=np.float64).reshape(3, 4)
    data = [
        {"type": "heatmap", "z": grid[:, ::2], "x": ["a", "b"], "hovertext": [["x", "y"]] * 3},  # not contiguous
        {"type": "bar", "x": np.array([1, 2, 300]), "y": np.array([0.5, 0.25, 0.25], dtype=np.float32)},  # int64
        {"type": "scatter", "x": np.array([5, 70_000], dtype=np.uint64), "y": np.array([True, False])},
        {"type": "scatter", "x": np.array([2**40, 1]), "y": np.array([], dtype=float), "text": np.array(["p", "q"])},
    ]
    fig = valid(figure(data, {"xaxis": {"range": np.array([0.0, 1.0])}, "shapes": [{"type": "line", "x0": 0}]}))
    sent = fig.to_dict()
    assert pio.to_json(sent, validate=False) == pio.to_json(go.Figure.to_dict(fig), validate=False)
    assert typed_array(np.array([1, 300]))["dtype"] == "i2" and typed_array(np.array([5], np.uint64))["dtype"] == "u1"
    assert typed_array(grid)["shape"] == "3, 4" and isinstance(typed_array(np.array([2**40])), np.ndarray)
    sent["layout"]["shapes"][0]["x0"] = 9  # the copy's dicts are its own: the figure is unchanged
    sent["data"][0]["type"] = "bar"
    assert fig.layout.shapes[0].x0 == 0 and fig.data[0].type == "heatmap"


def test_a_colour_key_fills_lines_a_phone_can_show() -> None:
    from explainer.charts.style import TITLE_WIDTH, colour_key

    key = colour_key([("#111", "embedding"), ("#222", "attention"), ("#333", "feed-forward network")])
    lines = key.split("<br>")
    assert (
        lines[0] == '<span style="color:#111">█</span> embedding\u2003\u2003<span style="color:#222">█</span> attention'
    )
    assert lines[1:] == ['<span style="color:#333">█</span> feed-forward network']  # the third would pass TITLE_WIDTH
    assert len("embedding attention feed-forward network") + 6 > TITLE_WIDTH
    assert colour_key([("#111", "a")]) == '<span style="color:#111">█</span> a'


def test_a_narrow_title_breaks_after_a_long_words_hyphen_never_at_a_no_break_space() -> None:
    from explainer.charts.style import title_lines

    assert title_lines("le token précédent 83\xa0%", 12) == "le token<br>précédent<br>83\xa0%"  # "83" and "%" together
    assert title_lines("multiplications-additions par étape", 19) == "multiplications-<br>additions par étape"
    assert title_lines("GPT-3 and t-SNE x", 5) == "GPT-3<br>and<br>t-SNE<br>x"  # short parts stay whole
    assert (
        title_lines("逐词读（循环神经网络），CPU（1 个线程）", 28) == "逐词读（循环神经网络），<br>CPU（1 个线程）"
    )  # not "<br>，"
    assert title_lines("甲乙丙丁（戊己庚辛壬癸）", 10) == "甲乙丙丁<br>（戊己庚辛<br>壬癸）"  # not "（<br>"


def test_a_token_in_a_title_is_text_and_the_title_still_wraps() -> None:
    """A word-level model's "<unk>" (GPT-2's "<|endoftext|>") in a title: plotly would read it as a tag, and a title
    with a tag other than <br> was never wrapped (cut at a phone's edge); the charts' own tags stay tags."""
    from explainer.charts.style import layout, plain_markup

    assert plain_markup("after “<unk> a <|endoftext|>” <b>x</b><br><span style='c'>█</span> 3 < 4") == (
        "after “&lt;unk> a &lt;|endoftext|>” <b>x</b><br><span style='c'>█</span> 3 &lt; 4"
    )
    title = layout("Qu'est-ce qui vient après «\xa0…<unk> a time,\xa0»\xa0?", 300, {"t": 60})["title"]["text"]
    assert "&lt;unk>" in title and "<br>" in title and "<unk>" not in title


@pytest.mark.parametrize(
    ("title", "lines"),
    [("What else could it have said?", ["What else could it have said?"]),
     ("How much each word pushed “␣Paris” up (blue) or down (red)",
      ["How much each word pushed", "“␣Paris” up (blue) or down (red)"]),
     ("Training: 6 × parameters × tokens operations, at three speeds",
      ["Training: 6 × parameters × tokens", "operations, at three speeds"]),
     ("每个词把“␣巴黎”推高（蓝）或压低（红）了多少，这是一个很长的标题",
      ["每个词把“␣巴黎”推高（蓝）或压低（红）", "了多少，这是一个很长的标题"]),
     ("“␣is” (layer 1, head 4): scores → weights", ["“␣is” (layer 1, head 4):", "scores → weights"]),
     ("by hand<br>kept", ["by hand", "kept"]),
     ("1: the land along the side of a big river",  # not "1:" alone on a line (a meaning's legend)
      ["1: the land along the", "side of a big river"]),
     ("Choosing token 1: where each head of layer 1 looked, and how much each weight counts for the next word",
      ["Choosing token 1: where each head of", "layer 1 looked, and how much each", "weight counts for the next word"]),
     ("<b>any other tag</b> keeps a title as it is, however long it is written", None)],
)  # fmt: skip
def test_a_long_title_is_drawn_on_lines_a_phone_can_show(title: str, lines: list[str] | None) -> None:
    """plotly never wraps a title: a long one is cut at a phone's edge. It is broken between words (or Chinese
    characters) into lines of at most TITLE_WIDTH letters: two after a punctuation mark where one fits, else as even
    as can be; a longer title filled line by line."""
    from explainer.charts.style import TITLE_LINE_PX, TITLE_WIDTH, _width, layout, title_lines

    wrapped = title_lines(title)
    assert wrapped.split("<br>") == (lines or [title])
    assert all(_width(line) <= TITLE_WIDTH for line in wrapped.split("<br>")) or lines is None
    one_line = layout("short", 300, {"t": 60})
    two = layout(title, 300, {"t": 60})
    added = wrapped.count("<br>") - title.count("<br>")
    assert two["margin"]["t"] - one_line["margin"]["t"] == two["height"] - 300 == TITLE_LINE_PX * added
    assert ("yanchor" in two["title"]) == (added > 0)  # a wrapped title hangs from the top into the room made for it
